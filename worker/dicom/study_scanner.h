// SPDX-License-Identifier: Apache-2.0
// The study scanner behind `alveo classify PATH...`: walks files and folders (recursively), reads
// only DICOM headers, skips what is not an image instance (non-DICOM files, DICOMDIR) and groups
// the instances by Study Instance UID in a deterministic order.
// Thread-safety: reentrant; touches only the given paths.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/instance.h"
#include "core/status.h"

namespace alveo::dicom {

struct ScannedInstance {
  std::string path;
  InstanceMeta meta;
};

struct ScannedStudy {
  std::string study_instance_uid;
  // Series in the order their first file was met; within a series by Instance Number, then
  // position along the slice normal, then path.
  std::vector<ScannedInstance> instances;
};

struct SkippedFile {
  std::string path;
  std::string reason;  // "not DICOM", "DICOMDIR", "unreadable DICOM: ...", "no StudyInstanceUID"
};

struct ScanReport {
  std::size_t files_examined = 0;  // regular files looked at (each once)
  std::size_t instances = 0;       // DICOM instances returned in studies
  std::vector<SkippedFile> skipped;
};

// Files and folders in the order given; a folder's files in path order; a file reached twice is
// read once. Studies are ordered by the first of their files met. Errors: kNotFound for a path
// that does not exist, kIoError for one that cannot be read or listed (permissions); the message
// names the path. Files that are not DICOM, DICOMDIRs, DICOM files DCMTK cannot parse and
// instances without a Study Instance UID are skipped and listed in `report`.
Result<std::vector<ScannedStudy>> ScanPaths(const std::vector<std::string>& paths,
                                            ScanReport& report);

}  // namespace alveo::dicom
