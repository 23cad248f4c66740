// SPDX-License-Identifier: Apache-2.0
// 2-D labelling: the 3-D run labeller on a one-slice grid, with the statistics cut down to (x, y).
#include <algorithm>
#include <stdexcept>

#include "classifier/kernels/components.h"
#include "classifier/kernels/components_internal.h"

namespace alveo::kernels {
namespace {

Component2D To2D(const Component& c) {
  Component2D out;
  out.label = c.label;
  out.pixels = c.voxels;
  out.min = {c.min[0], c.min[1]};
  out.max = {c.max[0], c.max[1]};
  out.centroid = {c.centroid[0], c.centroid[1]};
  out.touches_edge = {c.touches_face[0], c.touches_face[1], c.touches_face[2], c.touches_face[3]};
  out.touches_border =
      c.touches_face[0] || c.touches_face[1] || c.touches_face[2] || c.touches_face[3];
  return out;
}

// On a one-slice grid, face connectivity is 4- and full connectivity 8-connectivity in the plane.
Connectivity To3D(Connectivity2D connectivity) {
  return connectivity == Connectivity2D::k4 ? Connectivity::k6 : Connectivity::k26;
}

}  // namespace

Components2D LabelComponents2D(const Mask2D& mask, Connectivity2D connectivity) {
  if (mask.width < 0 || mask.height < 0 ||
      mask.pixels.size() !=
          static_cast<std::size_t>(mask.width) * static_cast<std::size_t>(mask.height)) {
    throw std::invalid_argument("LabelComponents2D: pixel count does not match the size");
  }
  Components labelled =
      internal::LabelGrid(mask.pixels.data(), mask.width, mask.height, 1, To3D(connectivity), 1);
  Components2D out;
  out.labels = std::move(labelled.labels);
  out.components.reserve(labelled.components.size());
  for (const Component& c : labelled.components) out.components.push_back(To2D(c));
  return out;
}

Mask2D MaskOfLabels2D(const Components2D& components, const Mask2D& like,
                      const std::vector<std::uint32_t>& labels) {
  std::vector<std::uint8_t> keep(components.components.size() + 1, 0);
  for (std::uint32_t label : labels) {
    if (label > 0 && label < keep.size()) keep[label] = 1;
  }
  Mask2D out(like.width, like.height);
  out.spacing_x = like.spacing_x;
  out.spacing_y = like.spacing_y;
  const std::size_t n = std::min(out.pixels.size(), components.labels.size());
  for (std::size_t i = 0; i < n; ++i) out.pixels[i] = keep[components.labels[i]];
  return out;
}

Mask2D KeepLargest2D(const Mask2D& mask, int count, Connectivity2D connectivity) {
  if (mask.width < 0 || mask.height < 0 ||
      mask.pixels.size() !=
          static_cast<std::size_t>(mask.width) * static_cast<std::size_t>(mask.height)) {
    throw std::invalid_argument("KeepLargest2D: pixel count does not match the size");
  }
  Mask2D out;
  out.width = mask.width;
  out.height = mask.height;
  out.spacing_x = mask.spacing_x;
  out.spacing_y = mask.spacing_y;
  out.pixels = internal::KeepLargestGrid(mask.pixels.data(), mask.width, mask.height, 1,
                                         To3D(connectivity), count);
  return out;
}

}  // namespace alveo::kernels
