// SPDX-License-Identifier: Apache-2.0
#include "classifier/ct/slice_regions.h"

#include <algorithm>
#include <limits>

namespace alveo::classifier::ct {
namespace {
constexpr int kBorrowRows = 40;
}

bool SliceRegions::Overlaps(int label, const std::vector<std::uint8_t>& mask) const {
  if (mask.size() != labels.size()) return false;
  for (std::size_t p = 0; p < labels.size(); ++p) {
    if (labels[p] == label && mask[p]) return true;
  }
  return false;
}

std::vector<bool> SliceRegions::OverlapsAll(const std::vector<std::uint8_t>& mask) const {
  std::vector<bool> overlaps(regions.size(), false);
  if (mask.size() != labels.size()) return overlaps;
  for (std::size_t p = 0; p < labels.size(); ++p) {
    if (labels[p] && mask[p]) overlaps[static_cast<std::size_t>(labels[p] - 1)] = true;
  }
  return overlaps;
}

void SliceRegions::Paint(int label, std::vector<std::uint8_t>& mask) const {
  for (std::size_t p = 0; p < labels.size(); ++p) {
    if (labels[p] == label) mask[p] = 1;
  }
}

SliceRegions LabelSlice(const MaskVolume& mask, int k) {
  const int w = mask.geometry.size_x, h = mask.geometry.size_y;
  const std::uint8_t* slice = mask.Slice(k);
  SliceRegions out;
  out.labels.assign(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), 0);
  std::vector<int> stack;
  for (int start = 0; start < w * h; ++start) {
    if (!slice[start] || out.labels[start]) continue;
    SliceRegion region;
    region.label = static_cast<int>(out.regions.size()) + 1;
    double sx = 0, sy = 0;
    stack.assign(1, start);
    out.labels[start] = region.label;
    while (!stack.empty()) {
      const int p = stack.back();
      stack.pop_back();
      const int x = p % w, y = p / w;
      ++region.pixels;
      sx += x;
      sy += y;
      const int neighbours[4] = {x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, y > 0 ? p - w : -1, y + 1 < h ? p + w : -1};
      for (const int q : neighbours) {
        if (q >= 0 && slice[q] && !out.labels[q]) {
          out.labels[q] = region.label;
          stack.push_back(q);
        }
      }
    }
    region.centroid_x = sx / static_cast<double>(region.pixels);
    region.centroid_y = sy / static_cast<double>(region.pixels);
    out.regions.push_back(region);
  }
  return out;
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
