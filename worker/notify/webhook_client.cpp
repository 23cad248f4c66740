// SPDX-License-Identifier: Apache-2.0
#include "notify/webhook_client.h"

#include <istream>
#include <mutex>
#include <ostream>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "notify/signature.h"

namespace alveo::notify {
namespace {

constexpr std::size_t kMaxAnswerText = 200;  // of a failed answer's body, for the log
constexpr char kUserAgent[] = "alveo-notify/1";

Status ConfigError(const std::string& name, const std::string& why) {
  std::string message = "webhook ";  // appended: GCC 12 warns (-Wrestrict) on literal + string here
  message.append(name).append(": ").append(why);
  return Status::Error(ErrorCode::kConfigInvalid, message);
}

// Poco's SSL layer needs one process-wide initialisation. We never register a handler for
// certificate errors (SSLManager's ClientVerificationError event), so a certificate that does not
// verify always fails the handshake.
void InitializeTls() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

// TLS 1.2 or later, the server's chain verified against `ca_file` (only it) or, when empty, the
// system's trust store, and the certificate must name `host` (RFC 6125 rules as OpenSSL applies
// them: subjectAltName DNS or IP entries, no partial wildcards). OpenSSL checks the name during the
// handshake; Poco's own "extended" check is switched off because it also accepts a certificate
// whose names merely resolve (by DNS) to the address we connected to, which a DNS spoofer controls.
Result<Poco::Net::Context::Ptr> ClientContext(const std::string& ca_file, const std::string& host) {
  InitializeTls();
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;  // for a client: verify the server
  params.caLocation = ca_file;
  params.loadDefaultCAs = ca_file.empty();
  Poco::Net::Context::Ptr context =
      new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  context->enableExtendedCertificateVerification(false);
  X509_VERIFY_PARAM* verify = SSL_CTX_get0_param(context->sslContext());
  X509_VERIFY_PARAM_set_hostflags(verify, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  // An IP literal must match an IP entry; anything else is a DNS name.
  const bool named = X509_VERIFY_PARAM_set1_ip_asc(verify, host.c_str()) == 1 ||
                     X509_VERIFY_PARAM_set1_host(verify, host.c_str(), host.size()) == 1;
  if (!named)
    return Status::Error(ErrorCode::kConfigInvalid,
                         "cannot set the TLS host name check for " + host);
  return context;
}

std::string ReadSome(std::istream& in) {
  std::string text(kMaxAnswerText, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return text;
}

}  // namespace

struct WebhookChannel::Target {
  std::string scheme;
  std::string host;
  Poco::UInt16 port = 0;
  std::string path_and_query;
  Poco::Net::Context::Ptr tls;  // null for http
};

Status ClassifyHttpStatus(int status, std::string_view detail) {
  if (status >= 200 && status < 300) return Status::Ok();
  std::string text = "HTTP " + std::to_string(status);
  if (!detail.empty()) text.append(" ").append(detail);
  if (status == 408 || status == 429 || (status >= 500 && status < 600)) {
    return Status::Error(ErrorCode::kPeerUnavailable, text);
  }
  return Status::Error(ErrorCode::kPeerRejected, text);
}

Result<std::unique_ptr<WebhookChannel>> WebhookChannel::Create(const WebhookSettings& settings) {
  auto target = std::make_unique<Target>();
  try {
    const Poco::URI uri(settings.url);
    target->scheme = uri.getScheme();  // lower case
    target->host = uri.getHost();
    target->port = uri.getPort();
    target->path_and_query = uri.getPathAndQuery();
    if (target->path_and_query.empty()) target->path_and_query.push_back('/');
    if (target->scheme != "http" && target->scheme != "https") {
      return ConfigError(settings.name, "the URL must start with http:// or https://");
    }
    if (target->host.empty()) return ConfigError(settings.name, "the URL names no host");
    if (target->scheme == "https") {
      auto tls = ClientContext(settings.ca_file, target->host);
      if (!tls.ok()) return ConfigError(settings.name, tls.status().message());
      target->tls = *tls;
    }
  } catch (const Poco::Exception& e) {
    return ConfigError(settings.name, e.displayText());
  }
  return std::unique_ptr<WebhookChannel>(new WebhookChannel(settings, std::move(target)));
}

WebhookChannel::WebhookChannel(WebhookSettings settings, std::unique_ptr<Target> target)
    : settings_(std::move(settings)), target_(std::move(target)) {}

WebhookChannel::~WebhookChannel() = default;

std::string WebhookChannel::Describe() const {
  return "webhook " + settings_.name + " (" + target_->scheme + "://" + target_->host + ":" +
         std::to_string(target_->port) + ")";
}

Status WebhookChannel::Deliver(const Notification& notification) {
  const std::string body = WebhookBody(notification);
  try {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (target_->tls) {
      session = std::make_unique<Poco::Net::HTTPSClientSession>(target_->host, target_->port,
                                                                target_->tls);
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(target_->host, target_->port);
    }
    session->setTimeout(Poco::Timespan(settings_.timeout_seconds, 0));  // connect, send and receive
    session->setKeepAlive(false);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, target_->path_and_query,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("User-Agent", kUserAgent);
    request.set("X-Alveo-Signature", WebhookSignature(settings_.secret, body));
    request.set("X-Alveo-Delivery", notification.id);
    request.set("X-Alveo-Event", std::string(EventName(notification)));
    std::ostream& out = session->sendRequest(request);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    out.flush();
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    const int status = static_cast<int>(response.getStatus());
    if (status >= 200 && status < 300) return Status::Ok();
    std::string detail = response.getReason();
    if (const std::string text = ReadSome(in); !text.empty()) detail += ": " + text;
    return ClassifyHttpStatus(status, detail);
  } catch (const Poco::Exception& e) {  // refused, timeout, TLS handshake or certificate, reset
    return Status::Error(ErrorCode::kPeerUnavailable, e.displayText());
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kPeerUnavailable, e.what());
  }
}

}  // namespace alveo::notify
