// SPDX-License-Identifier: Apache-2.0
// Runs the real Orthanc binary (Debian package `orthanc`, /usr/sbin/Orthanc) as a PACS for an
// end-to-end test: a generated JSON configuration, its own storage and index folders in a temp dir,
// DICOM and HTTP ports chosen at run time, the plugins and Lua scripts the test names (none by
// default), no authentication, REST access from loopback only. Helpers read its REST API as JSON.
// Thread-safety: owned and driven by one test thread; the Orthanc process is killed when the object
// is destroyed.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::testing {

inline constexpr char kOrthancDefaultBinary[] = "/usr/sbin/Orthanc";

struct OrthancServerOptions {
  // Empty: OrthancServer::BinaryPath().
  std::string binary;
  // DicomAet; Orthanc checks that callers use it as the called AE title (DicomCheckCalledAet).
  std::string ae_title = "ORTHANC";
  // Extra top-level members appended to the generated configuration, as JSON text without the
  // braces, e.g. R"("StableAge": 5)". A key given here must not be one the generator writes.
  std::string extra_config;
  // Shared libraries listed in "Plugins" (absolute paths); empty: no plugins.
  std::vector<std::string> plugins;
  // Lua scripts listed in "LuaScripts" (absolute paths); empty: none.
  std::vector<std::string> lua_scripts;
  // "MetricsEnabled": GET /tools/metrics-prometheus answers (off by default: less work per test).
  bool metrics = false;
  // "OrthancExplorerEnabled": the /app/explorer.html web UI (off by default).
  bool explorer = false;
  // Attempts with fresh ports when Orthanc exits during start-up (a port was taken meanwhile).
  int start_attempts = 5;
  std::chrono::milliseconds ready_timeout = std::chrono::seconds(60);
  std::chrono::milliseconds stop_timeout = std::chrono::seconds(30);
  // Print the log tail from the destructor when the current test has failed.
  bool dump_logs_on_failure = true;
};

class OrthancServer {
 public:
  // $ALVEO_ORTHANC_BINARY if set, else kOrthancDefaultBinary.
  static std::string BinaryPath();
  // BinaryPath() is an executable file. Tests GTEST_SKIP() when false.
  static bool Available();

  explicit OrthancServer(OrthancServerOptions options = {});
  ~OrthancServer();
  OrthancServer(const OrthancServer&) = delete;
  OrthancServer& operator=(const OrthancServer&) = delete;

  // Writes the configuration (free loopback ports) and starts Orthanc, then waits until
  // GET /system answers with this instance's name and ports. Retries with new ports when Orthanc
  // exits during start-up. False (see error(), log dumped) on failure.
  bool Start();
  // SIGTERM, then waits up to stop_timeout. Returns the exit code (0 for a clean shutdown), 128 +
  // signal if a signal ended it, -1 if it had to be SIGKILLed (or was never started).
  int Stop();
  bool IsRunning();

  int dicom_port() const { return dicom_port_; }
  int http_port() const { return http_port_; }
  const std::string& ae_title() const { return options_.ae_title; }
  const std::string& error() const { return error_; }
  const std::string& work_dir() const { return work_->path(); }
  std::string log_dir() const;
  std::string config_path() const;
  // Orthanc's log (it logs to stderr) of the current or last run.
  std::string stderr_log() const;
  Process* process() { return process_.get(); }

  // REST API on 127.0.0.1:http_port().
  HttpResponse Get(const std::string& path) const;
  // GET `path`; the parsed JSON when the answer is 200 with a JSON body, else nullopt and a
  // description in *error (if given).
  std::optional<JsonValue> GetJson(const std::string& path, std::string* error = nullptr) const;

  // Prints the configuration and the last `max_lines` lines of Orthanc's log to std::cerr.
  void DumpLogs(std::size_t max_lines = 200) const;

 private:
  // One start attempt on the given ports; false (error_ set) if Orthanc exited or did not answer.
  bool StartOnce(int dicom_port, int http_port, bool* exited_early);
  std::string ConfigJson(int dicom_port, int http_port) const;

  OrthancServerOptions options_;
  std::unique_ptr<TempDir> work_;  // declared before process_: outlives the Orthanc process
  std::string name_;               // Orthanc's "Name", checked in GET /system
  std::unique_ptr<Process> process_;
  int dicom_port_ = 0;
  int http_port_ = 0;
  std::string error_;
  mutable bool dumped_ = false;
};

}  // namespace alveo::testing
