// SPDX-License-Identifier: Apache-2.0
// Frontal chest radiograph analysis (classical, no learned weights): working-size normalisation,
// lung-field estimation, per-lung/per-zone opacity and an opacity score (method: README.md).
// Thread-safety: AnalyzeRadiograph is reentrant and keeps no state. Ownership: results by value.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/image2d.h"

namespace alveo::classifier::cxr {

struct RadiographInput {
  // Float values after rescale; MONOCHROME1 already inverted: higher = brighter on a standard
  // display = more attenuating. Any affine scale of the values gives the same analysis.
  Image2D image;
  double spacing_x_mm = 0, spacing_y_mm = 0;  // 0 = unknown (square pixels assumed)
  // VOI window in the units of `image` (mirrored like the values for MONOCHROME1), if any.
  std::optional<double> window_center, window_width;
};

struct CxrAnalysis {
  bool lungs_found = false;
  std::string failure;  // coded words when !lungs_found: empty_image, uniform_image, no_lung_fields
  Mask2D lung_fields;   // working size; 1 = right lung (image left on a PA/AP film), 2 = left
  double right_opacity = 0, left_opacity = 0, total_opacity = 0;  // opacified fraction, 0-1
  // right upper, middle, lower, left upper, middle, lower (thirds of each field's height), 0-1
  std::array<double, 6> zone_opacity{};
  std::vector<std::pair<std::string, double>> features;  // stable names, see README.md
  double opacity_score = 0;  // 0-1: how strongly the film shows bilateral diffuse opacity

  const double* Feature(std::string_view name) const {
    for (const auto& [key, value] : features) {
      if (key == name) return &value;
    }
    return nullptr;
  }
};

CxrAnalysis AnalyzeRadiograph(const RadiographInput& input);

}  // namespace alveo::classifier::cxr
