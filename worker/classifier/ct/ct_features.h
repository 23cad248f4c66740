// SPDX-License-Identifier: Apache-2.0
// Measurements on a segmented CT (CLASSIFIER.md steps 4-5): HU bands with vessel suppression, per
// lung and per zone, central vs peripheral third, dependent vs non-dependent third (gravity from
// Patient Position), crazy-paving and micronodule indices, pleural effusion and a heart-size proxy.
// Thread-safety: pure function of its inputs.
#pragma once

#include <array>
#include <optional>

#include "classifier/ct/lung_segmentation.h"
#include "classifier/kernels/float_volume.h"
#include "classifier/result.h"
#include "core/volume.h"

namespace alveo::classifier::ct {

struct CtFeatures {
  LungMeasures right, left, total;
  std::array<ZoneMeasure, 6> zones;  // right upper/middle/lower, left upper/middle/lower
  bool zones_valid = false;          // false for key images (too few slices for thirds)
  double central_opacity = 0;        // percent of the inner two-thirds
  double peripheral_opacity = 0;     // percent of the outer (costal) third
  double dependent_opacity = 0;      // percent of the dependent third (gravity)
  double nondependent_opacity = 0;
  double consolidation_share = 0;    // consolidation / (GGO + consolidation)
  double crazy_paving_index = 0;     // bright-ridge fraction inside ground glass
  double micronodule_index = 0;      // small nodular components per 100 cm3 of lung
  double effusion_right_ml = 0;
  double effusion_left_ml = 0;
  std::optional<double> cardiothoracic_ratio;
  double emphysema_percent = 0;      // <= -950 HU
  double mean_lung_hu = 0;
  double vessel_suppressed_percent = 0;  // dense lung voxels discounted as vessels
};

// `hu`, `smooth` (Gaussian, 2 mm) and `fluid` (ct::FluidLikeMask) on the working grid; `supine`
// false for prone scans.
CtFeatures MeasureCt(const Volume& hu, const kernels::FloatVolume& smooth, const MaskVolume& fluid,
                     const LungSegmentation& lungs, bool supine, bool key_images, int threads = 1);

}  // namespace alveo::classifier::ct
