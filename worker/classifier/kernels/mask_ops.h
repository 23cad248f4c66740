// SPDX-License-Identifier: Apache-2.0
// Thresholds, voxel-wise logic and reductions on masks (uint8: 0 = background, non-zero =
// foreground; results are 0/1). Thread-safety: pure functions. Ownership: results by value.
// Two-operand functions throw std::invalid_argument when the grids differ in size.
#pragma once

#include <cstddef>

#include "classifier/kernels/float_volume.h"
#include "core/image2d.h"
#include "core/volume.h"

namespace alveo::kernels {

// 1 where lo <= value <= hi (inclusive), else 0; same geometry as the input.
MaskVolume ThresholdRange(const Volume& volume, int lo, int hi);
MaskVolume ThresholdRange(const FloatVolume& volume, float lo, float hi);
Mask2D ThresholdRange(const Image2D& image, float lo, float hi);

std::size_t CountNonZero(const MaskVolume& mask);
std::size_t CountNonZero(const Mask2D& mask);

// 2|A and B| / (|A| + |B|); 1.0 when both masks are empty.
double Dice(const MaskVolume& a, const MaskVolume& b);
double Dice(const Mask2D& a, const Mask2D& b);

// Voxel-wise logic; the result takes a's geometry.
MaskVolume And(const MaskVolume& a, const MaskVolume& b);
MaskVolume Or(const MaskVolume& a, const MaskVolume& b);
MaskVolume AndNot(const MaskVolume& a, const MaskVolume& b);  // a and not b
MaskVolume Invert(const MaskVolume& mask);

}  // namespace alveo::kernels
