// SPDX-License-Identifier: Apache-2.0
// Serving the embedded dashboard page and deriving its Content-Security-Policy from the page itself.
#include "http/dashboard.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <sstream>

#include "core/sha256.h"

namespace alveo::http {
namespace {

// 'sha256-<base64 of the digest>' of the text between `open` and the next `close`, or 'none' when
// the page has no such element (then the browser runs no inline code of that kind).
std::string HashSource(std::string_view page, std::string_view open, std::string_view close) {
  const std::size_t start = page.find(open);
  if (start == std::string_view::npos) return "'none'";
  const std::size_t begin = start + open.size();
  const std::size_t end = page.find(close, begin);
  if (end == std::string_view::npos) return "'none'";
  Sha256 sha;
  sha.Update(page.substr(begin, end - begin));
  const Sha256::Digest digest = sha.Finish();
  std::ostringstream text;
  Poco::Base64Encoder base64(text);
  base64.rdbuf()->setLineLength(0);
  base64.write(reinterpret_cast<const char*>(digest.data()), static_cast<std::streamsize>(digest.size()));
  base64.close();
  return "'sha256-" + text.str() + "'";
}

std::string BuildPolicy(std::string_view page) {
  // Hashes rather than 'unsafe-inline' (markup injected into the page could then run script) or a
  // per-request nonce (the page is static, so a nonce would only add a rewrite per response).
  return "default-src 'none'; script-src " + HashSource(page, "<script>", "</script>") +
         "; style-src " + HashSource(page, "<style>", "</style>") +
         "; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

}  // namespace

std::string_view DashboardHtml() { return internal::EmbeddedDashboardHtml(); }

const std::string& DashboardContentSecurityPolicy() {
  static const std::string policy = BuildPolicy(DashboardHtml());
  return policy;
}

void SendDashboard(Poco::Net::HTTPServerResponse& response) {
  const std::string_view page = DashboardHtml();
  response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  response.setContentType("text/html; charset=utf-8");
  response.set("Cache-Control", "no-store");
  response.set("Content-Security-Policy", DashboardContentSecurityPolicy());
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.setContentLength(static_cast<std::streamsize>(page.size()));
  response.send().write(page.data(), static_cast<std::streamsize>(page.size()));
}

}  // namespace alveo::http
