// SPDX-License-Identifier: Apache-2.0
// Per-slice helpers of the CT analysis: 2-D regions of one axial slice of a mask, the body's
// left-right centre, and the mediastinum as the band between the two lungs row by row.
// Thread-safety: pure functions; SliceRegions is a value.
#pragma once

#include <cstdint>
#include <vector>

#include "classifier/kernels/components.h"
#include "core/volume.h"

namespace alveo::classifier::ct {

// The 4-connected regions of one slice (kernels::LabelComponents2D) with the per-slice questions
// the airway tracking asks of them.
struct SliceRegions {
  kernels::Components2D parts;  // parts.components[label - 1]

  // For every region (index label - 1): does it overlap `mask`? One pass over the slice.
  std::vector<bool> OverlapsAll(const std::vector<std::uint8_t>& mask) const;
  void Paint(std::uint32_t label, std::vector<std::uint8_t>& mask) const;
};

// 4-connected regions of slice k of `mask`.
SliceRegions LabelSlice(const MaskVolume& mask, int k);

// Column of the body's horizontal centre in slice k (middle of its widest extent).
double BodyCenterColumn(const MaskVolume& body, int k);

// Pixels between the inner (medial) edges of the two lungs, row by row, in every slice where both
// lungs appear; rows where a lung is missing borrow the nearest row's edges within 40 rows.
MaskVolume MediastinumBetween(const MaskVolume& right, const MaskVolume& left);

}  // namespace alveo::classifier::ct
