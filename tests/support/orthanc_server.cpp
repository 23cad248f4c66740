// SPDX-License-Identifier: Apache-2.0
// OrthancServer: the Debian Orthanc binary as a test PACS (configuration, ports, start-up check
// through GET /system, SIGTERM stop, log dump, REST helpers).
#include "support/orthanc_server.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include "support/net_util.h"

namespace alveo::testing {
namespace {

namespace fs = std::filesystem;

// A JSON array of strings (plugin or Lua script paths).
std::string JsonStringList(const std::vector<std::string>& items) {
  std::string list = "[";
  for (const std::string& item : items) list += (list.size() > 1 ? ", " : "") + JsonQuote(item);
  return list + "]";
}

// "<suite>.<test>-orthanc" (file-name safe), so a kept temp dir names its test.
std::string WorkDirPrefix() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string prefix =
      info != nullptr ? std::string(info->test_suite_name()) + "." + info->name() : "alveo-test";
  for (char& c : prefix) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  }
  return prefix.substr(0, 72) + "-orthanc";
}

}  // namespace

std::string OrthancServer::BinaryPath() {
  if (const char* env = std::getenv("ALVEO_ORTHANC_BINARY"); env != nullptr && *env != '\0') {
    return env;
  }
  return kOrthancDefaultBinary;
}

bool OrthancServer::Available() {
  const std::string path = BinaryPath();
  return ::access(path.c_str(), X_OK) == 0 && !fs::is_directory(path);
}

OrthancServer::OrthancServer(OrthancServerOptions options)
    : options_(std::move(options)), work_(std::make_unique<TempDir>(WorkDirPrefix())) {
  // Unique per instance: GET /system must answer with it, which proves that the HTTP port reached
  // this Orthanc and not some other server that took the port in the meantime.
  name_ = "alveo-test-" + fs::path(work_->path()).filename().string();
}

OrthancServer::~OrthancServer() {
  if (process_ && options_.dump_logs_on_failure && ::testing::Test::HasFailure()) DumpLogs();
  process_.reset();  // SIGKILLs and reaps an Orthanc still running
}

std::string OrthancServer::log_dir() const { return work_->Path("logs"); }

std::string OrthancServer::config_path() const { return work_->Path("orthanc.json"); }

std::string OrthancServer::stderr_log() const { return process_ ? process_->stderr_log() : ""; }

std::string OrthancServer::ConfigJson(int dicom_port, int http_port) const {
  // Every key is an Orthanc 1.10 option (`Orthanc --config=-` prints them with their defaults).
  std::ostringstream json;
  json << "{\n"
       << "  \"Name\": " << JsonQuote(name_) << ",\n"
       << "  \"StorageDirectory\": " << JsonQuote(work_->Path("storage")) << ",\n"
       << "  \"IndexDirectory\": " << JsonQuote(work_->Path("index")) << ",\n"
       << "  \"Plugins\": " << JsonStringList(options_.plugins) << ",\n"
       << "  \"LuaScripts\": " << JsonStringList(options_.lua_scripts) << ",\n"
       << "  \"HttpServerEnabled\": true,\n"
       << "  \"HttpPort\": " << http_port << ",\n"
       << "  \"RemoteAccessAllowed\": false,\n"
       << "  \"AuthenticationEnabled\": false,\n"
       << "  \"RegisteredUsers\": {},\n"
       << "  \"OrthancExplorerEnabled\": " << (options_.explorer ? "true" : "false") << ",\n"
       << "  \"WebDavEnabled\": false,\n"
       << "  \"HttpCompressionEnabled\": false,\n"
       << "  \"HttpThreadsCount\": 4,\n"
       << "  \"DicomServerEnabled\": true,\n"
       << "  \"DicomAet\": " << JsonQuote(options_.ae_title) << ",\n"
       << "  \"DicomPort\": " << dicom_port << ",\n"
       << "  \"DicomCheckCalledAet\": true,\n"
       << "  \"DicomAlwaysAllowEcho\": true,\n"
       << "  \"DicomAlwaysAllowStore\": true,\n"
       << "  \"DicomModalities\": {},\n"
       << "  \"DicomThreadsCount\": 4,\n"
       << "  \"SaveJobs\": false,\n"
       << "  \"MetricsEnabled\": " << (options_.metrics ? "true" : "false");
  if (!options_.extra_config.empty()) json << ",\n  " << options_.extra_config;
  json << "\n}\n";
  return json.str();
}

bool OrthancServer::Start() {
  if (process_ && process_->IsRunning()) {
    error_ = "Orthanc is already running";
    return false;
  }
  std::error_code ec;
  fs::create_directories(log_dir(), ec);
  const int attempts = options_.start_attempts > 0 ? options_.start_attempts : 1;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    const int dicom_port = FreeTcpPort();
    int http_port = FreeTcpPort();
    while (http_port == dicom_port && http_port != 0) http_port = FreeTcpPort();
    if (dicom_port == 0 || http_port == 0) {
      error_ = "no free loopback port";
      return false;
    }
    bool exited_early = false;
    if (StartOnce(dicom_port, http_port, &exited_early)) return true;
    // Only an Orthanc that gave up by itself (a port taken in the meantime) is worth a retry.
    if (!exited_early) break;
  }
  DumpLogs();
  return false;
}

bool OrthancServer::StartOnce(int dicom_port, int http_port, bool* exited_early) {
  *exited_early = false;
  if (!WriteFile(config_path(), ConfigJson(dicom_port, http_port))) {
    error_ = "cannot write " + config_path();
    return false;
  }
  const std::string binary = options_.binary.empty() ? BinaryPath() : options_.binary;
  ProcessOptions process_options;
  process_options.argv = {binary, config_path()};
  process_options.working_dir = work_->path();
  process_options.log_dir = log_dir();
  process_options.log_name = "orthanc";
  dumped_ = false;
  process_ = Process::Start(std::move(process_options), &error_);
  if (!process_) {
    error_ = "cannot start " + binary + ": " + error_;
    return false;
  }
  Process& process = *process_;
  const std::string name = name_;
  bool answered = false;
  WaitUntil(
      [&] {
        if (!process.IsRunning()) return true;
        const HttpResponse response = HttpRequest("GET", http_port, "/system", "", {},
                                                  std::chrono::seconds(2));
        if (response.status != 200) return false;
        const JsonValue system = ParseJson(response.body);
        answered = system.IsObject() && system["Name"].IsString() &&
                   system["Name"].AsString() == name && system["DicomPort"].IsNumber() &&
                   system["DicomPort"].AsInt() == dicom_port;
        return answered;
      },
      options_.ready_timeout, std::chrono::milliseconds(50));
  // The DICOM listener opens before the HTTP server in Orthanc's start-up, but check it anyway.
  if (answered && process.IsRunning() && WaitForTcpListen(dicom_port, std::chrono::seconds(10))) {
    dicom_port_ = dicom_port;
    http_port_ = http_port;
    error_.clear();
    return true;
  }
  if (std::optional<ExitStatus> status = process.exit_status()) {
    *exited_early = true;
    error_ = "Orthanc (DICOM port " + std::to_string(dicom_port) + ", HTTP port " +
             std::to_string(http_port) + ") " + status->ToString() + " during start-up; log " +
             process.stderr_log() + ":\n" + TailFile(process.stderr_log(), 20);
  } else {
    error_ = "Orthanc did not answer GET /system on port " + std::to_string(http_port) +
             " within " + std::to_string(options_.ready_timeout.count()) + " ms (killed)";
    process.Kill9();
  }
  return false;
}

int OrthancServer::Stop() {
  if (!process_) return -1;
  if (std::optional<ExitStatus> done = process_->exit_status()) return done->ShellCode();
  process_->Signal(SIGTERM);
  std::optional<ExitStatus> status = process_->Wait(options_.stop_timeout);
  if (!status) {
    error_ = "Orthanc did not exit within " + std::to_string(options_.stop_timeout.count()) +
             " ms of SIGTERM (killed)";
    process_->Kill9();
    return -1;
  }
  return status->ShellCode();
}

bool OrthancServer::IsRunning() { return process_ && process_->IsRunning(); }

HttpResponse OrthancServer::Get(const std::string& path) const {
  return HttpRequest("GET", http_port_, path);
}

std::optional<JsonValue> OrthancServer::GetJson(const std::string& path,
                                                std::string* error) const {
  const HttpResponse response = Get(path);
  if (response.status != 200) {
    if (error != nullptr) *error = "Orthanc: " + response.Describe() + " " + response.error;
    return std::nullopt;
  }
  std::string parse_error;
  JsonValue json = ParseJson(response.body, &parse_error);
  if (!parse_error.empty()) {
    if (error != nullptr) *error = "Orthanc: GET " + path + ": not JSON (" + parse_error + ")";
    return std::nullopt;
  }
  return json;
}

void OrthancServer::DumpLogs(std::size_t max_lines) const {
  if (!process_ || dumped_) return;
  dumped_ = true;
  std::cerr << "==== Orthanc: " << process_->CommandLine() << "\n";
  if (std::optional<ExitStatus> status = process_->exit_status()) {
    std::cerr << "==== Orthanc " << status->ToString() << "\n";
  }
  std::cerr << "==== Orthanc configuration (" << config_path() << "):\n"
            << ReadFile(config_path()).value_or("<unreadable>\n");
  std::cerr << "==== Orthanc log (" << stderr_log() << "), last " << max_lines << " lines:\n"
            << TailFile(stderr_log(), max_lines) << "\n==== end of Orthanc log\n";
}

}  // namespace alveo::testing
