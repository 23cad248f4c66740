// SPDX-License-Identifier: Apache-2.0
// alveo_raw_storescu: sends a file's bytes verbatim as the dataset of one or more C-STOREs on one
// association, for malformed-input tests that storescu refuses to produce (garbage, truncation,
// UIDs that disagree with the command). Builds the C-STORE-RQ command set itself and writes the
// PDVs with DUL_WritePDVs; reads each C-STORE-RSP with DIMSE_receiveCommand.
//
// stdout, one line per event:
//   status=0xXXXX[ comment=<Error Comment>]        one per C-STORE-RSP
//   rejected result=R source=S reason=N            association rejected (exit 3)
//   context-refused result=N                       presentation context not accepted (exit 5)
//   peer-aborted stage=<stage>                     the peer sent A-ABORT (exit 4)
//   network-error stage=<stage> detail=<text>      any other failure (exit 4)
// Exit: 0 every C-STORE got a response (whatever its status), 2 usage, 3 rejected, 4 network
// error, 5 presentation context refused.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <chrono>
#include <unistd.h>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/cond.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/oflog/oflog.h>

#include <signal.h>
#include <stdlib.h>

namespace alveo::testing {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitRejected = 3;
constexpr int kExitNetwork = 4;
constexpr int kExitContextRefused = 5;

constexpr char kUsage[] =
    "usage: alveo_raw_storescu --host H --port P --aet CALLING --call CALLED\n"
    "         --sop-class UID --sop-instance UID --file F\n"
    "         [--transfer-syntax UID (default 1.2.840.10008.1.2.1)] [--count N (0 = none)] [--hold-until FILE]\n"
    "         [--timeout SECONDS (default 30)] [--max-pdu BYTES (default 16384)]\n"
    "         [--abort (A-ABORT instead of A-RELEASE at the end)] [--debug]\n"
    "Sends F's bytes verbatim as the dataset of N C-STOREs on one association.\n";

struct Args {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string calling_ae = "ALVEO_TEST";
  std::string called_ae = "ALVEO";
  std::string sop_class;
  std::string sop_instance;
  std::string transfer_syntax = UID_LittleEndianExplicitTransferSyntax;
  std::string file;
  int count = 1;
  int timeout_seconds = 30;
  long max_pdu = ASC_DEFAULTMAXPDU;
  bool abort_at_end = false;
  bool debug = false;
  std::string hold_until;  // keep the association open until this file exists
};

std::optional<Args> ParseArgs(int argc, char** argv) {
  Args args;
  bool have_port = false;
  bool have_file = false;
  bool have_class = false;
  bool have_instance = false;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    if (name == "--abort") {
      args.abort_at_end = true;
      continue;
    }
    if (name == "--debug") {
      args.debug = true;
      continue;
    }
    if (name == "--help" || name == "-h") return std::nullopt;
    if (i + 1 >= argc) {
      std::cerr << "missing value for " << name << "\n";
      return std::nullopt;
    }
    std::string value = argv[++i];
    try {
      if (name == "--host") {
        args.host = value;
      } else if (name == "--port") {
        args.port = std::stoi(value);
        have_port = true;
      } else if (name == "--aet") {
        args.calling_ae = value;
      } else if (name == "--call") {
        args.called_ae = value;
      } else if (name == "--sop-class") {
        args.sop_class = value;
        have_class = true;
      } else if (name == "--sop-instance") {
        args.sop_instance = value;
        have_instance = true;
      } else if (name == "--transfer-syntax") {
        args.transfer_syntax = value;
      } else if (name == "--file") {
        args.file = value;
        have_file = true;
      } else if (name == "--count") {
        args.count = std::stoi(value);
      } else if (name == "--timeout") {
        args.timeout_seconds = std::stoi(value);
      } else if (name == "--max-pdu") {
        args.max_pdu = std::stol(value);
      } else if (name == "--hold-until") {
        args.hold_until = value;
      } else {
        std::cerr << "unknown option " << name << "\n";
        return std::nullopt;
      }
    } catch (const std::exception&) {
      std::cerr << "bad value for " << name << ": " << value << "\n";
      return std::nullopt;
    }
  }
  if (!have_port || !have_file || !have_class || !have_instance || args.count < 0) {
    std::cerr << "--port, --sop-class, --sop-instance and --file are required; --count >= 0\n";
    return std::nullopt;
  }
  return args;
}

// Keeps the association open (a test holding a slot) until the test creates `path`; bounded by
// `timeout_seconds`. Prints "holding" first so the test can wait for that line.
void HoldUntil(const std::string& path, int timeout_seconds) {
  std::cout << "holding" << std::endl;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (access(path.c_str(), F_OK) != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Implicit VR little endian element: tag, 32-bit length, value.
void AppendElement(std::string& out, std::uint16_t group, std::uint16_t element,
                   const std::string& value) {
  auto put16 = [&out](std::uint16_t v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>(v >> 8));
  };
  auto put32 = [&out](std::uint32_t v) {
    for (int shift = 0; shift < 32; shift += 8)
      out.push_back(static_cast<char>((v >> shift) & 0xFF));
  };
  put16(group);
  put16(element);
  put32(static_cast<std::uint32_t>(value.size()));
  out += value;
}

std::string Us(std::uint16_t v) {
  return std::string{static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
}

std::string Ul(std::uint32_t v) {
  std::string out;
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
  return out;
}

// UI values are padded to even length with a NUL.
std::string Ui(const std::string& uid) {
  std::string padded = uid;
  if (padded.size() % 2 != 0) padded.push_back('\0');
  return padded;
}

// The C-STORE-RQ command set (PS3.7 9.3.1.1), encoded implicit VR little endian.
std::string BuildStoreCommand(const Args& args, std::uint16_t message_id) {
  std::string body;
  AppendElement(body, 0x0000, 0x0002, Ui(args.sop_class));     // Affected SOP Class UID
  AppendElement(body, 0x0000, 0x0100, Us(0x0001));             // Command Field: C-STORE-RQ
  AppendElement(body, 0x0000, 0x0110, Us(message_id));         // Message ID
  AppendElement(body, 0x0000, 0x0700, Us(0x0000));             // Priority: medium
  AppendElement(body, 0x0000, 0x0800, Us(0x0001));             // Command Data Set Type: present
  AppendElement(body, 0x0000, 0x1000, Ui(args.sop_instance));  // Affected SOP Instance UID
  std::string command;
  AppendElement(command, 0x0000, 0x0000, Ul(static_cast<std::uint32_t>(body.size())));
  return command + body;
}

OFCondition WritePdv(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                     DUL_DATAPDV type, bool last, unsigned char* data, unsigned long length) {
  DUL_PDV pdv{};
  pdv.fragmentLength = length;
  pdv.presentationContextID = pres_id;
  pdv.pdvType = type;
  pdv.lastPDV = last ? OFTrue : OFFalse;
  pdv.data = data;
  DUL_PDVLIST list{};
  list.count = 1;
  list.pdv = &pdv;
  return DUL_WritePDVs(&assoc->DULassociation, &list);
}

OFCondition SendStore(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                      const Args& args, std::uint16_t message_id,
                      std::vector<unsigned char>& data) {
  std::string command = BuildStoreCommand(args, message_id);
  std::vector<unsigned char> command_bytes(command.begin(), command.end());
  OFCondition cond = WritePdv(assoc, pres_id, DUL_COMMANDPDV, true, command_bytes.data(),
                              static_cast<unsigned long>(command_bytes.size()));
  if (cond.bad()) return cond;
  const std::size_t fragment = assoc->sendPDVLength > 0 ? assoc->sendPDVLength : 4096;
  if (data.empty()) {
    unsigned char nothing = 0;
    return WritePdv(assoc, pres_id, DUL_DATASETPDV, true, &nothing, 0);
  }
  for (std::size_t offset = 0; offset < data.size(); offset += fragment) {
    std::size_t length = std::min(fragment, data.size() - offset);
    bool last = offset + length == data.size();
    cond = WritePdv(assoc, pres_id, DUL_DATASETPDV, last, data.data() + offset,
                    static_cast<unsigned long>(length));
    if (cond.bad()) return cond;
  }
  return EC_Normal;
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

int NetworkError(const char* stage, const OFCondition& cond) {
  if (cond == DUL_PEERABORTEDASSOCIATION) {
    std::cout << "peer-aborted stage=" << stage << std::endl;
  } else {
    std::cout << "network-error stage=" << stage << " detail=" << OneLine(cond.text()) << std::endl;
  }
  OFString dump;
  std::cerr << "alveo_raw_storescu: " << stage << " failed: " << DimseCondition::dump(dump, cond)
            << std::endl;
  return kExitNetwork;
}

int Run(const Args& args) {
  std::ifstream in(args.file, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << args.file << "\n";
    return kExitUsage;
  }
  std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());

  // DCMTK leaves Nagle's algorithm on unless TCP_NODELAY is set in the environment.
  ::setenv("TCP_NODELAY", "1", 1);
  ::signal(SIGPIPE, SIG_IGN);
  OFLog::configure(args.debug ? OFLogger::DEBUG_LOG_LEVEL : OFLogger::WARN_LOG_LEVEL);
  dcmConnectionTimeout.set(args.timeout_seconds);

  T_ASC_Network* net = nullptr;
  OFCondition cond = ASC_initializeNetwork(NET_REQUESTOR, 0, args.timeout_seconds, &net);
  if (cond.bad()) return NetworkError("init", cond);

  T_ASC_Parameters* params = nullptr;
  cond = ASC_createAssociationParameters(&params, args.max_pdu);
  if (cond.bad()) return NetworkError("init", cond);
  ASC_setAPTitles(params, args.calling_ae.c_str(), args.called_ae.c_str(), nullptr);
  std::string peer = args.host + ":" + std::to_string(args.port);
  ASC_setPresentationAddresses(params, "localhost", peer.c_str());
  const char* transfer_syntaxes[] = {args.transfer_syntax.c_str()};
  cond = ASC_addPresentationContext(params, 1, args.sop_class.c_str(), transfer_syntaxes, 1);
  if (cond.bad()) return NetworkError("init", cond);

  T_ASC_Association* assoc = nullptr;
  cond = ASC_requestAssociation(net, params, &assoc);
  if (cond.bad()) {
    if (cond == DUL_ASSOCIATIONREJECTED) {
      T_ASC_RejectParameters rej{};
      ASC_getRejectParameters(params, &rej);
      std::cout << "rejected result=" << static_cast<int>(rej.result)
                << " source=" << static_cast<int>(rej.source)
                << " reason=" << (static_cast<int>(rej.reason) & 0xFF) << std::endl;
      OFString text;
      std::cerr << "association rejected: " << ASC_printRejectParameters(text, &rej) << std::endl;
      ASC_dropNetwork(&net);
      return kExitRejected;
    }
    int code = NetworkError("associate", cond);
    ASC_dropNetwork(&net);
    return code;
  }

  T_ASC_PresentationContextID pres_id =
      ASC_findAcceptedPresentationContextID(assoc, args.sop_class.c_str());
  if (pres_id == 0) {
    T_ASC_PresentationContext pc{};
    int result = -1;
    if (ASC_getPresentationContext(assoc->params, 0, &pc).good()) {
      result = static_cast<int>(pc.resultReason);
    }
    std::cout << "context-refused result=" << result << std::endl;
    ASC_releaseAssociation(assoc);
    ASC_destroyAssociation(&assoc);
    ASC_dropNetwork(&net);
    return kExitContextRefused;
  }

  int exit_code = kExitOk;
  for (int i = 0; i < args.count && exit_code == kExitOk; ++i) {
    const std::uint16_t message_id = assoc->nextMsgID++;
    cond = SendStore(assoc, pres_id, args, message_id, data);
    if (cond.bad()) {
      exit_code = NetworkError("send", cond);
      break;
    }
    T_DIMSE_Message rsp{};
    T_ASC_PresentationContextID rsp_pres_id = 0;
    DcmDataset* status_detail = nullptr;
    cond = DIMSE_receiveCommand(assoc, DIMSE_NONBLOCKING, args.timeout_seconds, &rsp_pres_id, &rsp,
                                &status_detail);
    if (cond.bad()) {
      exit_code = NetworkError("receive", cond);
      delete status_detail;
      break;
    }
    if (rsp.CommandField != DIMSE_C_STORE_RSP ||
        rsp.msg.CStoreRSP.MessageIDBeingRespondedTo != message_id) {
      std::cout << "network-error stage=receive detail=unexpected command 0x" << std::hex
                << static_cast<unsigned>(rsp.CommandField) << std::dec << std::endl;
      exit_code = kExitNetwork;
      delete status_detail;
      break;
    }
    char status[16];
    std::snprintf(status, sizeof(status), "0x%04X",
                  static_cast<unsigned>(rsp.msg.CStoreRSP.DimseStatus));
    std::cout << "status=" << status;
    OFString comment;
    if (status_detail != nullptr &&
        status_detail->findAndGetOFString(DCM_ErrorComment, comment).good() && !comment.empty()) {
      std::cout << " comment=" << OneLine(comment.c_str());
    }
    std::cout << std::endl;
    delete status_detail;
  }
  if (exit_code == kExitOk && !args.hold_until.empty()) HoldUntil(args.hold_until, args.timeout_seconds);

  if (exit_code == kExitOk) {
    cond = args.abort_at_end ? ASC_abortAssociation(assoc) : ASC_releaseAssociation(assoc);
    if (cond.bad()) exit_code = NetworkError(args.abort_at_end ? "abort" : "release", cond);
  } else {
    ASC_abortAssociation(assoc);
  }
  ASC_destroyAssociation(&assoc);
  ASC_dropNetwork(&net);
  return exit_code;
}

}  // namespace
}  // namespace alveo::testing

int main(int argc, char** argv) {
  std::optional<alveo::testing::Args> args = alveo::testing::ParseArgs(argc, argv);
  if (!args) {
    std::cerr << alveo::testing::kUsage;
    return alveo::testing::kExitUsage;
  }
  return alveo::testing::Run(*args);
}
