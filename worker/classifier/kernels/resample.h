// SPDX-License-Identifier: Apache-2.0
// Block resampling between the acquisition grid and a coarser "working resolution" grid by
// integer factors. Thread-safety: pure functions. Ownership: results by value. Factors below 1,
// or blocks of 65536 voxels or more, throw std::invalid_argument.
#pragma once

#include "classifier/kernels/float_volume.h"
#include "core/volume.h"

namespace alveo::kernels {

// The grid of blocks of fx * fy * fz voxels: size ceil(size / f) per axis (the last block of an
// axis may be partial), spacing * f, same directions, origin at the centre of the first block
// (origin moved by (f - 1) / 2 voxels along each axis).
VolumeGeometry DownsampledGeometry(const VolumeGeometry& geometry, int fx, int fy, int fz);

// Mean of each block (partial blocks: mean of the voxels they hold); int16 rounded to nearest.
Volume DownsampleMean(const Volume& volume, int fx, int fy, int fz);
FloatVolume DownsampleMean(const FloatVolume& volume, int fx, int fy, int fz);

// 1 when at least half of the block's voxels are foreground.
MaskVolume DownsampleMajority(const MaskVolume& mask, int fx, int fy, int fz);

// Inverse of the block downsample: voxel (i, j, k) of `target` takes the value of block
// (i / fx, j / fy, k / fz) of `small` (indices clamped to small's size); geometry = target, values
// of small copied as they are.
MaskVolume UpsampleNearest(const MaskVolume& small, const VolumeGeometry& target, int fx, int fy,
                           int fz);

}  // namespace alveo::kernels
