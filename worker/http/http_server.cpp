// SPDX-License-Identifier: Apache-2.0
#include "http/http_server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <sstream>

#include "core/log.h"
#include "core/thread_name.h"
#include "http/dashboard.h"
#include "http/study_json.h"

namespace alveo::http {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr char kStudiesPrefix[] = "/api/v1/studies";
constexpr char kDeliveriesPath[] = "/api/v1/deliveries";

void SendJson(HTTPServerResponse& response, int status, const Poco::Dynamic::Var& body) {
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(body, text);
  const std::string payload = text.str();
  response.setStatus(static_cast<HTTPResponse::HTTPStatus>(status));
  response.setContentType("application/json");
  response.set("Cache-Control", "no-store");
  response.setContentLength(static_cast<std::streamsize>(payload.size()));
  response.send() << payload;
}

void SendError(HTTPServerResponse& response, const Status& status) {
  SendJson(response, Describe(status.code()).http_status, ErrorToJson(status));
}

// Names Poco's pool threads for our logs and the kernel, once per thread.
void NameHttpThread() {
  static std::atomic<int> counter{0};
  thread_local bool named = false;
  if (named) return;
  named = true;
  SetCurrentThreadName("http-" + std::to_string(counter.fetch_add(1) + 1));
}

// Constant-time comparison, so the token cannot be guessed byte by byte from response times.
bool SameToken(const std::string& given, const std::string& expected) {
  unsigned diff = given.size() == expected.size() ? 0U : 1U;
  const std::size_t n = std::max(given.size(), expected.size());
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned a = i < given.size() ? static_cast<unsigned char>(given[i]) : 0U;
    const unsigned b = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0U;
    diff |= a ^ b;
  }
  return diff == 0;
}

std::string Query(const Poco::URI& uri, const std::string& name) {
  for (const auto& [key, value] : uri.getQueryParameters()) {
    if (key == name) return value;
  }
  return "";
}

// A non-negative integer query parameter; `fallback` when absent; nullopt when malformed.
std::optional<std::size_t> QueryCount(const Poco::URI& uri, const std::string& name, std::size_t fallback) {
  const std::string text = Query(uri, name);
  if (text.empty()) return fallback;
  if (text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return static_cast<std::size_t>(std::stoul(text));
}

class ApiHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  ApiHandler(const HttpSettings& settings, const HttpSources& sources) : settings_(settings), sources_(sources) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    NameHttpThread();
    try {
      Route(request, response);
    } catch (const std::exception& e) {  // nothing escapes into Poco
      ALVEO_LOG(kError, kHttp) << request.getMethod() << " " << request.getURI() << ": " << e.what();
      SendError(response, Status::Error(ErrorCode::kInternal, "internal error"));
    }
  }

 private:
  void Route(HTTPServerRequest& request, HTTPServerResponse& response) {
    const Poco::URI uri(request.getURI());
    const std::string path = uri.getPath();
    const std::string& method = request.getMethod();
    const bool get = method == Poco::Net::HTTPRequest::HTTP_GET;
    const bool post = method == Poco::Net::HTTPRequest::HTTP_POST;
    const std::string studies = std::string(kStudiesPrefix) + "/";
    const std::string deliveries = std::string(kDeliveriesPath) + "/";
    const bool action_path = (path.rfind(studies, 0) == 0 && (EndsWith(path, "/complete") || EndsWith(path, "/reprocess"))) ||
                             (path.rfind(deliveries, 0) == 0 && EndsWith(path, "/retry"));
    if (action_path && !post) {
      response.set("Allow", "POST");
      SendJson(response, 405, ErrorToJson(Status::Error(ErrorCode::kInvalidArgument, "method not allowed; use POST")));
      return;
    }
    if (post && EndsWith(path, "/complete") && path.rfind(studies, 0) == 0) {
      return Action(request, response, path.substr(studies.size(), path.size() - studies.size() - 9), Act::kComplete);
    }
    if (post && EndsWith(path, "/reprocess") && path.rfind(studies, 0) == 0) {
      return Action(request, response, path.substr(studies.size(), path.size() - studies.size() - 10), Act::kReprocess);
    }
    if (post && EndsWith(path, "/retry") && path.rfind(deliveries, 0) == 0) {
      return Action(request, response, path.substr(deliveries.size(), path.size() - deliveries.size() - 6), Act::kRetry);
    }
    if (!get) {
      response.set("Allow", "GET");
      SendJson(response, 405, ErrorToJson(Status::Error(ErrorCode::kInvalidArgument, "method not allowed")));
      return;
    }
    if (path == "/" || path == "/dashboard") return SendDashboard(response);
    if (path == "/healthz") return Health(response);
    if (path == "/readyz") return Ready(response);
    if (path == "/metrics") return Metrics(response);
    if (path == kDeliveriesPath) return ListDeliveries(uri, response);
    if (path == kStudiesPrefix || path == studies) return ListStudies(uri, response);
    if (path.rfind(studies, 0) == 0) return GetStudy(path.substr(studies.size()), response);
    SendError(response, Status::Error(ErrorCode::kNotFound, "no such endpoint: " + path));
  }

  static bool EndsWith(const std::string& text, const std::string& suffix) {
    return text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
  }

  enum class Act { kComplete, kReprocess, kRetry };

  // Bearer token check, then the action. 401 without a token, 403 with a wrong one or when actions
  // are disabled (no http.api_token configured).
  void Action(HTTPServerRequest& request, HTTPServerResponse& response, const std::string& id, Act act) {
    const std::string authorization = request.get("Authorization", "");
    if (authorization.rfind("Bearer ", 0) != 0) {
      response.set("WWW-Authenticate", "Bearer");
      return SendError(response, Status::Error(ErrorCode::kUnauthenticated, "this action needs Authorization: Bearer <token>"));
    }
    if (settings_.api_token.empty()) {
      return SendError(response, Status::Error(ErrorCode::kForbidden, "actions are disabled: no http.api_token is configured"));
    }
    if (!SameToken(authorization.substr(7), settings_.api_token)) {
      ALVEO_LOG(kWarn, kHttp) << "rejected " << request.getMethod() << " " << Poco::URI(request.getURI()).getPath()
                              << " from " << request.clientAddress().host().toString() << ": wrong token";
      return SendError(response, Status::Error(ErrorCode::kForbidden, "wrong token"));
    }
    Status status = Status::Error(ErrorCode::kForbidden, "this action is not available");
    switch (act) {
      case Act::kComplete:
        if (sources_.study_control) status = sources_.study_control->CompleteNow(id);
        break;
      case Act::kReprocess:
        if (sources_.study_control) status = sources_.study_control->Reprocess(id);
        break;
      case Act::kRetry:
        if (sources_.deliveries) status = sources_.deliveries->Retry(id);
        break;
    }
    if (!status.ok()) return SendError(response, status);
    ALVEO_LOG(kInfo, kHttp) << request.getMethod() << " " << Poco::URI(request.getURI()).getPath() << " accepted";
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("accepted", true);
    json->set("id", id);
    SendJson(response, 202, json);
  }

  void Health(HTTPServerResponse& response) {
    const HealthInfo info = sources_.health ? sources_.health() : HealthInfo{};
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("status", "ok");
    json->set("version", info.version);
    json->set("uptime_seconds", info.uptime_seconds);
    json->set("active_associations", info.active_associations);
    json->set("accepting", info.accepting);
    SendJson(response, 200, json);
  }

  void Ready(HTTPServerResponse& response) {
    const bool ready = sources_.ready && sources_.ready();
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("ready", ready);
    SendJson(response, ready ? 200 : 503, json);
  }

  void Metrics(HTTPServerResponse& response) {
    if (!sources_.metrics) return SendError(response, Status::Error(ErrorCode::kNotFound, "no metrics"));
    const std::string body = sources_.metrics();
    response.setStatus(HTTPResponse::HTTP_OK);
    response.setContentType("text/plain; version=0.0.4; charset=utf-8");
    response.set("Cache-Control", "no-store");
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
  }

  void ListStudies(const Poco::URI& uri, HTTPServerResponse& response) {
    const std::string state = Query(uri, "state");
    const std::string flag = Query(uri, "flag");
    const std::string modality = Query(uri, "modality");
    const auto limit = QueryCount(uri, "limit", 100);
    const auto offset = QueryCount(uri, "offset", 0);
    if (!limit || !offset || *limit == 0 || *limit > 1000) {
      return SendError(response, Status::Error(ErrorCode::kInvalidArgument, "limit must be 1-1000 and offset a count"));
    }
    Poco::JSON::Array::Ptr studies = new Poco::JSON::Array;
    std::size_t total = 0;
    for (const auto& study : sources_.studies->ListStudies()) {
      if (!state.empty() && PhaseName(study.phase) != state) continue;
      if (!modality.empty() &&
          std::find(study.modalities.begin(), study.modalities.end(), modality) == study.modalities.end()) {
        continue;
      }
      if (!flag.empty() && HeadlineOf(study.result_json).status != flag) continue;
      if (total >= *offset && total < *offset + *limit) studies->add(StudyToJson(study));
      ++total;
    }
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("total", static_cast<Poco::UInt64>(total));
    json->set("count", static_cast<Poco::UInt64>(studies->size()));
    json->set("offset", static_cast<Poco::UInt64>(*offset));
    json->set("limit", static_cast<Poco::UInt64>(*limit));
    json->set("studies", studies);
    SendJson(response, 200, json);
  }

  Poco::JSON::Array::Ptr DeliveriesOf(const std::string& study_key) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    if (sources_.deliveries == nullptr) return list;
    for (const auto& delivery : sources_.deliveries->ListDeliveries()) {
      if (study_key.empty() || delivery.study_key == study_key) list->add(DeliveryToJson(delivery));
    }
    return list;
  }

  void ListDeliveries(const Poco::URI& uri, HTTPServerResponse& response) {
    std::string study = Query(uri, "study");
    if (!study.empty()) {  // a Study Instance UID or a study key
      if (const auto found = sources_.studies->FindStudy(study)) study = found->study_key;
    }
    const Poco::JSON::Array::Ptr list = DeliveriesOf(study);
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("count", static_cast<Poco::UInt64>(list->size()));
    json->set("deliveries", list);
    SendJson(response, 200, json);
  }

  void GetStudy(const std::string& id, HTTPServerResponse& response) {
    const auto study = sources_.studies->FindStudy(id);
    if (!study) return SendError(response, Status::Error(ErrorCode::kNotFound, "no study " + id));
    Poco::JSON::Object::Ptr json = StudyDetailToJson(*study);
    json->set("deliveries", DeliveriesOf(study->study_key));
    SendJson(response, 200, json);
  }

  const HttpSettings& settings_;
  const HttpSources& sources_;
};

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(const HttpSettings& settings, const HttpSources& sources) : settings_(settings), sources_(sources) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new ApiHandler(settings_, sources_);
  }

 private:
  const HttpSettings& settings_;
  const HttpSources& sources_;
};

}  // namespace

struct HttpServer::Impl {
  HttpSources sources;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
};

HttpServer::HttpServer(const HttpSettings& settings, HttpSources sources)
    : settings_(settings), impl_(new Impl{std::move(sources), nullptr, nullptr}) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  try {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(settings_.address, static_cast<Poco::UInt16>(settings_.port)));
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(settings_.threads);
    params->setMaxQueued(256);
    params->setKeepAlive(true);
    impl_->pool = std::make_unique<Poco::ThreadPool>(1, settings_.threads);
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(settings_, impl_->sources),
                                                            *impl_->pool, socket, params);
    impl_->server->start();
  } catch (const Poco::Exception& e) {
    return Status::Error(ErrorCode::kIoError, "cannot serve HTTP on " + settings_.address + ":" +
                                                  std::to_string(settings_.port) + ": " + e.displayText());
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  if (impl_->server) {
    impl_->server->stopAll(true);
    impl_->server.reset();
  }
  if (impl_->pool) {
    impl_->pool->joinAll();
    impl_->pool.reset();
  }
}

}  // namespace alveo::http
