// SPDX-License-Identifier: Apache-2.0
// Smoothing of CT volumes: separable Gaussian (sigma in mm, per-axis in voxels from the spacing),
// box mean and a 3x3x3 median. Borders are clamped (edge voxels replicated). Thread-safety: pure;
// `threads` splits by slices and never changes the result. Ownership: results by value.
#pragma once

#include "classifier/kernels/float_volume.h"
#include "core/volume.h"

namespace alveo::kernels {

// Gaussian with standard deviation sigma_mm along every axis (sigma / spacing voxels), kernel
// truncated at 3 sigma (radius ceil(3 sigma / spacing) voxels) and normalised to sum 1.
// sigma_mm <= 0 returns the values unchanged.
FloatVolume GaussianSmooth(const Volume& volume, double sigma_mm, int threads = 1);
FloatVolume GaussianSmooth(const FloatVolume& volume, double sigma_mm, int threads = 1);

// Mean over the (2 rx + 1) x (2 ry + 1) x (2 rz + 1) box of voxels centred on each voxel.
FloatVolume BoxMean(const Volume& volume, int rx, int ry, int rz, int threads = 1);
FloatVolume BoxMean(const FloatVolume& volume, int rx, int ry, int rz, int threads = 1);

// Median of the 27 voxels of the 3x3x3 neighbourhood (exact, branch-free selection network).
Volume MedianFilter3(const Volume& volume, int threads = 1);

}  // namespace alveo::kernels
