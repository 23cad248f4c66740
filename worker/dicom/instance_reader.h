// SPDX-License-Identifier: Apache-2.0
// Reads the header attributes Alveo needs from a DICOM file (Part 10 or bare dataset) without loading
// pixel data into memory. The whole file is parsed, so truncated or garbled datasets are reported.
// Thread-safety: stateless; safe from any thread.
#pragma once

#include <string>

#include "core/instance.h"
#include "core/status.h"

namespace alveo::dicom {

enum class TruncatedPixelData {
  kReject,    // storage: a file that does not parse to its end is not accepted
  kTolerate,  // scanning folders: the header is read; decoding reports the pixel data as corrupt
};

// kUnparseableDataset when DCMTK cannot parse the file to its end. With kTolerate, a file whose
// parse stopped inside Pixel Data (a cut-off copy) still yields its header, so the study is
// reported (decoding fails with kCorruptPixelData: not_analysable) instead of losing the file. Missing attributes are left empty here; validation is the caller's
// job (see ValidateForStorage).
Result<InstanceMeta> ReadInstanceMeta(const std::string& path,
                                      TruncatedPixelData truncated = TruncatedPixelData::kReject);

// Checks what a storage SCP must insist on before accepting an instance: SOP Class/Instance,
// Study and Series UIDs present and well formed (kMissingAttribute / kInvalidUid).
Status ValidateForStorage(const InstanceMeta& meta);

}  // namespace alveo::dicom
