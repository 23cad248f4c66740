// SPDX-License-Identifier: Apache-2.0
#include "net/store_handler.h"

#include "net/storage_scp.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcvrae.h>
#include <dcmtk/dcmdata/dcvrlo.h>
#include <dcmtk/dcmdata/dcvrobow.h>
#include <dcmtk/dcmdata/dcvrsh.h>
#include <dcmtk/dcmdata/dcvrui.h>
#include <dcmtk/dcmdata/dcvrul.h>

#include <memory>

#include "core/log.h"
#include "core/uid.h"
#include "dicom/instance_reader.h"
#include "net/implementation.h"
#include "net/spool_stream.h"

namespace alveo::net {
namespace {

// PS3.10 7.1: File Meta Information for the bytes that follow, written before the dataset PDVs.
OFCondition WriteMetaHeader(DcmOutputStream& stream, const T_DIMSE_C_StoreRQ& request,
                            const char* transfer_syntax, const std::string& calling_ae) {
  DcmMetaInfo meta;
  const Uint8 version[2] = {0, 1};
  meta.putAndInsertUint8Array(DCM_FileMetaInformationVersion, version, 2);
  meta.putAndInsertString(DCM_MediaStorageSOPClassUID, request.AffectedSOPClassUID);
  meta.putAndInsertString(DCM_MediaStorageSOPInstanceUID, request.AffectedSOPInstanceUID);
  meta.putAndInsertString(DCM_TransferSyntaxUID, transfer_syntax);
  meta.putAndInsertString(DCM_ImplementationClassUID, kImplementationClassUid);
  meta.putAndInsertString(DCM_ImplementationVersionName, kImplementationVersionName);
  if (!calling_ae.empty()) meta.putAndInsertString(DCM_SourceApplicationEntityTitle, calling_ae.c_str());
  OFCondition cond = meta.computeGroupLengthAndPadding(EGL_withGL, EPD_noChange, EXS_LittleEndianExplicit,
                                                      EET_UndefinedLength);
  if (cond.bad()) return cond;
  meta.transferInit();
  cond = meta.write(stream, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr);
  meta.transferEnd();
  return cond;
}

Status CheckAgainstCommand(const InstanceMeta& meta, const T_DIMSE_C_StoreRQ& request) {
  if (Status status = dicom::ValidateForStorage(meta); !status.ok()) return status;
  if (meta.sop_class_uid != TrimUid(request.AffectedSOPClassUID)) {
    return Status::Error(ErrorCode::kSopClassMismatch, "dataset SOP Class " + meta.sop_class_uid +
                                                           " but command says " + request.AffectedSOPClassUID);
  }
  if (meta.sop_instance_uid != TrimUid(request.AffectedSOPInstanceUID)) {
    return Status::Error(ErrorCode::kSopInstanceMismatch, "dataset SOP Instance UID differs from the command");
  }
  return Status::Ok();
}

}  // namespace

StoreHandler::StoreHandler(const DicomSettings& settings, spool::Spool& spool, InstanceSink& sink,
                           const Clock& clock, ScpCounters& counters)
    : settings_(settings), spool_(spool), sink_(sink), clock_(clock), counters_(counters) {}

OFCondition StoreHandler::Handle(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                                 T_DIMSE_C_StoreRQ& request, const AssociationInfo& info) {
  OFCondition network = EC_Normal;
  Outcome outcome;
  try {
    outcome = Receive(assoc, pres_id, request, info, network);
  } catch (const std::exception& e) {  // nothing may escape into DCMTK
    outcome.status = Status::Error(ErrorCode::kInternal, e.what());
  }
  if (network.bad()) return network;
  if (!outcome.status.ok()) {
    ALVEO_LOG(kWarn, kNet) << "assoc " << info.id << " from " << info.calling_ae << "@" << info.peer_host
                           << ": C-STORE refused with 0x" << std::hex
                           << Describe(outcome.status.code()).dimse_status << std::dec << ": "
                           << outcome.status.ToString();
  } else if (outcome.duplicate) {
    ALVEO_LOG(kDebug, kNet) << "assoc " << info.id << ": duplicate instance " << request.AffectedSOPInstanceUID
                            << " already stored";
  }
  counters_.stores_by_code[static_cast<std::size_t>(outcome.status.code())].fetch_add(1, std::memory_order_relaxed);
  if (outcome.status.ok() && outcome.duplicate) counters_.stores_duplicate.fetch_add(1, std::memory_order_relaxed);
  return Respond(assoc, pres_id, request, outcome.status);
}

StoreHandler::Outcome StoreHandler::Receive(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                                            const T_DIMSE_C_StoreRQ& request, const AssociationInfo& info,
                                            OFCondition& network) {
  Outcome outcome;
  const int timeout = settings_.dimse_timeout_seconds;
  auto pending = spool_.BeginInstance();
  if (!pending.ok()) {
    DIC_UL bytes = 0, pdvs = 0;
    network = DIMSE_ignoreDataSet(assoc, DIMSE_NONBLOCKING, timeout, &bytes, &pdvs);
    outcome.status = pending.status();
    return outcome;
  }
  T_ASC_PresentationContext context;
  network = ASC_findAcceptedPresentationContext(assoc->params, pres_id, &context);
  if (network.bad()) return outcome;

  SpoolOutputStream stream(**pending);
  OFCondition cond = WriteMetaHeader(stream, request, context.acceptedTransferSyntax, info.calling_ae);
  T_ASC_PresentationContextID data_pres_id = 0;
  if (cond.good()) {
    cond = DIMSE_receiveDataSetInFile(assoc, DIMSE_NONBLOCKING, timeout, &data_pres_id, &stream, nullptr, nullptr);
  } else {
    DIC_UL bytes = 0, pdvs = 0;
    cond = DIMSE_ignoreDataSet(assoc, DIMSE_NONBLOCKING, timeout, &bytes, &pdvs);
  }
  (*pending)->Flush();  // the parser below reads the file
  if (!(*pending)->status().ok()) {  // disk write failed: the rest of the dataset was discarded
    outcome.status = (*pending)->status();
    if (cond.bad() && cond != DIMSE_OUTOFRESOURCES) network = cond;
    return outcome;
  }
  if (cond.bad()) {
    network = cond;
    return outcome;
  }
  if (data_pres_id != pres_id) {
    outcome.status = Status::Error(ErrorCode::kUnparseableDataset, "dataset sent on another presentation context");
    return outcome;
  }
  auto meta = dicom::ReadInstanceMeta((*pending)->temp_path());
  if (!meta.ok()) {
    outcome.status = meta.status();
    return outcome;
  }
  if (Status status = CheckAgainstCommand(*meta, request); !status.ok()) {
    outcome.status = status;
    return outcome;
  }
  const Provenance provenance{info.calling_ae, info.peer_host, info.id, clock_.Now()};
  auto committed = spool_.Commit(std::move(*pending), *meta, provenance);
  if (!committed.ok()) {
    outcome.status = committed.status();
    return outcome;
  }
  outcome.duplicate = committed->duplicate;
  if (!committed->duplicate) sink_.OnInstanceStored(committed->instance);
  return outcome;
}

OFCondition StoreHandler::Respond(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                                  T_DIMSE_C_StoreRQ& request, const Status& status) {
  T_DIMSE_C_StoreRSP response{};
  response.MessageIDBeingRespondedTo = request.MessageID;
  response.DimseStatus = Describe(status.code()).dimse_status;
  response.DataSetType = DIMSE_DATASET_NULL;
  OFStandard::strlcpy(response.AffectedSOPClassUID, request.AffectedSOPClassUID, sizeof response.AffectedSOPClassUID);
  OFStandard::strlcpy(response.AffectedSOPInstanceUID, request.AffectedSOPInstanceUID,
                      sizeof response.AffectedSOPInstanceUID);
  response.opts = O_STORE_AFFECTEDSOPCLASSUID | O_STORE_AFFECTEDSOPINSTANCEUID;
  std::unique_ptr<DcmDataset> detail;
  if (!status.ok()) {
    // PS3.7 C.4.2.1.4: Error Comment (0000,0902), LO, at most 64 characters.
    detail = std::make_unique<DcmDataset>();
    detail->putAndInsertString(DCM_ErrorComment, status.ToString().substr(0, 64).c_str());
  }
  return DIMSE_sendStoreResponse(assoc, pres_id, &request, &response, detail.get());
}

}  // namespace alveo::net
