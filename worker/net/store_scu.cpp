// SPDX-License-Identifier: Apache-2.0
// C-STORE SCU with DCMTK's ASC/DIMSE layer. Each Send() owns a T_ASC_Network, an association and the
// loaded file; RAII owners free them (aborting the association) on every failure path.
#include "net/store_scu.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dcmlayer.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/dul.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include "core/log.h"
#include "net/implementation.h"

namespace alveo::net {
namespace {

constexpr std::size_t kMaxAeTitleLength = 16;  // PS3.5 6.2, VR AE
constexpr std::size_t kMaxUidLength = 64;      // PS3.5 9.1
constexpr int kMaxPort = 65535;

std::string PeerName(const DicomAddress& to) {
  return to.ae_title + "@" + to.host + ":" + std::to_string(to.port);
}

std::string Hex4(std::uint16_t value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04X", value);
  return text;
}

Status CheckAddress(const DicomAddress& to) {
  const bool valid = !to.ae_title.empty() && to.ae_title.size() <= kMaxAeTitleLength &&
                     !to.host.empty() && to.port > 0 && to.port <= kMaxPort;
  if (valid) return Status::Ok();
  return Status::Error(ErrorCode::kInvalidArgument, "invalid DICOM destination " + PeerName(to));
}

// A Part 10 file loaded with DCMTK (large values stay on disk until sent) and what the C-STORE-RQ
// takes from it.
struct Instance {
  std::unique_ptr<DcmFileFormat> file = std::make_unique<DcmFileFormat>();
  std::string sop_class_uid;
  std::string sop_instance_uid;
  E_TransferSyntax syntax = EXS_Unknown;  // as encoded in the file

  DcmDataset& dataset() const { return *file->getDataset(); }
};

std::string UidOf(DcmDataset& dataset, const DcmTagKey& tag) {
  OFString value;
  dataset.findAndGetOFString(tag, value);
  return value.c_str();
}

bool IsUsableUid(const std::string& uid) { return !uid.empty() && uid.size() <= kMaxUidLength; }

Result<Instance> LoadInstance(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    if (error) return Status::Error(ErrorCode::kIoError, "cannot access " + path + ": " + error.message());
    return Status::Error(ErrorCode::kNotFound, "no such file: " + path);
  }
  Instance instance;
  const OFCondition cond = instance.file->loadFile(path.c_str());
  if (cond.bad()) {
    return Status::Error(ErrorCode::kIoError, "cannot read DICOM file " + path + ": " + cond.text());
  }
  instance.sop_class_uid = UidOf(instance.dataset(), DCM_SOPClassUID);
  instance.sop_instance_uid = UidOf(instance.dataset(), DCM_SOPInstanceUID);
  if (!IsUsableUid(instance.sop_class_uid) || !IsUsableUid(instance.sop_instance_uid)) {
    return Status::Error(ErrorCode::kInvalidArgument,
                         path + " has no valid SOP Class UID or SOP Instance UID");
  }
  instance.syntax = instance.dataset().getOriginalXfer();
  return instance;
}

// The file's own transfer syntax, then Explicit and Implicit VR Little Endian (PS3.5 A.2, A.1) as
// fallbacks, each proposed in a presentation context of its own so the peer can accept any one.
std::vector<E_TransferSyntax> ProposedSyntaxes(E_TransferSyntax original) {
  std::vector<E_TransferSyntax> syntaxes;
  for (E_TransferSyntax syntax : {original, EXS_LittleEndianExplicit, EXS_LittleEndianImplicit}) {
    if (syntax != EXS_Unknown && std::find(syntaxes.begin(), syntaxes.end(), syntax) == syntaxes.end()) {
      syntaxes.push_back(syntax);
    }
  }
  return syntaxes;
}

// Presentation context IDs are odd (PS3.8 9.3.2.2): 1, 3, 5 for the proposals in order.
T_ASC_PresentationContextID ContextId(std::size_t index) {
  return static_cast<T_ASC_PresentationContextID>(2 * index + 1);
}

// Disables Nagle's algorithm on each connection as DCMTK opens it, before the A-ASSOCIATE-RQ: the
// last PDU of a message would otherwise wait for the peer's delayed ACK. DCMTK 3.6.7 itself does it
// only when the TCP_NODELAY environment variable asks for it.
class NoDelayTransportLayer final : public DcmTransportLayer {
 public:
  DcmTransportConnection* createConnection(DcmNativeSocketType socket, OFBool secure) override {
    const int on = 1;
    setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    return DcmTransportLayer::createConnection(socket, secure);
  }
};

struct NetworkDeleter {
  void operator()(T_ASC_Network* network) const { ASC_dropNetwork(&network); }
};
using NetworkPtr = std::unique_ptr<T_ASC_Network, NetworkDeleter>;

struct ParametersDeleter {
  void operator()(T_ASC_Parameters* params) const { ASC_destroyAssociationParameters(&params); }
};
using ParametersPtr = std::unique_ptr<T_ASC_Parameters, ParametersDeleter>;

// An association we requested (it owns its parameters). Aborted when destroyed while still open, so
// every early return ends it; always freed with its socket.
class Association {
 public:
  explicit Association(T_ASC_Association* assoc) : assoc_(assoc) {}
  ~Association() {
    if (open_) ASC_abortAssociation(assoc_);
    ASC_destroyAssociation(&assoc_);
  }
  Association(const Association&) = delete;
  Association& operator=(const Association&) = delete;

  T_ASC_Association* get() const { return assoc_; }
  void MarkEstablished() { open_ = true; }
  // A-RELEASE (PS3.8 7.2). False when the peer does not confirm; it is then aborted on destruction.
  bool Release() {
    if (!open_) return true;
    if (ASC_releaseAssociation(assoc_).bad()) return false;
    open_ = false;
    return true;
  }
  // A-ABORT after a protocol error or timeout; nothing to send when the peer aborted.
  void Abort(bool peer_aborted) {
    if (open_ && !peer_aborted) ASC_abortAssociation(assoc_);
    open_ = false;
  }

 private:
  T_ASC_Association* assoc_;
  bool open_ = false;
};

Result<NetworkPtr> OpenNetwork(int acse_timeout_seconds, DcmTransportLayer& transport) {
  T_ASC_Network* raw = nullptr;
  const OFCondition cond = ASC_initializeNetwork(NET_REQUESTOR, 0, acse_timeout_seconds, &raw);
  NetworkPtr network(raw);
  if (cond.bad()) {
    return Status::Error(ErrorCode::kIoError, std::string("DICOM network init: ") + cond.text());
  }
  ASC_setTransportLayer(network.get(), &transport, 0);
  return network;
}

Status AddContexts(T_ASC_Parameters* params, const std::string& sop_class_uid,
                   const std::vector<E_TransferSyntax>& syntaxes) {
  for (std::size_t i = 0; i < syntaxes.size(); ++i) {
    const DcmXfer xfer(syntaxes[i]);
    const char* transfer_syntaxes[] = {xfer.getXferID()};
    const OFCondition cond =
        ASC_addPresentationContext(params, ContextId(i), sop_class_uid.c_str(), transfer_syntaxes, 1);
    if (cond.bad()) return Status::Error(ErrorCode::kInternal, std::string("A-ASSOCIATE-RQ: ") + cond.text());
  }
  return Status::Ok();
}

Result<ParametersPtr> BuildParameters(const StoreScuOptions& options, const DicomAddress& to,
                                      const std::string& sop_class_uid,
                                      const std::vector<E_TransferSyntax>& syntaxes) {
  T_ASC_Parameters* raw = nullptr;
  const OFCondition cond = ASC_createAssociationParameters(&raw, options.max_receive_pdu_bytes);
  ParametersPtr params(raw);
  if (cond.bad()) return Status::Error(ErrorCode::kInternal, std::string("A-ASSOCIATE-RQ: ") + cond.text());
  // PS3.7 D.3.3.2: our implementation identity instead of DCMTK's.
  OFStandard::strlcpy(params->ourImplementationClassUID, kImplementationClassUid,
                      sizeof params->ourImplementationClassUID);
  OFStandard::strlcpy(params->ourImplementationVersionName, kImplementationVersionName,
                      sizeof params->ourImplementationVersionName);
  ASC_setAPTitles(params.get(), options.calling_ae_title.c_str(), to.ae_title.c_str(), nullptr);
  const std::string called = to.host + ":" + std::to_string(to.port);
  ASC_setPresentationAddresses(params.get(), OFStandard::getHostName().c_str(), called.c_str());
  if (Status status = AddContexts(params.get(), sop_class_uid, syntaxes); !status.ok()) return status;
  return params;
}

std::string OneLine(const OFString& text) {
  std::string line = text.c_str();
  std::replace(line.begin(), line.end(), '\n', ',');
  return line;
}

// PS3.8 7.1.1.9: a permanent rejection stays one; a transient rejection or a failed connection may
// clear later.
Status AssociationFailure(const OFCondition& cond, T_ASC_Parameters* params, const std::string& peer) {
  if (cond != DUL_ASSOCIATIONREJECTED || params == nullptr) {
    return Status::Error(ErrorCode::kPeerUnavailable, "cannot associate with " + peer + ": " + cond.text());
  }
  T_ASC_RejectParameters reject{};
  ASC_getRejectParameters(params, &reject);
  OFString text;
  ASC_printRejectParameters(text, &reject);
  const ErrorCode code = reject.result == ASC_RESULT_REJECTEDPERMANENT ? ErrorCode::kPeerRejected
                                                                        : ErrorCode::kPeerUnavailable;
  return Status::Error(code, "association with " + peer + " rejected (" + OneLine(text) + ")");
}

Result<std::unique_ptr<Association>> Associate(T_ASC_Network& network, ParametersPtr params,
                                               const std::string& peer) {
  T_ASC_Association* raw = nullptr;
  const OFCondition cond = ASC_requestAssociation(&network, params.get(), &raw);
  if (raw == nullptr) return AssociationFailure(cond, nullptr, peer);
  params.release();  // the association owns them now; freed by ASC_destroyAssociation
  auto association = std::make_unique<Association>(raw);
  if (cond.bad()) return AssociationFailure(cond, raw->params, peer);
  association->MarkEstablished();
  return association;
}

struct AcceptedContext {
  T_ASC_PresentationContextID id = 0;
  E_TransferSyntax syntax = EXS_Unknown;
};

// The first proposal the peer accepted, so the file's own syntax wins when it is accepted.
std::optional<AcceptedContext> FindAcceptedContext(T_ASC_Parameters* params,
                                                   const std::vector<E_TransferSyntax>& proposed) {
  for (std::size_t i = 0; i < proposed.size(); ++i) {
    T_ASC_PresentationContext context;
    if (ASC_findAcceptedPresentationContext(params, ContextId(i), &context).good()) {
      return AcceptedContext{ContextId(i), proposed[i]};
    }
  }
  return std::nullopt;
}

// Re-encodes for a fallback syntax. Without codecs only uncompressed pixel data (or none, as in SR)
// converts; an encapsulated file the peer will not take compressed cannot be sent to it.
Status PrepareDataset(Instance& instance, E_TransferSyntax accepted, const std::string& peer) {
  if (accepted == instance.syntax) return Status::Ok();
  DcmDataset& dataset = instance.dataset();
  if (dataset.chooseRepresentation(accepted, nullptr).good() && dataset.canWriteXfer(accepted, instance.syntax)) {
    return Status::Ok();
  }
  return Status::Error(ErrorCode::kPeerRejected, peer + " accepted only " + DcmXfer(accepted).getXferName() +
                                                     ", which the dataset cannot be converted to from " +
                                                     DcmXfer(instance.syntax).getXferName());
}

// C-STORE statuses (PS3.4 B.2.3, PS3.7 C): success and warnings mean the peer kept the instance;
// out of resources may clear; every other failure will not.
struct StatusRange {
  std::uint16_t first;
  std::uint16_t last;
  ErrorCode code;
};
constexpr StatusRange kStoreStatusRanges[] = {
    {0x0000, 0x0000, ErrorCode::kOk},               // Success
    {0x0001, 0x0001, ErrorCode::kOk},               // Warning (PS3.7 C.4.2)
    {0xB000, 0xBFFF, ErrorCode::kOk},               // Warning: coercion, elements discarded, ...
    {0xA700, 0xA7FF, ErrorCode::kPeerUnavailable},  // Refused: Out of Resources
};

ErrorCode StoreStatusCode(std::uint16_t status) {
  for (const StatusRange& range : kStoreStatusRanges) {
    if (status >= range.first && status <= range.last) return range.code;
  }
  return ErrorCode::kPeerRejected;
}

Status StoreOutcome(std::uint16_t status, DcmDataset* detail, const std::string& peer) {
  std::string text = Hex4(status) + " (" + DU_cstoreStatusString(status) + ")";
  OFString comment;  // Error Comment (0000,0902), PS3.7 C.4
  if (detail != nullptr && detail->findAndGetOFString(DCM_ErrorComment, comment).good() && !comment.empty()) {
    text += ": " + std::string(comment.c_str());
  }
  const ErrorCode code = StoreStatusCode(status);
  if (code != ErrorCode::kOk) return Status::Error(code, "C-STORE to " + peer + " failed with status " + text);
  if (status != 0) {
    ALVEO_LOG(kWarn, kNet) << "C-STORE to " << peer << " stored with warning " << text;
  }
  return Status::Ok();
}

Status ExchangeFailure(Association& association, const OFCondition& cond, const std::string& peer) {
  association.Abort(cond == DUL_PEERABORTEDASSOCIATION);
  if (cond == DIMSE_NODATAAVAILABLE) {
    return Status::Error(ErrorCode::kPeerUnavailable, "no C-STORE response from " + peer + " in time");
  }
  return Status::Error(ErrorCode::kPeerUnavailable, "C-STORE to " + peer + " failed: " + cond.text());
}

// One C-STORE-RQ with the dataset, then its C-STORE-RSP (PS3.7 9.3.1).
Status Store(Association& association, const StoreScuOptions& options, const std::string& peer,
             Instance& instance, T_ASC_PresentationContextID context_id) {
  T_DIMSE_C_StoreRQ request{};
  request.MessageID = association.get()->nextMsgID++;
  OFStandard::strlcpy(request.AffectedSOPClassUID, instance.sop_class_uid.c_str(),
                      sizeof request.AffectedSOPClassUID);
  OFStandard::strlcpy(request.AffectedSOPInstanceUID, instance.sop_instance_uid.c_str(),
                      sizeof request.AffectedSOPInstanceUID);
  request.DataSetType = DIMSE_DATASET_PRESENT;
  request.Priority = DIMSE_PRIORITY_MEDIUM;
  const bool wait_forever = options.dimse_timeout_seconds <= 0;
  T_DIMSE_C_StoreRSP response{};
  DcmDataset* detail = nullptr;
  const OFCondition cond = DIMSE_storeUser(association.get(), context_id, &request, nullptr,
                                           &instance.dataset(), nullptr, nullptr,
                                           wait_forever ? DIMSE_BLOCKING : DIMSE_NONBLOCKING,
                                           options.dimse_timeout_seconds, &response, &detail);
  const std::unique_ptr<DcmDataset> status_detail(detail);
  if (cond.bad()) return ExchangeFailure(association, cond, peer);
  return StoreOutcome(response.DimseStatus, status_detail.get(), peer);
}

Status StoreOverAcceptedContext(Association& association, const StoreScuOptions& options,
                                const std::string& peer, Instance& instance,
                                const std::vector<E_TransferSyntax>& proposed) {
  const std::optional<AcceptedContext> context = FindAcceptedContext(association.get()->params, proposed);
  if (!context) {
    const char* uid = instance.sop_class_uid.c_str();
    return Status::Error(ErrorCode::kPeerRejected, peer + " accepted no presentation context for " +
                                                       dcmFindNameOfUID(uid, uid) + " (" + uid + ")");
  }
  if (Status status = PrepareDataset(instance, context->syntax, peer); !status.ok()) return status;
  return Store(association, options, peer, instance, context->id);
}

Status Deliver(const StoreScuOptions& options, const DicomAddress& to, Instance& instance) {
  const std::string peer = PeerName(to);
  const std::vector<E_TransferSyntax> proposed = ProposedSyntaxes(instance.syntax);
  NoDelayTransportLayer transport;  // declared first: outlives the network that uses it
  Result<NetworkPtr> network = OpenNetwork(options.acse_timeout_seconds, transport);
  if (!network.ok()) return network.status();
  Result<ParametersPtr> params = BuildParameters(options, to, instance.sop_class_uid, proposed);
  if (!params.ok()) return params.status();
  Result<std::unique_ptr<Association>> association = Associate(**network, std::move(*params), peer);
  if (!association.ok()) return association.status();
  const Status status = StoreOverAcceptedContext(**association, options, peer, instance, proposed);
  if (!(*association)->Release()) {
    ALVEO_LOG(kWarn, kNet) << "release of the association with " << peer << " failed, aborting";
  }
  return status;
}

}  // namespace

StoreScu::StoreScu(StoreScuOptions options) : options_(std::move(options)) {
  dcmConnectionTimeout.set(options_.connect_timeout_seconds);
}

Status StoreScu::Send(const DicomAddress& to, const std::string& file) {
  if (Status status = CheckAddress(to); !status.ok()) return status;
  Result<Instance> instance = LoadInstance(file);
  if (!instance.ok()) return instance.status();
  const Status status = Deliver(options_, to, *instance);
  ALVEO_LOG(kDebug, kNet) << "C-STORE " << instance->sop_instance_uid << " to " << PeerName(to) << ": "
                          << (status.ok() ? "ok" : status.ToString());
  return status;
}

}  // namespace alveo::net
