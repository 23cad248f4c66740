// SPDX-License-Identifier: Apache-2.0
// What the classifier says about one study: status, certainty, lung measures, zones, features and the
// ranked differential. This is the contract behind `alveo classify` JSON, the API and (later) the SR;
// field names match the JSON keys documented in README.md. Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace alveo::classifier {

enum class ResultStatus { kFlagged, kNotFlagged, kNotAnalysable };
std::string_view StatusName(ResultStatus status);

// Coded reasons for kNotAnalysable (stable names: see ReasonName).
enum class NotAnalysableReason {
  kNone,
  kNoImages,             // no image instances in the study
  kNotChest,             // no lungs found in the imaged range (e.g. abdomen-only CT)
  kNoUsableSeries,       // no axial ORIGINAL CT series / no frontal radiograph
  kSlicesTooThick,       // only series with slices thicker than 5 mm
  kTooFewSlices,         // not enough slices through the lungs to measure
  kNonFrontalView,       // lateral or other non-frontal radiograph only
  kCorruptPixelData,     // pixel data missing or undecodable
  kUnsupportedEncoding,  // transfer syntax or pixel format we cannot decode
  kSegmentationFailed,   // lungs found but failed the sanity checks (volume, balance)
  kIncompleteSeries,     // the chosen CT series has a gap in its slice positions (slices missing)
};
std::string_view ReasonName(NotAnalysableReason reason);

struct LungMeasures {
  std::optional<double> volume_ml;  // CT only
  double ggo_percent = 0;           // CT: (-700, -250] HU; radiographs: not separable (0)
  double consolidation_percent = 0;  // CT: (-250, +100] HU
  double opacity_percent = 0;        // GGO + consolidation (radiograph: opacified fraction)
};

struct ZoneMeasure {
  std::string name;  // right_upper, right_middle, right_lower, left_upper, left_middle, left_lower
  double opacity_percent = 0;
  double ggo_percent = 0;
  double consolidation_percent = 0;
};

// One ranked entry of the differential, with its code and why it got this rank.
struct DifferentialEntry {
  int rank = 0;
  std::string code;
  std::string scheme;  // SCT
  std::string meaning;
  double score = 0;    // internal ranking score (0-1), shown for transparency
  std::vector<std::string> reasons;
};

struct ClassificationResult {
  std::string study_instance_uid;
  std::string modality;  // CT, CR, DX, ...
  ResultStatus status = ResultStatus::kNotAnalysable;
  NotAnalysableReason reason = NotAnalysableReason::kNone;
  std::string reason_detail;  // human words for the reason
  double certainty = 0;       // 0-100 %: certainty that the diffuse hemorrhage-compatible pattern is present
  bool diffuse_bilateral = false;  // the measured opacity is bilateral and diffuse (the rule's "diffuse")
  std::vector<std::string> findings;  // named findings the rule saw: central, peripheral, crazy_paving, ...
  std::string analysis;       // "ct_3d", "ct_2d" (few key slices), "radiograph"
  std::optional<LungMeasures> right;
  std::optional<LungMeasures> left;
  std::optional<LungMeasures> total;
  std::vector<ZoneMeasure> zones;
  std::vector<std::pair<std::string, double>> features;  // named measurements, stable names
  std::vector<DifferentialEntry> differential;           // rank 1 first
  std::vector<std::string> series_used;                  // Series Instance UIDs analysed
  std::vector<std::string> instances_used;               // SOP Instance UIDs analysed
  std::string rule_version;
  std::vector<std::pair<std::string, double>> timings_ms;

  const double* Feature(std::string_view name) const {
    for (const auto& [key, value] : features) {
      if (key == name) return &value;
    }
    return nullptr;
  }
};

}  // namespace alveo::classifier
