// SPDX-License-Identifier: Apache-2.0
// Internal to the dicom module (std only): turns the Image Plane attributes of a CT series' frames
// into a slice order and a VolumeGeometry, rejecting what cannot form one regular grid.
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/volume.h"

namespace alveo::dicom::internal {

// What one frame (a single-frame slice, or one frame of a multi-frame image) says about itself.
struct FrameGeometry {
  int rows = 0;
  int columns = 0;
  std::optional<Vec3> position;                        // Image Position (Patient)
  std::optional<std::array<double, 6>> orientation;    // Image Orientation (Patient)
  std::optional<std::array<double, 2>> pixel_spacing;  // DICOM order: row spacing, column spacing
  std::optional<double> slice_thickness;
};

struct SliceLayout {
  VolumeGeometry geometry;
  std::vector<std::size_t> order;  // order[k] = index into the frames of volume slice k
  std::vector<double> positions;   // position along the slice normal of volume slice k
  double min_gap_mm = 0.0;
  double max_gap_mm = 0.0;
  double max_off_axis_mm = 0.0;
};

// `describe(i)` names frame i in error messages. kInvalidArgument when frames are missing
// geometry, disagree on rows/columns/orientation/pixel spacing, or share a position.
Result<SliceLayout> ArrangeSlices(const std::vector<FrameGeometry>& frames,
                                  const std::function<std::string(std::size_t)>& describe);

}  // namespace alveo::dicom::internal
