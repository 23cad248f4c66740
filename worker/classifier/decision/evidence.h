// SPDX-License-Identifier: Apache-2.0
// The measurements the decision rule reads, common to CT (3-D and key-image 2-D) and radiographs.
// A missing measurement (nullopt) is neither evidence for nor against anything. Thread-safety: plain
// values.
#pragma once

#include <array>
#include <optional>
#include <string>

namespace alveo::classifier {

enum class EvidenceSource { kCtVolume, kCtKeyImages, kRadiograph };

struct PatternEvidence {
  EvidenceSource source = EvidenceSource::kCtVolume;
  // Percent of each lung (and of both) that is opacified (CT: GGO + consolidation bands).
  double right_opacity = 0;
  double left_opacity = 0;
  double total_opacity = 0;
  // right upper, middle, lower, left upper, middle, lower (percent); nullopt when not measured.
  std::optional<std::array<double, 6>> zone_opacity;
  std::optional<double> central_opacity;     // inner two-thirds of the lung, percent
  std::optional<double> peripheral_opacity;  // outer third, percent
  std::optional<double> dependent_gradient;  // dependent minus non-dependent third, points
  std::optional<double> consolidation_share; // consolidation / opacity, 0-1
  std::optional<double> crazy_paving_index;  // 0-1
  std::optional<double> micronodule_index;   // nodules per 100 cm3 of lung
  std::optional<double> effusion_right_ml;
  std::optional<double> effusion_left_ml;
  std::optional<bool> effusion_signs;        // radiographs: blunted costophrenic angles
  std::optional<double> cardiothoracic_ratio;
};

}  // namespace alveo::classifier
