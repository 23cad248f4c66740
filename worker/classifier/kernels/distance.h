// SPDX-License-Identifier: Apache-2.0
// Exact Euclidean distance transforms (separable lower envelope of parabolas, Felzenszwalb and
// Huttenlocher 2012), anisotropic spacing respected, O(voxels) whatever the distances. Squared
// distances are computed in double per line and stored as float; results are in mm (2-D: pixels).
// Thread-safety: pure; `threads` splits the work by lines, results do not depend on it.
// Ownership: results by value.
#pragma once

#include "classifier/kernels/float_volume.h"
#include "core/image2d.h"
#include "core/volume.h"

namespace alveo::kernels {

// Border rules: the space beyond the grid is never foreground. It is background only when
// outside_is_background is true (then a foreground voxel is at most its distance to the grid's
// edge, i.e. (index + 1) * spacing or (size - index) * spacing along the nearest axis). A voxel
// with no site at all gets +infinity (e.g. DistanceToBackground of an all-foreground mask).

// Foreground voxels: distance (mm) from the voxel centre to the nearest background voxel centre;
// background voxels: 0.
FloatVolume DistanceToBackground(const MaskVolume& mask, bool outside_is_background = false,
                                 int threads = 1);
// Foreground voxels: 0; background voxels: distance (mm) to the nearest foreground voxel.
FloatVolume DistanceToForeground(const MaskVolume& mask, int threads = 1);

// The same within each axial slice (x/y spacing only; slices independent).
FloatVolume DistanceToBackgroundPerSlice(const MaskVolume& mask, bool outside_is_background = false,
                                         int threads = 1);
FloatVolume DistanceToForegroundPerSlice(const MaskVolume& mask, int threads = 1);

// 2-D, in pixels (the pixel spacing is ignored); the result keeps the mask's size and spacing.
Image2D DistanceToBackground2D(const Mask2D& mask, bool outside_is_background = false);
Image2D DistanceToForeground2D(const Mask2D& mask);

// Guards against DistanceToBackground(mask, 2) silently meaning outside_is_background = true:
// pass the flag explicitly when giving a thread count.
FloatVolume DistanceToBackground(const MaskVolume& mask, int threads) = delete;
FloatVolume DistanceToBackgroundPerSlice(const MaskVolume& mask, int threads) = delete;

}  // namespace alveo::kernels
