// SPDX-License-Identifier: Apache-2.0
// The one error vocabulary of Alveo. Every module reports failures with these codes; the table in
// error_code.cpp maps each to the DIMSE C-STORE status (PS3.4 B.2.3) and the HTTP status it becomes
// at the edges. Thread-safe: constant data only.
#pragma once

#include <cstdint>
#include <string_view>

namespace alveo {

enum class ErrorCode : std::uint16_t {
  kOk = 0,
  kInternal,             // broken invariant or unexpected third-party failure
  kInvalidArgument,      // caller passed something malformed
  kNotFound,             // a requested study/resource does not exist
  kConfigInvalid,        // configuration rejected at start
  kIoError,              // a read/write/fsync/rename failed
  kDiskFull,             // free space below the configured watermark
  kUnparseableDataset,   // received bytes are not a DICOM dataset we can read
  kMissingAttribute,     // a required attribute (SOP/Study/Series UID) is absent or empty
  kInvalidUid,           // a UID violates PS3.5 9.1 (characters, length)
  kSopClassMismatch,     // dataset SOP Class UID differs from the C-STORE command
  kSopInstanceMismatch,  // dataset SOP Instance UID differs from the C-STORE command
  kUnsupportedSopClass,  // SOP class not in the accepted set
  kShuttingDown,         // the service is draining and takes no new work
  kCorruptJournal,       // a journal record failed its checksum or could not be parsed
  kCorruptPixelData,     // pixel data missing, truncated or undecodable
  kUnsupportedEncoding,  // a transfer syntax or pixel format we cannot decode
  kPeerUnavailable,      // a destination could not be reached or refused for now (retry later)
  kPeerRejected,         // a destination refused for good (association or DIMSE failure status)
  kInvalidSr,            // a Structured Report we built failed validation (never sent)
  kUnauthenticated,      // an HTTP request needs a bearer token and has none
  kForbidden,            // the token is wrong, or the operation is disabled
  kConflict,             // the resource is not in a state that allows the operation
  kCount
};

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;         // stable machine-readable name, e.g. "disk_full"
  std::string_view description;  // one line for humans
  std::uint16_t dimse_status;    // what a C-STORE answering this error returns
  int http_status;               // what an HTTP request answering this error returns
};

// Returns the table row for `code`; every code has one (checked by a unit test).
const ErrorInfo& Describe(ErrorCode code);

}  // namespace alveo
