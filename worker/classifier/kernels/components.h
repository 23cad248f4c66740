// SPDX-License-Identifier: Apache-2.0
// Connected-component labelling of masks, 3-D (6/18/26-connectivity) and 2-D (4/8), by union-find
// over runs of foreground along x; no recursion, memory ~ the label map plus the runs. Labels are
// numbered 1..n in raster order (z, then y, then x) of each component's first voxel, whatever the
// thread count. Thread-safety: pure functions. Ownership: results by value.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/image2d.h"
#include "core/volume.h"

namespace alveo::kernels {

// k6: voxels sharing a face; k18: a face or an edge; k26: a face, an edge or a corner.
enum class Connectivity { k6, k18, k26 };

struct Component {
  std::uint32_t label = 0;
  std::size_t voxels = 0;
  std::array<int, 3> min{};  // inclusive voxel-index bounding box (i, j, k)
  std::array<int, 3> max{};
  std::array<double, 3> centroid{};    // mean voxel index (i, j, k)
  bool touches_border = false;         // any face of the grid
  std::array<bool, 6> touches_face{};  // -x, +x, -y, +y, -z, +z
};

struct Components {
  std::vector<std::uint32_t> labels;  // per voxel, 0 = background
  std::vector<Component> components;  // components[i].label == i + 1
};

// threads > 1 splits the work by slabs of slices; the result is identical for any thread count.
Components LabelComponents(const MaskVolume& mask, Connectivity connectivity = Connectivity::k6,
                           int threads = 1);

// 1 where the voxel's label is in `labels` (labels not present are ignored).
MaskVolume MaskOfLabels(const Components& components, const VolumeGeometry& geometry,
                        const std::vector<std::uint32_t>& labels);

// The `count` largest components (ties: lower label first); count <= 0 gives an empty mask.
MaskVolume KeepLargest(const MaskVolume& mask, int count,
                       Connectivity connectivity = Connectivity::k6);

// ---- 2-D (Mask2D, pixel indices) ----

enum class Connectivity2D { k4, k8 };

struct Component2D {
  std::uint32_t label = 0;
  std::size_t pixels = 0;
  std::array<int, 2> min{};  // inclusive bounding box (x, y)
  std::array<int, 2> max{};
  std::array<double, 2> centroid{};  // mean pixel index (x, y)
  bool touches_border = false;
  std::array<bool, 4> touches_edge{};  // -x, +x, -y, +y
};

struct Components2D {
  std::vector<std::uint32_t> labels;    // per pixel, 0 = background
  std::vector<Component2D> components;  // components[i].label == i + 1
};

Components2D LabelComponents2D(const Mask2D& mask,
                               Connectivity2D connectivity = Connectivity2D::k4);

// 1 where the pixel's label is in `labels`; size and spacing are taken from `like`.
Mask2D MaskOfLabels2D(const Components2D& components, const Mask2D& like,
                      const std::vector<std::uint32_t>& labels);

Mask2D KeepLargest2D(const Mask2D& mask, int count,
                     Connectivity2D connectivity = Connectivity2D::k4);

}  // namespace alveo::kernels
