// SPDX-License-Identifier: Apache-2.0
// Per-slice helpers of the CT analysis: 2-D regions of one axial slice of a mask, the body's
// left-right centre, and the mediastinum as the band between the two lungs row by row.
// Thread-safety: pure functions; SliceRegions is a value.
#pragma once

#include <cstdint>
#include <vector>

#include "core/volume.h"

namespace alveo::classifier::ct {

struct SliceRegion {
  int label = 0;
  std::size_t pixels = 0;
  double centroid_x = 0;  // column
  double centroid_y = 0;  // row
};

struct SliceRegions {
  std::vector<int> labels;  // per pixel of the slice, 0 = none, else region label (1-based)
  std::vector<SliceRegion> regions;

  bool Overlaps(int label, const std::vector<std::uint8_t>& mask) const;
  // For every region (index label - 1): does it overlap `mask`? One pass over the slice.
  std::vector<bool> OverlapsAll(const std::vector<std::uint8_t>& mask) const;
  void Paint(int label, std::vector<std::uint8_t>& mask) const;
};

// 4-connected regions of slice k of `mask`.
SliceRegions LabelSlice(const MaskVolume& mask, int k);

// Column of the body's horizontal centre in slice k (middle of its widest extent).
double BodyCenterColumn(const MaskVolume& body, int k);

// Pixels between the inner (medial) edges of the two lungs, row by row, in every slice where both
// lungs appear; rows where a lung is missing borrow the nearest row's edges within 40 rows.
MaskVolume MediastinumBetween(const MaskVolume& right, const MaskVolume& left);

}  // namespace alveo::classifier::ct
