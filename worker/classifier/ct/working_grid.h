// SPDX-License-Identifier: Apache-2.0
// The CT analysis runs on a "working grid": the decoded HU volume averaged into blocks of about
// 1.4 mm in-plane and 2 mm between slices (the averaging is also the light smoothing the HU bands
// need). Masks made on it are mapped back to the full grid for comparisons. Thread-safety: values.
#pragma once

#include <algorithm>

#include "core/volume.h"

namespace alveo::classifier::ct {

struct WorkingGrid {
  Volume hu;       // block means of the input
  int fx = 1, fy = 1, fz = 1;  // block size in input voxels
};

// key_images: never merge slices (they may be far apart).
WorkingGrid MakeWorkingGrid(const Volume& hu, bool key_images);

// An index box [x0, x1) x [y0, y1) x [z0, z1) of a grid.
struct Box {
  int x0 = 0, y0 = 0, z0 = 0, x1 = 0, y1 = 0, z1 = 0;
};

// The box around the non-zero voxels, grown by `margin` voxels in x and y (clipped to the grid).
Box InPlaneBoundingBox(const MaskVolume& mask, int margin);

// The sub-volume inside `box`, placed in patient space where it was.
template <typename T>
BasicVolume<T> Crop(const BasicVolume<T>& volume, const Box& box) {
  VolumeGeometry g = volume.geometry;
  g.origin = volume.geometry.PositionOf(box.x0, box.y0, box.z0);
  g.size_x = box.x1 - box.x0;
  g.size_y = box.y1 - box.y0;
  g.size_z = box.z1 - box.z0;
  BasicVolume<T> out(g);
  for (int k = 0; k < g.size_z; ++k) {
    for (int j = 0; j < g.size_y; ++j) {
      const T* from = &volume.At(box.x0, box.y0 + j, box.z0 + k);
      std::copy(from, from + g.size_x, &out.At(0, j, k));
    }
  }
  return out;
}

// A cropped mask put back into the full grid (zeros outside the box).
MaskVolume Uncrop(const MaskVolume& cropped, const VolumeGeometry& full, const Box& box);

// Homogeneous water-density voxels (pleural fluid, bowel content), from the smoothed working grid:
// smoothed HU in [-10, 25] and a 5x5 in-plane standard deviation below 8 HU.
MaskVolume FluidLikeMask(const BasicVolume<float>& smooth);

// Direction helpers in patient coordinates (DICOM LPS: +x left, +y posterior, +z head).
// +1 when increasing the index moves towards patient +axis, -1 towards -axis, 0 when the axis is
// (nearly) perpendicular to it.
int IndexSign(const Vec3& direction, int axis);

}  // namespace alveo::classifier::ct
