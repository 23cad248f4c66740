// SPDX-License-Identifier: Apache-2.0
// Builds the DICOM SR document (a Part 10 file in memory) from decided content: TID 1500 with
// DCMTK's dcmsr/cmr classes for the Comprehensive 3D / Comprehensive / Enhanced SR outputs, or a
// Basic Text SR rendering of the same findings. Patient and study modules (and the Specific
// Character Set) come from an analysed source instance so the SR joins the same study. DCMTK types
// stay inside. Thread-safety: reentrant; no shared state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/sr_template.h"
#include "core/status.h"
#include "sr/sr_content.h"

namespace alveo::sr {

// One instance the report is about (Current Requested Procedure Evidence, Image Library).
struct SrEvidence {
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string file;  // its file, for the Image Library descriptors; may be empty
};

// An earlier SR this one replaces (a re-opened study): Predecessor Documents Sequence.
struct SrReference {
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string sop_class_uid;
  std::string sop_instance_uid;
};

struct SrDocumentRequest {
  const SrTemplate* tmpl = nullptr;
  SrContent content;
  std::string source_file;  // an instance of the study: patient/study modules, character set
  std::vector<SrEvidence> evidence;
  bool image_library = true;  // list the analysed images (TID 1600); Basic Text has none
  std::string series_instance_uid;
  std::string sop_instance_uid;
  int instance_number = 1;
  std::optional<SrReference> predecessor;
  std::string device_observer_uid;
  TimePoint created_at{};
};

struct SrDocument {
  std::string bytes;  // the Part 10 file
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string series_instance_uid;
  std::string study_instance_uid;
  std::string specific_character_set;  // copied from the source instance ("" when it had none)
};

// SOP Class UID of a template's output class.
std::string SopClassUidFor(SrOutputClass output);

// The SR keeps the source's Specific Character Set (patient text byte-identical) unless the
// template's wording cannot be written in it; then it is UTF-8 (sr_templates/README.md). The same
// request gives the same bytes (the instance creation time is `created_at`).
// Errors: kNotFound / kUnparseableDataset for the source file (missing, not DICOM, text in a
// character set that cannot be decoded), kInvalidSr when DCMTK refuses the content (with its
// reason), kInvalidArgument for a request without template or UIDs.
Result<SrDocument> BuildSrDocument(const SrDocumentRequest& request);

}  // namespace alveo::sr
