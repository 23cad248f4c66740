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

#include <atomic>
#include <sstream>

#include "core/log.h"
#include "core/thread_name.h"
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

class ApiHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  ApiHandler(const StudyCatalog& catalog, const HealthSource& health, const DeliveryCatalog* deliveries)
      : catalog_(catalog), health_(health), deliveries_(deliveries) {}

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
    if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET) {
      response.set("Allow", "GET");
      SendJson(response, 405, ErrorToJson(Status::Error(ErrorCode::kInvalidArgument, "method not allowed")));
      return;
    }
    if (path == "/healthz") return Health(response);
    if (path == kDeliveriesPath) return ListDeliveries(uri, response);
    if (path == kStudiesPrefix || path == std::string(kStudiesPrefix) + "/") return ListStudies(response);
    const std::string prefix = std::string(kStudiesPrefix) + "/";
    if (path.rfind(prefix, 0) == 0) return GetStudy(path.substr(prefix.size()), response);
    SendError(response, Status::Error(ErrorCode::kNotFound, "no such endpoint: " + path));
  }

  void Health(HTTPServerResponse& response) {
    const HealthInfo info = health_();
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("status", "ok");
    json->set("version", info.version);
    json->set("uptime_seconds", info.uptime_seconds);
    json->set("active_associations", info.active_associations);
    json->set("accepting", info.accepting);
    SendJson(response, 200, json);
  }

  void ListStudies(HTTPServerResponse& response) {
    Poco::JSON::Array::Ptr studies = new Poco::JSON::Array;
    const auto summaries = catalog_.ListStudies();
    for (const auto& study : summaries) studies->add(StudyToJson(study));
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("count", static_cast<Poco::UInt64>(summaries.size()));
    json->set("studies", studies);
    SendJson(response, 200, json);
  }

  void ListDeliveries(const Poco::URI& uri, HTTPServerResponse& response) {
    std::string study;
    for (const auto& [name, value] : uri.getQueryParameters()) {
      if (name == "study") study = value;
    }
    if (!study.empty()) {  // a Study Instance UID or a study key
      if (const auto found = catalog_.FindStudy(study)) study = found->study_key;
    }
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    std::size_t count = 0;
    if (deliveries_ != nullptr) {
      for (const auto& delivery : deliveries_->ListDeliveries()) {
        if (!study.empty() && delivery.study_key != study) continue;
        list->add(DeliveryToJson(delivery));
        ++count;
      }
    }
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("count", static_cast<Poco::UInt64>(count));
    json->set("deliveries", list);
    SendJson(response, 200, json);
  }

  void GetStudy(const std::string& id, HTTPServerResponse& response) {
    const auto study = catalog_.FindStudy(id);
    if (!study) return SendError(response, Status::Error(ErrorCode::kNotFound, "no study " + id));
    SendJson(response, 200, StudyDetailToJson(*study));
  }

  const StudyCatalog& catalog_;
  const HealthSource& health_;
  const DeliveryCatalog* deliveries_;
};

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(const StudyCatalog& catalog, HealthSource health, const DeliveryCatalog* deliveries)
      : catalog_(catalog), health_(std::move(health)), deliveries_(deliveries) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new ApiHandler(catalog_, health_, deliveries_);
  }

 private:
  const StudyCatalog& catalog_;
  HealthSource health_;
  const DeliveryCatalog* deliveries_;
};

}  // namespace

struct HttpServer::Impl {
  const StudyCatalog& catalog;
  HealthSource health;
  const DeliveryCatalog* deliveries;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
};

HttpServer::HttpServer(const HttpSettings& settings, const StudyCatalog& catalog, HealthSource health,
                       const DeliveryCatalog* deliveries)
    : settings_(settings), impl_(new Impl{catalog, std::move(health), deliveries, nullptr, nullptr}) {}

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
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(impl_->catalog, impl_->health, impl_->deliveries),
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
