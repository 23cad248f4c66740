// SPDX-License-Identifier: Apache-2.0
// FloatVolume: a float image on a VolumeGeometry (smoothed intensities, distances in mm), and the
// conversion from a Hounsfield-unit Volume. Thread-safety: plain values and pure functions.
// Ownership: every kernel returns its result by value; results own their voxels.
#pragma once

#include "core/volume.h"

namespace alveo::kernels {

using FloatVolume = BasicVolume<float>;

// Same geometry, voxel values converted to float.
inline FloatVolume ToFloat(const Volume& volume) {
  FloatVolume out;
  out.geometry = volume.geometry;
  out.voxels.assign(volume.voxels.begin(), volume.voxels.end());
  return out;
}

}  // namespace alveo::kernels
