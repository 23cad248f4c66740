// SPDX-License-Identifier: Apache-2.0
// The HTTP side (Poco). Read: GET / and /dashboard (the embedded operator page, http/dashboard.h),
// GET /healthz, /readyz, /metrics (Prometheus text), /api/v1/studies (filters, pagination),
// /api/v1/studies/{uid-or-key} (with its SR deliveries), /api/v1/deliveries[?study=]. Operator
// actions (bearer token from http.api_token): POST /api/v1/studies/{id}/complete,
// POST /api/v1/studies/{id}/reprocess, POST /api/v1/deliveries/{id}/retry. JSON apart from the page
// and /metrics; no patient names. Errors are JSON with a stable code
// from the one error table. Threads: Poco's pool, named http-N. Thread-safety: Start/Stop from the
// controlling thread; handlers go through the ports, which are thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/ports.h"
#include "core/settings.h"
#include "core/status.h"

namespace alveo::http {

// Facts for /healthz, gathered at request time.
struct HealthInfo {
  std::string version;
  long long uptime_seconds = 0;
  int active_associations = 0;
  bool accepting = true;
};
using HealthSource = std::function<HealthInfo()>;

// What the server reads and drives. `studies` is required; a missing part answers 404 (read) or 403
// (actions).
struct HttpSources {
  const StudyCatalog* studies = nullptr;
  StudyControl* study_control = nullptr;
  DeliveryCatalog* deliveries = nullptr;
  HealthSource health;
  std::function<bool()> ready;           // /readyz: 200 when true, 503 otherwise
  std::function<std::string()> metrics;  // /metrics body
};

class HttpServer {
 public:
  HttpServer(const HttpSettings& settings, HttpSources sources);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving; kIoError naming the address when the port is taken.
  Status Start();
  int port() const { return port_; }
  void Stop();

 private:
  struct Impl;
  const HttpSettings& settings_;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace alveo::http
