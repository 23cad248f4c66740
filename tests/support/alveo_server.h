// SPDX-License-Identifier: Apache-2.0
// Runs the real `alveo serve` binary for an end-to-end test: private work/data directory, ephemeral
// ports read from its "ALVEO READY dicom_port=<n> http_port=<m>" stdout line,
// SIGTERM/SIGKILL/restart and its logs. Thread-safety: owned and driven by one test thread; the
// server process is killed when the object is destroyed.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::testing {

struct AlveoServerOptions {
  // Empty: BinaryPath().
  std::string binary;
  // Configuration text, written to <work_dir>/alveo.json. Empty: use config_file.
  std::string config_json;
  // Empty: ${ALVEO_SOURCE_DIR}/config/alveo.json.
  std::string config_file;
  // Empty: <work_dir>/data. Kept across Restart().
  std::string data_dir;
  // Appended after: serve --config F --data-dir D --port 0 --http-port 0.
  std::vector<std::string> extra_args;
  EnvVars env;
  std::chrono::milliseconds ready_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds stop_timeout = std::chrono::seconds(30);
  // Print the log tails from the destructor when the current test has failed.
  bool dump_logs_on_failure = true;
};

class AlveoServer {
 public:
  // $ALVEO_BINARY if set, else the `alveo` target built with the tests; "" if neither.
  static std::string BinaryPath();
  // BinaryPath() is an executable file. Tests GTEST_SKIP() when false.
  static bool Available();
  static std::string SourceDir();          // ALVEO_SOURCE_DIR
  static std::string DefaultConfigPath();  // ${ALVEO_SOURCE_DIR}/config/alveo.json

  explicit AlveoServer(AlveoServerOptions options = {});
  ~AlveoServer();
  AlveoServer(const AlveoServer&) = delete;
  AlveoServer& operator=(const AlveoServer&) = delete;

  // Starts the server and waits for its READY line. False (see error(), logs dumped) if it exited
  // or did not become ready within ready_timeout (then it is killed).
  bool Start();
  // SIGTERM, then waits up to stop_timeout. Returns the exit code (0 for a clean shutdown), 128 +
  // signal if a signal ended it, -1 if it had to be SIGKILLed after the timeout. If not running,
  // returns the last run's result (or -1 if never started).
  int Stop();
  // SIGKILL now (a crash); returns how it ended.
  ExitStatus Kill9();
  // Stop() if running, then Start() with the same config, data dir and args (new ports).
  bool Restart();
  bool IsRunning();

  int dicom_port() const { return dicom_port_; }
  int http_port() const { return http_port_; }
  const std::string& error() const { return error_; }
  const std::string& work_dir() const { return work_->path(); }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& config_path() const { return config_path_; }
  std::string log_dir() const;
  // Logs of the current (or last) run; every run writes new files (alveo, alveo-2, ...).
  std::string stdout_log() const;
  std::string stderr_log() const;
  std::vector<std::string> CommandLine() const;
  // The current (or last) process; nullptr before the first Start().
  Process* process() { return process_.get(); }
  std::optional<ExitStatus> last_exit_status() const;

  // Waits for the next stderr (log) line matching `pattern` (see Process::WaitForLine).
  std::optional<std::vector<std::string>> WaitForLogLine(const std::regex& pattern,
                                                         std::chrono::milliseconds timeout);
  // Prints the last `max_lines` lines of stderr (and stdout) of the current run to std::cerr.
  void DumpLogs(std::size_t max_lines = 200) const;

  // HTTP to this server's API.
  HttpResponse Http(const std::string& method, const std::string& path,
                    const std::string& body = "", const HttpHeaders& headers = {}) const;
  HttpResponse Get(const std::string& path) const { return Http("GET", path); }

 private:
  AlveoServerOptions options_;
  std::unique_ptr<TempDir> work_;  // declared before process_: outlives the server process
  std::string data_dir_;
  std::string config_path_;
  std::vector<std::string> argv_;
  std::unique_ptr<Process> process_;
  int dicom_port_ = 0;
  int http_port_ = 0;
  std::string error_;
  mutable bool dumped_ = false;
};

}  // namespace alveo::testing
