// SPDX-License-Identifier: Apache-2.0
// Internal to the phantom writer: resolving a series' identity (encoded text, derived UIDs), file
// naming and small file-system helpers shared by the CT and radiograph writers.
// Thread-safety: pure functions, except the file helpers which touch only their own paths.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/status.h"
#include "phantom/dicom_build.h"
#include "phantom/phantom_writer.h"

namespace alveo::phantom::internal {

// Fills identity, encoded text and UIDs. `content_key` names what was generated (kind, seed, size,
// ...) so different phantoms get different UIDs and the same phantom the same ones.
Result<dicom::SeriesContext> ResolveSeries(const DicomIdentity& identity, std::uint64_t seed,
                                           const std::string& content_key);

// SOP Instance UID of instance `index` (0-based) of a series; lossy-compressed copies are new
// (derived) instances and get their own UIDs.
std::string InstanceUid(const dicom::SeriesContext& series, int index, TransferSyntax ts);

// "0001.dcm" ... zero-padded to at least four digits and to the width of `count`.
std::string InstanceFileName(int index, int count);

Status PrepareDirectory(const std::filesystem::path& directory);
Status WriteFile(const std::filesystem::path& path, const void* data, std::size_t size);

}  // namespace alveo::phantom::internal
