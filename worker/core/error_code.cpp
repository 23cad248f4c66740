// SPDX-License-Identifier: Apache-2.0
#include "core/error_code.h"

#include <array>
#include <cstddef>

namespace alveo {
namespace {

// DIMSE statuses, PS3.4 Annex B.2.3 (Storage Service Class C-STORE statuses):
//   0x0000 Success, 0xA700 Refused: Out of Resources, 0xA900 Error: Data Set does not match SOP Class,
//   0xC000-0xCFFF Error: Cannot understand, 0x0122 Refused: SOP Class not supported (PS3.7 C.4.2).
// We use distinct 0xCxxx values so an operator can tell the failure reasons apart in a sender's log.
constexpr std::array<ErrorInfo, static_cast<std::size_t>(ErrorCode::kCount)> kTable{{
    {ErrorCode::kOk, "ok", "success", 0x0000, 200},
    {ErrorCode::kInternal, "internal", "internal error", 0xA700, 500},
    {ErrorCode::kInvalidArgument, "invalid_argument", "invalid argument", 0xC000, 400},
    {ErrorCode::kNotFound, "not_found", "not found", 0xC000, 404},
    {ErrorCode::kConfigInvalid, "config_invalid", "configuration rejected", 0xA700, 500},
    {ErrorCode::kIoError, "io_error", "storage write failed", 0xA700, 503},
    {ErrorCode::kDiskFull, "disk_full", "free disk space below the watermark", 0xA700, 507},
    {ErrorCode::kUnparseableDataset, "unparseable_dataset", "dataset cannot be parsed", 0xC000, 422},
    {ErrorCode::kMissingAttribute, "missing_attribute", "required attribute missing", 0xC001, 422},
    {ErrorCode::kInvalidUid, "invalid_uid", "UID is not a valid DICOM UID", 0xC002, 422},
    {ErrorCode::kSopClassMismatch, "sop_class_mismatch",
     "dataset SOP Class UID does not match the command", 0xA900, 422},
    {ErrorCode::kSopInstanceMismatch, "sop_instance_mismatch",
     "dataset SOP Instance UID does not match the command", 0xC003, 422},
    {ErrorCode::kUnsupportedSopClass, "unsupported_sop_class", "SOP class not supported", 0x0122,
     415},
    {ErrorCode::kShuttingDown, "shutting_down", "service is shutting down", 0xA700, 503},
    {ErrorCode::kCorruptJournal, "corrupt_journal", "journal record is corrupt", 0xA700, 500},
    {ErrorCode::kCorruptPixelData, "corrupt_pixel_data", "pixel data cannot be decoded", 0xC000, 422},
    {ErrorCode::kUnsupportedEncoding, "unsupported_encoding", "pixel encoding not supported", 0xC000, 415},
    {ErrorCode::kPeerUnavailable, "peer_unavailable", "destination unreachable or busy", 0xA700, 503},
    {ErrorCode::kPeerRejected, "peer_rejected", "destination refused the object", 0xC000, 502},
    {ErrorCode::kInvalidSr, "invalid_sr", "structured report failed validation", 0xA700, 500},
    {ErrorCode::kUnauthenticated, "unauthenticated", "bearer token required", 0xC000, 401},
    {ErrorCode::kForbidden, "forbidden", "not allowed", 0xC000, 403},
    {ErrorCode::kConflict, "conflict", "not possible in the current state", 0xC000, 409},
}};

}  // namespace

const ErrorInfo& Describe(ErrorCode code) {
  return kTable[static_cast<std::size_t>(code)];
}

}  // namespace alveo
