// SPDX-License-Identifier: Apache-2.0
// Helpers for the SR tests: the shipped templates, hand-made classification results of each kind
// (as the classifier would report them), small phantom studies to serve as the source instances,
// and the real validators (dciodvfy, dsrdump) with the golden normaliser. Thread-safety: test-only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include "classifier/result.h"
#include "core/sr_template.h"
#include "sr/sr_document.h"
#include "sr/sr_validation.h"

namespace alveo::sr::testing {

// Study UIDs of the phantom studies (fixed, so the goldens are stable).
inline constexpr char kCtStudyUid[] = "1.2.826.0.1.3680043.10.1081.10";
inline constexpr char kRadiographStudyUid[] = "1.2.826.0.1.3680043.10.1081.20";

// sr_templates/<name>.json, loaded; fails the test (and returns a default) when it does not load.
SrTemplate LoadTemplate(const std::string& name);

// Results as the classifier reports them. FlaggedCt has certainty 72 (above the default threshold),
// FlaggedRadiograph 15 (below it: "undetermined").
classifier::ClassificationResult FlaggedCt();
classifier::ClassificationResult NotFlaggedCt();
classifier::ClassificationResult NotAnalysableCt();
classifier::ClassificationResult FlaggedRadiograph();

// A small study written to `dir`: a CT series (or one DX film) whose instances become evidence.
// Patient name is UTF-8; the phantom writer encodes it in `character_set` ("" = none, default
// repertoire).
struct SourceStudy {
  std::vector<SrEvidence> evidence;
  std::string study_instance_uid;
};
SourceStudy WriteCtStudy(const std::string& dir, const std::string& patient_name = "PHANTOM^CHEST",
                         const std::string& character_set = "");
SourceStudy WriteRadiographStudy(const std::string& dir);

AlgorithmInfo TestAlgorithm();

// A complete request for `result` about `study`, with fixed UIDs and time (for goldens).
SrDocumentRequest MakeRequest(const SrTemplate& tmpl,
                              const classifier::ClassificationResult& result,
                              const SourceStudy& study);

// What ValidateSr must find for a document built from `request` (UIDs, class, all evidence, the
// predecessor or none).
SrValidationExpectations ExpectationsFor(const SrDocumentRequest& request);

// A Part 10 file in memory parsed with DCMTK (nullptr if it does not parse), and back to bytes
// (with a new meta header made from the dataset, or the meta header as it is).
std::unique_ptr<DcmFileFormat> ParseDicom(const std::string& bytes);
std::string SerializeDicom(DcmFileFormat& file, bool keep_meta = false);
// An attribute's value exactly as stored (no character set conversion), "" when absent.
std::string RawString(DcmItem& item, const DcmTagKey& tag);
std::string RawString(const std::string& file_bytes, const DcmTagKey& tag);

// Whether an executable is installed in /usr/bin or /usr/local/bin.
bool HaveTool(const std::string& name);
// dciodvfy's error lines ("Error - ...") for a file; empty when it validates.
std::vector<std::string> DciodvfyErrors(const std::string& file,
                                        std::string* full_output = nullptr);
// dciodvfy's warning lines ("Warning - ...").
std::vector<std::string> DciodvfyWarnings(const std::string& file);
// dsrdump's output for a file (stdout), with long values, all codes, instance UIDs and template
// identification printed; `stderr_text` receives what dsrdump complained about.
std::string Dsrdump(const std::string& file, std::string* stderr_text = nullptr);

// Makes a dsrdump output comparable across runs (sr_templates/README.md, "Goldens"): UIDs become
// <UID>, dates <DATE>, times <TIME>, date-times <DATETIME>, the DCMTK implementation version
// <VERSION>; trailing spaces go.
std::string NormaliseDsrdump(const std::string& text);

// Compares `normalised` with sr_templates/golden/<name>.txt; with ALVEO_UPDATE_GOLDENS=1 in the
// environment it writes the file instead (and succeeds).
::testing::AssertionResult MatchesGolden(const std::string& name, const std::string& normalised);

}  // namespace alveo::sr::testing
