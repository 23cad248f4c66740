// SPDX-License-Identifier: Apache-2.0
// Lung segmentation on the working grid (CLASSIFIER.md, "CT pipeline" step 3): body, air inside the
// body, trachea and main bronchi removed, right/left split, then dense (opacified) lung recovered by
// per-slice closing and 3-D hole filling inside the thorax, because consolidated lung falls out of
// any air threshold; homogeneous fluid (pleural effusion) and the mediastinum are kept out.
// Thread-safety: pure function of its input.
#pragma once

#include <string>

#include "classifier/kernels/float_volume.h"
#include "classifier/result.h"
#include "core/volume.h"

namespace alveo::classifier::ct {

inline constexpr std::uint8_t kRightLung = 1;
inline constexpr std::uint8_t kLeftLung = 2;

struct LungSegmentation {
  bool ok = false;
  NotAnalysableReason failure = NotAnalysableReason::kNone;
  std::string detail;
  MaskVolume lungs;        // working grid: kRightLung / kLeftLung
  MaskVolume mediastinum;  // per slice: between the lungs (heart, great vessels, spine in front)
  MaskVolume body;
  double right_ml = 0;
  double left_ml = 0;
  double recovered_fraction = 0;  // share of the lung volume added by dense-lung recovery
  double airway_ml = 0;           // trachea/main bronchi removed
};

// `hu` is the working grid (ct::WorkingGrid::hu) and `smooth` its Gaussian smoothing (2 mm).
// `key_images`: slices are far apart; hole filling works slice by slice.
// The patient's body: tissue denser than -500 HU, largest component, holes filled per slice.
MaskVolume BodyMask(const Volume& hu);

// `fluid` marks homogeneous water-like voxels (ct::FluidLikeMask), never lung; `body` is BodyMask.
LungSegmentation SegmentLungs(const Volume& hu, const kernels::FloatVolume& smooth, const MaskVolume& fluid,
                              MaskVolume body, bool key_images, int threads = 1);

}  // namespace alveo::classifier::ct
