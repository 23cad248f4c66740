// SPDX-License-Identifier: Apache-2.0
#include "classifier/ct/slice_regions.h"

#include <algorithm>

namespace alveo::classifier::ct {
namespace {
constexpr int kBorrowRows = 40;
}

std::vector<bool> SliceRegions::OverlapsAll(const std::vector<std::uint8_t>& mask) const {
  std::vector<bool> overlaps(parts.components.size(), false);
  if (mask.size() != parts.labels.size()) return overlaps;
  for (std::size_t p = 0; p < parts.labels.size(); ++p) {
    if (parts.labels[p] && mask[p]) overlaps[parts.labels[p] - 1] = true;
  }
  return overlaps;
}

void SliceRegions::Paint(std::uint32_t label, std::vector<std::uint8_t>& mask) const {
  for (std::size_t p = 0; p < parts.labels.size(); ++p) {
    if (parts.labels[p] == label) mask[p] = 1;
  }
}

SliceRegions LabelSlice(const MaskVolume& mask, int k) {
  const VolumeGeometry& g = mask.geometry;
  Mask2D slice(g.size_x, g.size_y);
  std::copy_n(mask.Slice(k), g.SliceSize(), slice.pixels.begin());
  return SliceRegions{kernels::LabelComponents2D(slice, kernels::Connectivity2D::k4)};
}

double BodyCenterColumn(const MaskVolume& body, int k) {
  const int w = body.geometry.size_x, h = body.geometry.size_y;
  const std::uint8_t* slice = body.Slice(k);
  int best_width = -1;
  double center = w / 2.0;
  for (int y = 0; y < h; ++y) {
    int first = -1, last = -1;
    for (int x = 0; x < w; ++x) {
      if (slice[y * w + x]) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0 && last - first > best_width) {
      best_width = last - first;
      center = (first + last) / 2.0;
    }
  }
  return center;
}

namespace {

// Per row: the medial edge columns of the two lungs (-1 when the lung is absent in that row).
struct RowEdges {
  std::vector<int> low_inner;   // inner (largest) column of the lung lying at lower columns
  std::vector<int> high_inner;  // inner (smallest) column of the lung lying at higher columns
};

RowEdges EdgesOfSlice(const std::uint8_t* low, const std::uint8_t* high, int w, int h) {
  RowEdges edges{std::vector<int>(h, -1), std::vector<int>(h, -1)};
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      if (low[y * w + x]) edges.low_inner[y] = x;
      if (high[y * w + x] && edges.high_inner[y] < 0) edges.high_inner[y] = x;
    }
  }
  return edges;
}

int Borrow(const std::vector<int>& values, int y) {
  for (int d = 1; d <= kBorrowRows; ++d) {
    if (y - d >= 0 && values[y - d] >= 0) return values[y - d];
    if (y + d < static_cast<int>(values.size()) && values[y + d] >= 0) return values[y + d];
  }
  return -1;
}

double MeanColumn(const std::uint8_t* slice, int w, int h) {
  double sum = 0;
  std::size_t n = 0;
  for (int p = 0; p < w * h; ++p) {
    if (slice[p]) {
      sum += p % w;
      ++n;
    }
  }
  return n ? sum / static_cast<double>(n) : -1;
}

}  // namespace

MaskVolume MediastinumBetween(const MaskVolume& right, const MaskVolume& left) {
  const VolumeGeometry& g = right.geometry;
  const int w = g.size_x, h = g.size_y;
  MaskVolume out(g);
  for (int k = 0; k < g.size_z; ++k) {
    const double right_col = MeanColumn(right.Slice(k), w, h);
    const double left_col = MeanColumn(left.Slice(k), w, h);
    if (right_col < 0 || left_col < 0) continue;
    const bool right_low = right_col < left_col;
    const RowEdges edges = EdgesOfSlice(right_low ? right.Slice(k) : left.Slice(k),
                                        right_low ? left.Slice(k) : right.Slice(k), w, h);
    std::uint8_t* slice = out.Slice(k);
    for (int y = 0; y < h; ++y) {
      int a = edges.low_inner[y] >= 0 ? edges.low_inner[y] : Borrow(edges.low_inner, y);
      int b = edges.high_inner[y] >= 0 ? edges.high_inner[y] : Borrow(edges.high_inner, y);
      if (a < 0 || b < 0 || b <= a + 1) continue;
      for (int x = a + 1; x < b; ++x) slice[y * w + x] = 1;
    }
  }
  return out;
}

}  // namespace alveo::classifier::ct
