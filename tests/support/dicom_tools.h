// SPDX-License-Identifier: Apache-2.0
// Wrappers for the DCMTK command line tools the end-to-end tests drive (echoscu, storescu, storescp
// as a receiving PACS, dcmdump) and for alveo_raw_storescu, plus parsers for their output.
// Thread-safety: free functions are reentrant; a StorescpPacs is owned by one test.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/process.h"

namespace alveo::testing {

inline constexpr char kLoopback[] = "127.0.0.1";
inline constexpr char kTestCallingAe[] = "ALVEO_TEST";

// Environment for every DCMTK tool a test runs: TCP_NODELAY=1 (DCMTK leaves Nagle on by default,
// which adds delayed-ACK stalls to small PDUs on loopback).
EnvVars DcmtkEnv();

struct AeOptions {
  std::string calling_ae = kTestCallingAe;
  std::string called_ae = "ALVEO";
  std::string host = kLoopback;
};

// echoscu [-v] -aet CALLING -aec CALLED [extra...] host port
std::vector<std::string> EchoscuArgs(int port, const AeOptions& ae = {},
                                     const std::vector<std::string>& extra_args = {});
ToolResult RunEchoscu(int port, const AeOptions& ae = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

struct StorescuOptions {
  AeOptions ae;
  // -v prints one "I: Received Store Response (<status>)" line per file (see ParseStoreResponses);
  // -d instead prints the exact status code ("DIMSE Status : 0xa700: ...") but is very verbose.
  enum class Verbosity { kQuiet, kVerbose, kDebug } verbosity = Verbosity::kVerbose;
  // Adds +sd +r (scan directories, recurse); also added automatically when an input is a directory.
  bool scan_directories = false;
  // storescu stops at the first refused/failed store unless -nh ("--no-halt") is given.
  bool no_halt = false;
  // Passed before host/port, e.g. {"-xs"}, {"--propose-lossless"}, {"-R"}, {"--repeat", "3"}.
  std::vector<std::string> extra_args;
};
std::vector<std::string> StorescuArgs(int port, const std::vector<std::string>& inputs,
                                      const StorescuOptions& options = {});
ToolResult RunStorescu(int port, const std::vector<std::string>& inputs,
                       const StorescuOptions& options = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(120));

// One C-STORE exchange as storescu reported it.
struct StoreResponse {
  bool received = true;  // false: "E: Store Failed" (no response: network/DIMSE failure)
  // The status as DCMTK printed it. With -v (DU_cstoreStatusString): "Success",
  // "Refused: OutOfResources", "Refused: SOPClassNotSupported", "Error: CannotUnderstand",
  // "Error: DataSetDoesNotMatchSOPClass", "Warning: CoercionOfDataElements",
  // "Warning: ElementsDiscarded", "Warning: DataSetDoesNotMatchSOPClass",
  // "Unknown Status: 0x110" (lower-case hex, no padding). With -d: the text after the code, e.g.
  // "Refused: Out of resources". Empty when !received.
  std::string status;
  // The exact code when the output determines it: always with -d; with -v for Success,
  // SOPClassNotSupported, the three warnings and "Unknown Status". The -v texts
  // "Refused: OutOfResources" (0xA7xx), "Error: DataSetDoesNotMatchSOPClass" (0xA9xx) and
  // "Error: CannotUnderstand" (0xCxxx) name a range only.
  std::optional<std::uint16_t> code;
  bool IsSuccess() const;
  bool IsWarning() const;
};
// Parses storescu output (stderr, where DCMTK logs; stdout+stderr concatenated also works).
std::vector<StoreResponse> ParseStoreResponses(const std::string& storescu_output);
std::size_t CountSuccesses(const std::vector<StoreResponse>& responses);
// Success or warning: the receiver kept the instance.
std::size_t CountAccepted(const std::vector<StoreResponse>& responses);

struct StorescpOptions {
  std::string ae_title = "PACS";
  // Passed before the port, e.g. {"--refuse"}, {"--ignore"}, {"+xa"} (accept all transfer
  // syntaxes).
  std::vector<std::string> extra_args;
  // Adds --exec-sync --exec-on-reception so storescp prints "ALVEO_STORED <path>" on stdout after
  // each reception, once the file is written (storescp also prints it when only the final file
  // write failed, e.g. an empty dataset answered 0xA700). WaitForStored counts these lines.
  bool notify_on_store = true;
  // Listen on this port (e.g. a destination that was down comes up); 0 = a free port.
  int port = 0;
  // storescp's log file stem (log_dir/<log_name>.std{out,err}.log), to run several in one folder.
  std::string log_name = "storescp";
};

// storescp acting as a receiving PACS: a single process (no --fork) writing into an output
// directory, listening on a free loopback port, logs in log_dir (storescp.std{out,err}.log).
class StorescpPacs {
 public:
  // Starts storescp -v -aet AE -od DIR on a FreeTcpPort (retrying if the port was taken) and waits
  // until it listens. nullptr and *error on failure.
  static std::unique_ptr<StorescpPacs> Start(const std::string& output_dir,
                                             const std::string& log_dir,
                                             const StorescpOptions& options = {},
                                             std::string* error = nullptr);

  int port() const { return port_; }
  const std::string& ae_title() const { return options_.ae_title; }
  const std::string& output_dir() const { return output_dir_; }
  Process& process() { return *process_; }
  // Every file in the output directory.
  std::vector<std::string> ReceivedFiles() const;
  // Waits until `count` files in total have been completely stored (needs notify_on_store).
  bool WaitForStored(std::size_t count, std::chrono::milliseconds timeout);
  // Paths reported stored so far (notify_on_store).
  std::vector<std::string> StoredFiles() const;

 private:
  StorescpPacs() = default;
  StorescpOptions options_;
  std::string output_dir_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
  std::vector<std::string> stored_;
};

// dcmdump [extra...] file
ToolResult RunDcmdump(const std::string& file, const std::vector<std::string>& extra_args = {});
// The first value of `tag` ("gggg,eeee" or a dictionary name such as "SOPInstanceUID") in a DICOM
// file, as dcmdump prints it without brackets; UIDs as numbers. "" for an empty element, nullopt if
// absent or the file is unreadable.
std::optional<std::string> DicomTagValue(const std::string& file, const std::string& tag);

// alveo_raw_storescu: one or more C-STOREs whose dataset is a file's bytes, verbatim.
std::string RawStorescuPath();
struct RawStoreOptions {
  AeOptions ae;
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string transfer_syntax_uid;  // empty: explicit VR little endian
  int count = 1;
  std::vector<std::string> extra_args;  // e.g. {"--abort"}, {"--max-pdu", "4096"}
};
std::vector<std::string> RawStorescuArgs(int port, const std::string& dataset_file,
                                         const RawStoreOptions& options);
ToolResult RunRawStorescu(int port, const std::string& dataset_file, const RawStoreOptions& options,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));
// Exit codes of alveo_raw_storescu.
inline constexpr int kRawStoreCompleted = 0;  // every C-STORE got a response (whatever its status)
inline constexpr int kRawStoreUsage = 2;
inline constexpr int kRawStoreRejected = 3;        // association rejected
inline constexpr int kRawStoreNetworkError = 4;    // connect/send/receive/release failed
inline constexpr int kRawStoreContextRefused = 5;  // presentation context not accepted

struct RawStoreStatus {
  std::uint16_t status = 0;
  std::string comment;  // Error Comment (0000,0902) if the response had one
};
// Parses the "status=0xXXXX[ comment=...]" lines of alveo_raw_storescu's stdout.
std::vector<RawStoreStatus> ParseRawStoreStatuses(const std::string& raw_storescu_stdout);

}  // namespace alveo::testing
