// SPDX-License-Identifier: Apache-2.0
// Internal to the radiograph generator: turns per-pixel path lengths (lung, heart, abdomen, fluid,
// opacified lung) into the lung-field mask, the opacity map and the RadiographTruth statistics.
// Thread-safety: ClassifyRow may run concurrently for distinct rows; Summarise after all rows.
#pragma once

#include <vector>

#include "phantom/radiograph_phantom.h"

namespace alveo::phantom {

// Path lengths (mm) along the ray of one film pixel.
struct RayPaths {
  float lung = 0.0f;
  float right_lung = 0.0f;
  float opacified = 0.0f;
  float heart = 0.0f;
  float abdomen = 0.0f;
  float effusion = 0.0f;
};

// What one film row contributes to the cardiothoracic ratio and the effusion area.
struct RowTally {
  int heart_min = -1, heart_max = -1;    // columns behind >= 1 mm of heart
  int thorax_min = -1, thorax_max = -1;  // columns behind >= 1 mm of lung or pleural fluid
  int effusion_pixels = 0;               // pixels behind >= 5 mm of pleural fluid
};

// Fills data.lung_fields and data.opacity for one row of a frontal film.
RowTally ClassifyRow(const RayPaths* paths, int row, RadiographData& data);

RadiographTruth SummariseFrontal(const RadiographData& data, const std::vector<RowTally>& rows,
                                 double spacing_mm);

}  // namespace alveo::phantom
