// SPDX-License-Identifier: Apache-2.0
#include "support/dicom_tools.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>

#include "support/net_util.h"
#include "support/temp_dir.h"

#ifndef ALVEO_RAW_STORESCU
#define ALVEO_RAW_STORESCU ""
#endif

namespace alveo::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kStoredMarker[] = "ALVEO_STORED";

bool IsDirectory(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

std::string Trim(const std::string& text) {
  const char* spaces = " \t\r\n";
  std::size_t begin = text.find_first_not_of(spaces);
  if (begin == std::string::npos) return "";
  std::size_t end = text.find_last_not_of(spaces);
  return text.substr(begin, end - begin + 1);
}

// Exact codes for the DU_cstoreStatusString texts that name one code.
std::optional<std::uint16_t> CodeForVerboseText(const std::string& text) {
  static const std::pair<const char*, std::uint16_t> kExact[] = {
      {"Success", 0x0000},
      {"Refused: SOPClassNotSupported", 0x0122},
      {"Warning: CoercionOfDataElements", 0xB000},
      {"Warning: DataSetDoesNotMatchSOPClass", 0xB007},
      {"Warning: ElementsDiscarded", 0xB006},
  };
  for (const auto& [name, code] : kExact) {
    if (text == name) return code;
  }
  const std::string unknown = "Unknown Status: 0x";
  if (text.rfind(unknown, 0) == 0) {
    try {
      return static_cast<std::uint16_t>(std::stoul(text.substr(unknown.size()), nullptr, 16));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

EnvVars DcmtkEnv() { return {{"TCP_NODELAY", "1"}}; }

std::vector<std::string> EchoscuArgs(int port, const AeOptions& ae,
                                     const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {"echoscu", "-v", "-aet", ae.calling_ae, "-aec", ae.called_ae};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  argv.push_back(ae.host);
  argv.push_back(std::to_string(port));
  return argv;
}

ToolResult RunEchoscu(int port, const AeOptions& ae, std::chrono::milliseconds timeout) {
  return RunTool(EchoscuArgs(port, ae), timeout, DcmtkEnv());
}

std::vector<std::string> StorescuArgs(int port, const std::vector<std::string>& inputs,
                                      const StorescuOptions& options) {
  std::vector<std::string> argv = {"storescu"};
  if (options.verbosity == StorescuOptions::Verbosity::kVerbose) argv.push_back("-v");
  if (options.verbosity == StorescuOptions::Verbosity::kDebug) argv.push_back("-d");
  argv.insert(argv.end(), {"-aet", options.ae.calling_ae, "-aec", options.ae.called_ae});
  bool scan = options.scan_directories || std::any_of(inputs.begin(), inputs.end(), IsDirectory);
  if (scan) argv.insert(argv.end(), {"+sd", "+r"});
  if (options.no_halt) argv.push_back("-nh");
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  argv.push_back(options.ae.host);
  argv.push_back(std::to_string(port));
  argv.insert(argv.end(), inputs.begin(), inputs.end());
  return argv;
}

ToolResult RunStorescu(int port, const std::vector<std::string>& inputs,
                       const StorescuOptions& options, std::chrono::milliseconds timeout) {
  return RunTool(StorescuArgs(port, inputs, options), timeout, DcmtkEnv());
}

bool StoreResponse::IsSuccess() const {
  if (!received) return false;
  return code ? *code == 0x0000 : status == "Success";
}

bool StoreResponse::IsWarning() const {
  if (!received) return false;
  if (code) return *code == 0x0001 || (*code & 0xF000) == 0xB000;
  return status.rfind("Warning", 0) == 0;
}

std::vector<StoreResponse> ParseStoreResponses(const std::string& storescu_output) {
  // -v: "I: Received Store Response (Refused: OutOfResources)"
  // -d: "I: Received Store Response", later "D: DIMSE Status                  : 0xa700: Refused:
  // ..."
  static const std::regex kVerbose(R"(Received Store Response \((.*)\)\s*$)");
  static const std::regex kDebugStatus(R"(DIMSE Status\s*:\s*0x([0-9a-fA-F]{4}):\s*(.*?)\s*$)");
  std::vector<StoreResponse> responses;
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t awaiting_code = kNone;  // index of a -d response whose status follows
  std::istringstream lines(storescu_output);
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, match, kVerbose)) {
      StoreResponse response;
      response.status = match[1].str();
      response.code = CodeForVerboseText(response.status);
      responses.push_back(std::move(response));
      awaiting_code = kNone;
    } else if (line.find("Received Store Response") != std::string::npos) {
      responses.push_back(StoreResponse{});
      awaiting_code = responses.size() - 1;
    } else if (awaiting_code != kNone && std::regex_search(line, match, kDebugStatus)) {
      StoreResponse& response = responses[awaiting_code];
      response.code = static_cast<std::uint16_t>(std::stoul(match[1].str(), nullptr, 16));
      response.status = match[2].str();
      awaiting_code = kNone;
    } else if (line.find("Store Failed, file:") != std::string::npos) {
      StoreResponse failed;
      failed.received = false;
      responses.push_back(std::move(failed));
      awaiting_code = kNone;
    }
  }
  return responses;
}

std::size_t CountSuccesses(const std::vector<StoreResponse>& responses) {
  return static_cast<std::size_t>(std::count_if(responses.begin(), responses.end(),
                                                [](const auto& r) { return r.IsSuccess(); }));
}

std::size_t CountAccepted(const std::vector<StoreResponse>& responses) {
  return static_cast<std::size_t>(
      std::count_if(responses.begin(), responses.end(),
                    [](const auto& r) { return r.IsSuccess() || r.IsWarning(); }));
}

std::unique_ptr<StorescpPacs> StorescpPacs::Start(const std::string& output_dir,
                                                  const std::string& log_dir,
                                                  const StorescpOptions& options,
                                                  std::string* error) {
  std::string local_error;
  if (error == nullptr) error = &local_error;
  std::error_code ec;
  fs::create_directories(output_dir, ec);
  const int attempts = options.port != 0 ? 1 : 5;  // a fixed port cannot be retried elsewhere
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    std::unique_ptr<StorescpPacs> pacs(new StorescpPacs());
    pacs->options_ = options;
    pacs->output_dir_ = output_dir;
    pacs->port_ = options.port != 0 ? options.port : FreeTcpPort();
    ProcessOptions process_options;
    process_options.argv = {"storescp", "-v", "-aet", options.ae_title, "-od", output_dir};
    if (options.notify_on_store) {
      process_options.argv.insert(
          process_options.argv.end(),
          {"--exec-sync", "-xcr", std::string("echo ") + kStoredMarker + " #p/#f"});
    }
    process_options.argv.insert(process_options.argv.end(), options.extra_args.begin(),
                                options.extra_args.end());
    process_options.argv.push_back(std::to_string(pacs->port_));
    process_options.env = DcmtkEnv();
    process_options.log_dir = log_dir;
    process_options.log_name = options.log_name;
    process_options.capture_stdout = options.notify_on_store;
    pacs->process_ = Process::Start(std::move(process_options), error);
    if (!pacs->process_) return nullptr;
    Process& process = *pacs->process_;
    const int port = pacs->port_;
    WaitUntil([&] { return IsTcpPortListening(port) || !process.IsRunning(); },
              std::chrono::seconds(20), std::chrono::milliseconds(10));
    if (process.IsRunning() && IsTcpPortListening(port)) return pacs;
    std::optional<ExitStatus> status = process.exit_status();
    *error = "storescp on port " + std::to_string(port) + " " +
             (status ? status->ToString() : std::string("did not listen within 20 s")) +
             "; stderr:\n" + TailFile(process.stderr_log(), 20);
  }
  return nullptr;
}

std::vector<std::string> StorescpPacs::ReceivedFiles() const {
  return ListFilesRecursive(output_dir_);
}

bool StorescpPacs::WaitForStored(std::size_t count, std::chrono::milliseconds timeout) {
  // Not anchored: storescp's own "RECV: ..." progress output shares the pipe and has no newline
  // until a reception ends, so a marker can follow it on the same line.
  static const std::regex kStored(std::string(kStoredMarker) + R"( (\S+))");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (stored_.size() < count) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) return false;
    std::optional<std::vector<std::string>> line = process_->WaitForLine(kStored, remaining);
    if (!line) return false;
    stored_.push_back((*line)[1]);
  }
  return true;
}

std::vector<std::string> StorescpPacs::StoredFiles() const { return stored_; }

ToolResult RunDcmdump(const std::string& file, const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {"dcmdump"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  argv.push_back(file);
  return RunTool(argv, std::chrono::seconds(60), DcmtkEnv());
}

std::optional<std::string> DicomTagValue(const std::string& file, const std::string& tag) {
  // "(0008,0018) UI [1.2.3]                      #  6, 1 SOPInstanceUID"
  // "(0028,0010) US 512                          #  2, 1 Rows"
  // "(0008,0050) SH (no value available)         #  0, 0 AccessionNumber"
  ToolResult result = RunDcmdump(file, {"-Un", "+L", "-s", "+P", tag});
  if (result.exit_code != 0) return std::nullopt;
  std::istringstream lines(result.stdout_text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() < 15 || line[0] != '(') continue;
    std::size_t hash = line.rfind(" #");
    std::string value =
        Trim(line.substr(15, hash == std::string::npos ? std::string::npos : hash - 15));
    if (value == "(no value available)") return "";
    if (value.size() >= 2 && value.front() == '[' && value.back() == ']') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return std::nullopt;
}

std::string RawStorescuPath() {
  if (const char* env = std::getenv("ALVEO_RAW_STORESCU"); env != nullptr && *env != '\0') {
    return env;
  }
  return ALVEO_RAW_STORESCU;
}

std::vector<std::string> RawStorescuArgs(int port, const std::string& dataset_file,
                                         const RawStoreOptions& options) {
  std::vector<std::string> argv = {RawStorescuPath(),
                                   "--host",
                                   options.ae.host,
                                   "--port",
                                   std::to_string(port),
                                   "--aet",
                                   options.ae.calling_ae,
                                   "--call",
                                   options.ae.called_ae,
                                   "--sop-class",
                                   options.sop_class_uid,
                                   "--sop-instance",
                                   options.sop_instance_uid,
                                   "--file",
                                   dataset_file,
                                   "--count",
                                   std::to_string(options.count)};
  if (!options.transfer_syntax_uid.empty()) {
    argv.insert(argv.end(), {"--transfer-syntax", options.transfer_syntax_uid});
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  return argv;
}

ToolResult RunRawStorescu(int port, const std::string& dataset_file, const RawStoreOptions& options,
                          std::chrono::milliseconds timeout) {
  return RunTool(RawStorescuArgs(port, dataset_file, options), timeout, DcmtkEnv());
}

std::vector<RawStoreStatus> ParseRawStoreStatuses(const std::string& raw_storescu_stdout) {
  static const std::regex kStatus(R"(^status=0x([0-9A-Fa-f]{4})(?: comment=(.*))?$)");
  std::vector<RawStoreStatus> statuses;
  std::istringstream lines(raw_storescu_stdout);
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (std::regex_match(line, match, kStatus)) {
      RawStoreStatus status;
      status.status = static_cast<std::uint16_t>(std::stoul(match[1].str(), nullptr, 16));
      status.comment = match[2].str();
      statuses.push_back(std::move(status));
    }
  }
  return statuses;
}

}  // namespace alveo::testing
