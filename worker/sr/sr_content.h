// SPDX-License-Identifier: Apache-2.0
// What the Structured Report says, decided from a classification result and a template, as plain
// values: measurement groups per lung and for both lungs, the hemorrhage evaluation with its
// certainty, the ranked differential and the sentences. The writers turn it into DICOM; keeping the
// decisions here makes them testable without DCMTK. Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "classifier/result.h"
#include "core/sr_template.h"

namespace alveo::sr {

// The algorithm behind the report (TID 4019): name, version, parameters.
struct AlgorithmInfo {
  std::string name;     // e.g. "Alveo lung opacity classifier"
  std::string version;  // e.g. "0.3.0 alveo-dph-rule-1.1"
  std::vector<std::string> parameters;
};

struct Measurement {
  CodedConcept name;
  double value = 0;
  CodedConcept unit;  // UCUM
};

// A measurement group (TID 1501): one finding at one site.
struct MeasurementGroup {
  std::string tracking_id;  // human-readable, unique in the document
  std::optional<CodedConcept> finding;
  CodedConcept laterality;  // with Finding Site = lung
  std::vector<Measurement> measurements;
  std::vector<std::pair<CodedConcept, CodedConcept>> evaluations;  // (concept name, value)
};

struct DifferentialItem {
  int rank = 0;
  CodedConcept diagnosis;
  std::string reasons;  // "rank 1: peripheral/subpleural predominance (...); ..."
};

struct SrContent {
  bool radiograph = false;
  CodedConcept procedure;
  std::vector<MeasurementGroup> groups;  // empty when not analysable
  CodedConcept hemorrhage;               // concept name of the headline evaluation
  CodedConcept hemorrhage_value;         // suspected / absent / undetermined
  std::optional<double>
      certainty_percent;  // flagged results only (certainty the pattern is present)
  std::vector<DifferentialItem> differential;
  std::vector<std::string> comments;  // summary sentence, notes, disclaimer
  AlgorithmInfo algorithm;
};

// Units used by the writers and the content (UCUM).
CodedConcept UnitPercent();
CodedConcept UnitCubicCentimetre();
// (118565006, SCT, "Volume"), the standard measurement concept for volumes.
CodedConcept VolumeConcept();

// Decides the report's content. `result` may be flagged, not flagged or not analysable.
SrContent BuildSrContent(const classifier::ClassificationResult& result, const SrTemplate& tmpl,
                         const AlgorithmInfo& algorithm);

// Replaces {name} placeholders in `text` by their values in one pass (inserted values are not
// scanned again); unknown placeholders stay as they are.
std::string FillPlaceholders(std::string text,
                             const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace alveo::sr
