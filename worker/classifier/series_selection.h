// SPDX-License-Identifier: Apache-2.0
// Chooses what to analyse in a study from the instance headers alone: the best axial ORIGINAL CT
// series (thinnest slices <= 5 mm, widest coverage), or a frontal radiograph. Explains with a coded
// reason when there is nothing usable. Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "classifier/result.h"
#include "core/instance.h"

namespace alveo::classifier {

inline constexpr double kMaxSliceThicknessMm = 5.0;
// Fewer slices than this (or less than kMinVolumeCoverageMm of coverage) is analysed slice by
// slice in 2-D ("key images") with lower certainty.
inline constexpr int kMinVolumeSlices = 20;
inline constexpr double kMinVolumeCoverageMm = 80.0;
// A volume whose largest distance between neighbouring slices exceeds both of these has slices
// missing (an interrupted transfer, a deleted file): measuring it would misstate the lungs.
inline constexpr double kMaxGapSpacings = 3.0;
inline constexpr double kMaxGapMm = 10.0;

struct CtSelection {
  std::string series_instance_uid;
  std::vector<std::size_t> instances;  // indices into the input, ordered along the slice normal
  double slice_spacing_mm = 0;         // median distance between slice positions (0 for one slice)
  double slice_thickness_mm = 0;       // SliceThickness, else the spacing
  double coverage_mm = 0;
  double max_gap_mm = 0;               // largest distance between neighbouring slice positions
  bool key_images = false;             // too few slices for a volume: analyse in 2-D
};

struct RadiographSelection {
  std::size_t instance = 0;
  std::string view;  // PA, AP, or "" when the header does not say (assumed frontal)
};

struct Selection {
  std::optional<CtSelection> ct;
  std::optional<RadiographSelection> radiograph;
  NotAnalysableReason reason = NotAnalysableReason::kNone;  // when neither is set
  std::string detail;
  std::string modality;  // of what was selected (or of the study when nothing was)
};

Selection SelectForAnalysis(const std::vector<const InstanceMeta*>& instances);

}  // namespace alveo::classifier
