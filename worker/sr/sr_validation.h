// SPDX-License-Identifier: Apache-2.0
// Checks a built SR before anyone sees it, by reading its bytes back with DCMTK as a receiver
// would: DCMTK's own document checks, TID 1500's required rows, and ours (title, UNVERIFIED,
// evidence, UIDs, character set, complete codes). Also reads the identity of an SR already on disk
// (for Predecessor Documents). DCMTK types stay inside. Thread-safety: reentrant; no shared state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/sr_template.h"
#include "core/status.h"
#include "sr/sr_document.h"

namespace alveo::sr {

// What the caller knows the document must say. Empty strings and nullopt are "not checked" unless
// noted.
struct SrValidationExpectations {
  std::string sop_class_uid;  // required: the template's output class (SopClassUidFor)
  std::string sop_instance_uid;
  std::string series_instance_uid;
  std::string study_instance_uid;
  // Instances listed in Current Requested Procedure Evidence: exactly this many (0: at least one).
  std::size_t evidence_count = 0;
  // Each of these must be listed there (the evidence is complete).
  std::vector<std::string> evidence_sop_instance_uids;
  // Specific Character Set the SR must carry ("" = none). nullopt: the one the builder copied from
  // the source instance (SrDocument::specific_character_set).
  std::optional<std::string> specific_character_set;
  // Predecessor Documents: the one SOP instance it must reference, or "" for none.
  std::optional<std::string> predecessor_sop_instance_uid;
  // Document title. nullopt: (126000, DCM, "Imaging Measurement Report") for the TID 1500 classes;
  // any complete code for Basic Text.
  std::optional<CodedConcept> document_title;
};

// OK, or kInvalidSr whose message lists every check that failed ("; "-separated). Checks: the bytes
// are a Part 10 file whose meta header matches the dataset; DSRDocument::read accepts them and the
// document and content tree are valid; SOP class, UIDs and the expectations above; Verification
// Flag UNVERIFIED, Completion Flag COMPLETE, Preliminary Flag FINAL; every coded entry (concept
// names, CODE values, units) has value, scheme and meaning, and every private ("99") scheme is
// described in the Coding Scheme Identification Sequence; for the TID 1500 classes the root carries
// template 1500 (DCMR) with its language, observer, procedure reported and measurements or
// evaluations.
Status ValidateSr(const SrDocument& doc, const SrValidationExpectations& expect);

// The identity of an existing SR file (study, series, SOP class, SOP instance), e.g. the previous
// version's report to cite in Predecessor Documents. Errors: kNotFound (no file),
// kUnparseableDataset (not DICOM), kInvalidSr (not an SR storage class), kMissingAttribute (a UID
// is empty).
Result<SrReference> ReadSrReference(const std::string& sr_file);

}  // namespace alveo::sr
