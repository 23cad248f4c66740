// SPDX-License-Identifier: Apache-2.0
// The HTTP side (Poco): GET /healthz, the read-only study API (GET /api/v1/studies,
// GET /api/v1/studies/{uid-or-key}) and the SR deliveries (GET /api/v1/deliveries[?study=KEY]). JSON only; no patient names. Errors are JSON with a stable code
// from the one error table. Threads: Poco's pool, named http-N. Thread-safety: Start/Stop from the
// controlling thread; handlers only read through the StudyCatalog and the health callback.
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

class HttpServer {
 public:
  // `deliveries` may be null (the endpoint then lists nothing).
  HttpServer(const HttpSettings& settings, const StudyCatalog& catalog, HealthSource health,
             const DeliveryCatalog* deliveries = nullptr);
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
