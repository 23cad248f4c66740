// SPDX-License-Identifier: Apache-2.0
#include "support/alveo_server.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#ifndef ALVEO_BINARY
#define ALVEO_BINARY ""
#endif
#ifndef ALVEO_SOURCE_DIR
#define ALVEO_SOURCE_DIR ""
#endif

namespace alveo::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kReadyPattern[] = R"(ALVEO READY dicom_port=(\d+) http_port=(\d+))";

}  // namespace

std::string AlveoServer::BinaryPath() {
  if (const char* env = std::getenv("ALVEO_BINARY"); env != nullptr && *env != '\0') return env;
  return ALVEO_BINARY;
}

bool AlveoServer::Available() {
  std::string path = BinaryPath();
  return !path.empty() && ::access(path.c_str(), X_OK) == 0 && !fs::is_directory(path);
}

std::string AlveoServer::SourceDir() { return ALVEO_SOURCE_DIR; }

std::string AlveoServer::DefaultConfigPath() {
  return (fs::path(SourceDir()) / "config" / "alveo.json").string();
}

AlveoServer::AlveoServer(AlveoServerOptions options)
    : options_(std::move(options)), work_(std::make_unique<TempDir>()) {
  data_dir_ = options_.data_dir.empty() ? work_->Path("data") : options_.data_dir;
  if (!options_.config_json.empty()) {
    config_path_ = work_->Path("alveo.json");
    if (!WriteFile(config_path_, options_.config_json)) {
      ADD_FAILURE() << "AlveoServer: cannot write " << config_path_;
    }
  } else {
    config_path_ = options_.config_file.empty() ? DefaultConfigPath() : options_.config_file;
  }
}

AlveoServer::~AlveoServer() {
  if (process_ && options_.dump_logs_on_failure && ::testing::Test::HasFailure()) DumpLogs();
  process_.reset();  // SIGKILLs and reaps a server still running
}

std::string AlveoServer::log_dir() const { return work_->Path("logs"); }

std::string AlveoServer::stdout_log() const { return process_ ? process_->stdout_log() : ""; }

std::string AlveoServer::stderr_log() const { return process_ ? process_->stderr_log() : ""; }

std::vector<std::string> AlveoServer::CommandLine() const { return argv_; }

std::optional<ExitStatus> AlveoServer::last_exit_status() const {
  return process_ ? process_->exit_status() : std::nullopt;
}

bool AlveoServer::Start() {
  error_.clear();
  dicom_port_ = http_port_ = 0;
  if (process_ && process_->IsRunning()) {
    error_ = "AlveoServer::Start: already running";
    return false;
  }
  const std::string binary = options_.binary.empty() ? BinaryPath() : options_.binary;
  if (binary.empty()) {
    error_ = "no alveo binary (the `alveo` target did not exist when CMake ran; set ALVEO_BINARY)";
    return false;
  }
  std::error_code ec;
  fs::create_directories(data_dir_, ec);
  argv_ = {binary,    "serve",  "--config", config_path_,  "--data-dir",
           data_dir_, "--port", "0",        "--http-port", "0"};
  argv_.insert(argv_.end(), options_.extra_args.begin(), options_.extra_args.end());

  ProcessOptions process_options;
  process_options.argv = argv_;
  process_options.env = options_.env;
  process_options.working_dir = work_->path();
  process_options.log_dir = log_dir();
  process_options.log_name = "alveo";
  process_options.capture_stdout = true;
  process_options.capture_stderr = true;
  dumped_ = false;
  process_ = Process::Start(std::move(process_options), &error_);
  if (!process_) {
    error_ = "cannot start " + JoinCommandLine(argv_) + ": " + error_;
    return false;
  }

  static const std::regex kReady(kReadyPattern);
  const auto started = std::chrono::steady_clock::now();
  std::optional<std::vector<std::string>> ready =
      process_->WaitForLine(kReady, options_.ready_timeout);
  if (!ready) {
    // Returning before the timeout means stdout closed: the server is exiting. Its descriptors
    // close just before its exit status becomes available, so wait for that briefly.
    const bool stdout_closed = std::chrono::steady_clock::now() - started < options_.ready_timeout;
    std::optional<ExitStatus> status =
        process_->Wait(stdout_closed ? std::chrono::seconds(10) : std::chrono::seconds(0));
    if (status) {
      error_ = "alveo " + status->ToString() + " before it was ready";
    } else {
      error_ = "alveo printed no READY line within " +
               std::to_string(options_.ready_timeout.count()) + " ms (killed)";
      process_->Kill9();
    }
    error_ += "; command: " + JoinCommandLine(argv_) + "; logs: " + log_dir();
    DumpLogs();
    return false;
  }
  dicom_port_ = std::stoi((*ready)[1]);
  http_port_ = std::stoi((*ready)[2]);
  return true;
}

int AlveoServer::Stop() {
  if (!process_) return -1;
  if (std::optional<ExitStatus> done = process_->exit_status()) return done->ShellCode();
  process_->Signal(SIGTERM);
  std::optional<ExitStatus> status = process_->Wait(options_.stop_timeout);
  if (!status) {
    error_ = "alveo did not exit within " + std::to_string(options_.stop_timeout.count()) +
             " ms of SIGTERM (killed)";
    process_->Kill9();
    return -1;
  }
  process_->WaitForOutputClosed(std::chrono::seconds(5));  // logs complete when Stop returns
  return status->ShellCode();
}

ExitStatus AlveoServer::Kill9() {
  if (!process_) return ExitStatus{false, -1, 0};
  return process_->Kill9();
}

bool AlveoServer::Restart() {
  if (process_ && process_->IsRunning()) {
    int code = Stop();
    if (code != 0) {
      ADD_FAILURE() << "AlveoServer::Restart: stopping the previous run returned " << code;
    }
  }
  return Start();
}

bool AlveoServer::IsRunning() { return process_ && process_->IsRunning(); }

std::optional<std::vector<std::string>> AlveoServer::WaitForLogLine(
    const std::regex& pattern, std::chrono::milliseconds timeout) {
  if (!process_) return std::nullopt;
  return process_->WaitForLine(pattern, timeout, OutputStream::kStderr);
}

void AlveoServer::DumpLogs(std::size_t max_lines) const {
  if (!process_ || dumped_) return;
  dumped_ = true;
  // A dead server's last output may still be in the pipe to the log file.
  if (process_->exit_status()) process_->WaitForOutputClosed(std::chrono::seconds(2));
  std::cerr << "==== alveo: " << JoinCommandLine(argv_) << "\n";
  if (std::optional<ExitStatus> status = process_->exit_status()) {
    std::cerr << "==== alveo " << status->ToString() << "\n";
  }
  std::cerr << "==== alveo stdout (" << stdout_log() << "), last 20 lines:\n"
            << TailFile(stdout_log(), 20) << "\n";
  std::cerr << "==== alveo stderr (" << stderr_log() << "), last " << max_lines << " lines:\n"
            << TailFile(stderr_log(), max_lines) << "\n==== end of alveo logs\n";
}

HttpResponse AlveoServer::Http(const std::string& method, const std::string& path,
                               const std::string& body, const HttpHeaders& headers) const {
  return HttpRequest(method, http_port_, path, body, headers);
}

}  // namespace alveo::testing
