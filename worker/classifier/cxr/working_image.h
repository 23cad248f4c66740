// SPDX-License-Identifier: Apache-2.0
// Normalisation of a decoded radiograph into the fixed working image: resampled to a fixed width
// (physical aspect kept), VOI window applied when it is plausible, intensities mapped to 0-1 by
// percentiles and lightly blurred, so that source size and bit depth cannot reach the decision.
// Thread-safety: pure. Ownership: results by value.
#pragma once

#include <string>

#include "classifier/cxr/cxr_analysis.h"
#include "core/image2d.h"

namespace alveo::classifier::cxr {

struct WorkingImage {
  Image2D image;         // kWorkingWidth columns, values 0 (darkest) .. 1 (brightest)
  double mm_per_px = 0;  // working pixel size when the input spacing is known, else 0
  bool window_used = false;
  std::string failure;  // non-empty: empty_image, corrupt_values or uniform_image
};

WorkingImage MakeWorkingImage(const RadiographInput& input);

}  // namespace alveo::classifier::cxr
