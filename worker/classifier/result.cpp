// SPDX-License-Identifier: Apache-2.0
#include "classifier/result.h"

#include <array>

namespace alveo::classifier {

std::string_view StatusName(ResultStatus status) {
  static constexpr std::array<std::string_view, 3> kNames{"flagged", "not_flagged", "not_analysable"};
  return kNames[static_cast<int>(status)];
}

std::string_view ReasonName(NotAnalysableReason reason) {
  static constexpr std::array<std::string_view, 11> kNames{
      "",           "no_images",          "not_chest",           "no_usable_series",     "slices_too_thick",
      "too_few_slices", "non_frontal_view", "corrupt_pixel_data", "unsupported_encoding", "segmentation_failed",
      "incomplete_series"};
  return kNames[static_cast<int>(reason)];
}

}  // namespace alveo::classifier
