// SPDX-License-Identifier: Apache-2.0
#include "classifier/ct/working_grid.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "classifier/kernels/kernels.h"

namespace alveo::classifier::ct {
namespace {
constexpr double kTargetInPlaneMm = 1.4;
constexpr double kTargetSliceMm = 2.5;

int Factor(double spacing, double target) {
  if (spacing <= 0) return 1;
  return std::clamp(static_cast<int>(std::lround(target / spacing)), 1, 8);
}
}  // namespace

WorkingGrid MakeWorkingGrid(const Volume& hu, bool key_images) {
  WorkingGrid grid;
  grid.fx = Factor(hu.geometry.spacing[0], kTargetInPlaneMm);
  grid.fy = Factor(hu.geometry.spacing[1], kTargetInPlaneMm);
  grid.fz = key_images ? 1 : Factor(hu.geometry.spacing[2], kTargetSliceMm);
  grid.hu = kernels::DownsampleMean(hu, grid.fx, grid.fy, grid.fz);
  return grid;
}

MaskVolume FluidLikeMask(const BasicVolume<float>& smooth) {
  constexpr float kLow = -10.0f, kHigh = 25.0f, kMaxSd = 8.0f;
  constexpr int kRadius = 2;  // 5x5 in-plane window
  const VolumeGeometry& g = smooth.geometry;
  const int w = g.size_x, h = g.size_y;
  MaskVolume fluid(g);
  // Per slice: integral images of s and s^2, then the window mean and variance in O(1) per voxel.
  std::vector<double> sum(static_cast<std::size_t>(w + 1) * (h + 1)), sum2(sum.size());
  const auto at = [w](int x, int y) { return static_cast<std::size_t>(y) * (w + 1) + x; };
  for (int k = 0; k < g.size_z; ++k) {
    const float* s = smooth.Slice(k);
    for (int y = 0; y < h; ++y) {
      double row = 0, row2 = 0;
      for (int x = 0; x < w; ++x) {
        const double v = s[y * w + x];
        row += v;
        row2 += v * v;
        sum[at(x + 1, y + 1)] = sum[at(x + 1, y)] + row;
        sum2[at(x + 1, y + 1)] = sum2[at(x + 1, y)] + row2;
      }
    }
    std::uint8_t* out = fluid.Slice(k);
    for (int y = 0; y < h; ++y) {
      const int ya = std::max(0, y - kRadius), yb = std::min(h, y + kRadius + 1);
      for (int x = 0; x < w; ++x) {
        const float v = s[y * w + x];
        if (v < kLow || v > kHigh) continue;
        const int xa = std::max(0, x - kRadius), xb = std::min(w, x + kRadius + 1);
        const double n = static_cast<double>((xb - xa) * (yb - ya));
        const double m = (sum[at(xb, yb)] - sum[at(xa, yb)] - sum[at(xb, ya)] + sum[at(xa, ya)]) / n;
        const double m2 = (sum2[at(xb, yb)] - sum2[at(xa, yb)] - sum2[at(xb, ya)] + sum2[at(xa, ya)]) / n;
        out[y * w + x] = m2 - m * m < static_cast<double>(kMaxSd * kMaxSd);
      }
    }
  }
  return fluid;
}

Box InPlaneBoundingBox(const MaskVolume& mask, int margin) {
  const VolumeGeometry& g = mask.geometry;
  Box box{g.size_x, g.size_y, 0, -1, -1, g.size_z};
  for (int k = 0; k < g.size_z; ++k) {
    for (int j = 0; j < g.size_y; ++j) {
      const std::uint8_t* row = &mask.At(0, j, k);
      for (int i = 0; i < g.size_x; ++i) {
        if (!row[i]) continue;
        box.x0 = std::min(box.x0, i);
        box.x1 = std::max(box.x1, i);
        box.y0 = std::min(box.y0, j);
        box.y1 = std::max(box.y1, j);
      }
    }
  }
  if (box.x1 < 0) return Box{0, 0, 0, g.size_x, g.size_y, g.size_z};
  box.x0 = std::max(0, box.x0 - margin);
  box.y0 = std::max(0, box.y0 - margin);
  box.x1 = std::min(g.size_x, box.x1 + 1 + margin);
  box.y1 = std::min(g.size_y, box.y1 + 1 + margin);
  return box;
}

MaskVolume Uncrop(const MaskVolume& cropped, const VolumeGeometry& full, const Box& box) {
  MaskVolume out(full);
  const VolumeGeometry& c = cropped.geometry;
  for (int k = 0; k < c.size_z; ++k) {
    for (int j = 0; j < c.size_y; ++j) {
      const std::uint8_t* from = &cropped.At(0, j, k);
      std::copy(from, from + c.size_x, &out.At(box.x0, box.y0 + j, box.z0 + k));
    }
  }
  return out;
}

int IndexSign(const Vec3& direction, int axis) {
  if (direction[axis] > 0.5) return 1;
  if (direction[axis] < -0.5) return -1;
  return 0;
}

}  // namespace alveo::classifier::ct
