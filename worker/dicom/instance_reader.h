// SPDX-License-Identifier: Apache-2.0
// Reads the header attributes Alveo needs from a DICOM file (Part 10 or bare dataset) without loading
// pixel data into memory. The whole file is parsed, so truncated or garbled datasets are reported.
// Thread-safety: stateless; safe from any thread.
#pragma once

#include <string>

#include "core/instance.h"
#include "core/status.h"

namespace alveo::dicom {

// kUnparseableDataset when DCMTK cannot parse the file to its end. Missing attributes are left
// empty here; validation is the caller's job (see ValidateForStorage).
Result<InstanceMeta> ReadInstanceMeta(const std::string& path);

// Checks what a storage SCP must insist on before accepting an instance: SOP Class/Instance,
// Study and Series UIDs present and well formed (kMissingAttribute / kInvalidUid).
Status ValidateForStorage(const InstanceMeta& meta);

}  // namespace alveo::dicom
