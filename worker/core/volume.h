// SPDX-License-Identifier: Apache-2.0
// Volume: a 3-D image on a regular grid placed in patient coordinates (DICOM LPS, millimetres). A
// decoded CT series is a Volume of Hounsfield units (int16); masks and label maps use uint8.
// Thread-safety: plain values; concurrent reads are safe, writers need external synchronisation.
// Ownership: a volume owns its voxels in one contiguous std::vector (x fastest, then y, then z).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace alveo {

using Vec3 = std::array<double, 3>;

// Where the grid sits in the patient. Voxel (i, j, k) -- column i, row j, slice k -- has its centre
// at
//   origin + i * spacing[0] * row_direction + j * spacing[1] * column_direction
//          + k * spacing[2] * slice_direction.
// row_direction and column_direction are the two triplets of Image Orientation (Patient)
// (0020,0037); origin is Image Position (Patient) (0020,0032) of slice 0; spacing[2] is the
// distance between slice centres (not the slice thickness).
struct VolumeGeometry {
  int size_x = 0;  // columns
  int size_y = 0;  // rows
  int size_z = 0;  // slices
  Vec3 spacing{1.0, 1.0, 1.0};
  Vec3 origin{0.0, 0.0, 0.0};
  Vec3 row_direction{1.0, 0.0, 0.0};
  Vec3 column_direction{0.0, 1.0, 0.0};
  Vec3 slice_direction{0.0, 0.0, 1.0};

  std::size_t SliceSize() const {
    return static_cast<std::size_t>(size_x) * static_cast<std::size_t>(size_y);
  }
  std::size_t VoxelCount() const { return SliceSize() * static_cast<std::size_t>(size_z); }
  std::size_t Index(int i, int j, int k) const {
    return static_cast<std::size_t>(k) * SliceSize() +
           static_cast<std::size_t>(j) * static_cast<std::size_t>(size_x) +
           static_cast<std::size_t>(i);
  }
  bool Contains(int i, int j, int k) const {
    return i >= 0 && j >= 0 && k >= 0 && i < size_x && j < size_y && k < size_z;
  }
  double VoxelVolumeMm3() const { return spacing[0] * spacing[1] * spacing[2]; }

  // Patient position (mm) of a (possibly fractional) voxel index.
  Vec3 PositionOf(double i, double j, double k) const {
    Vec3 p = origin;
    for (int a = 0; a < 3; ++a) {
      p[a] += i * spacing[0] * row_direction[a] + j * spacing[1] * column_direction[a] +
              k * spacing[2] * slice_direction[a];
    }
    return p;
  }
};

template <typename T>
struct BasicVolume {
  VolumeGeometry geometry;
  std::vector<T> voxels;

  BasicVolume() = default;
  explicit BasicVolume(const VolumeGeometry& g, T fill = T{})
      : geometry(g), voxels(g.VoxelCount(), fill) {}

  T& At(int i, int j, int k) { return voxels[geometry.Index(i, j, k)]; }
  const T& At(int i, int j, int k) const { return voxels[geometry.Index(i, j, k)]; }
  T* Slice(int k) { return voxels.data() + geometry.Index(0, 0, k); }
  const T* Slice(int k) const { return voxels.data() + geometry.Index(0, 0, k); }
};

using Volume = BasicVolume<std::int16_t>;      // CT in Hounsfield units
using MaskVolume = BasicVolume<std::uint8_t>;  // masks and label maps on the same grid

}  // namespace alveo
