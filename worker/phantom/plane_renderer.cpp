// SPDX-License-Identifier: Apache-2.0
#include "phantom/plane_renderer.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "phantom/chest_model.h"
#include "phantom/lung_pattern.h"
#include "phantom/vessel_tree.h"

namespace alveo::phantom {
namespace {

constexpr float kVesselHu = 40.0f;
constexpr float kFar = 1e9f;

struct Bounds {
  int i0 = 0, i1 = -1, j0 = 0, j1 = -1;  // inclusive
  bool empty() const { return i1 < i0; }
};

Bounds LungBounds(const std::uint8_t* labels, int width, int height) {
  Bounds b{width, -1, height, -1};
  for (int j = 0; j < height; ++j) {
    const std::uint8_t* row = labels + static_cast<std::size_t>(j) * width;
    for (int i = 0; i < width; ++i) {
      if (!IsLung(row[i])) continue;
      b.i0 = std::min(b.i0, i);
      b.i1 = std::max(b.i1, i);
      b.j0 = std::min(b.j0, j);
      b.j1 = std::max(b.j1, j);
    }
  }
  return b;
}

// Pixel index range [lo, hi] covering patient coordinates [a, b] on an axis x = origin + i * step.
void PixelRange(double a, double b, double origin, double step, int size, int& lo, int& hi) {
  const double ia = (a - origin) / step, ib = (b - origin) / step;
  lo = std::max(0, static_cast<int>(std::floor(std::min(ia, ib))));
  hi = std::min(size - 1, static_cast<int>(std::ceil(std::max(ia, ib))));
}

}  // namespace

void PlaneImage::Resize(std::size_t pixels) {
  hu.resize(pixels);
  labels.resize(pixels);
  opacity.resize(pixels);
  depth_mm.resize(pixels);
  near_fluid.resize(pixels);
}

void LungDepth(const std::uint8_t* labels, int width, int height, double spacing_x,
               double spacing_y, float* depth, std::array<float, 2>& max_depth) {
  const std::size_t n = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  for (std::size_t p = 0; p < n; ++p) depth[p] = IsLung(labels[p]) ? kFar : 0.0f;
  max_depth = {0.0f, 0.0f};
  const Bounds b = LungBounds(labels, width, height);
  if (b.empty()) return;
  const auto ax = static_cast<float>(std::abs(spacing_x));
  const auto ay = static_cast<float>(std::abs(spacing_y));
  const float diag = std::sqrt(ax * ax + ay * ay);
  // Pixels on the image border have outside neighbours: their depth is one step.
  auto border = [&](int i, int j) { return i == 0 || j == 0 || i == width - 1 || j == height - 1; };
  for (int j = b.j0; j <= b.j1; ++j) {
    float* d = depth + static_cast<std::size_t>(j) * width;
    for (int i = b.i0; i <= b.i1; ++i) {
      if (d[i] == 0.0f) continue;
      if (border(i, j)) {
        d[i] = std::min(ax, ay);
        continue;
      }
      const float* up = d - width;
      d[i] = std::min(std::min(d[i], d[i - 1] + ax),
                      std::min(up[i] + ay, std::min(up[i - 1], up[i + 1]) + diag));
    }
  }
  for (int j = b.j1; j >= b.j0; --j) {
    float* d = depth + static_cast<std::size_t>(j) * width;
    const std::uint8_t* lab = labels + static_cast<std::size_t>(j) * width;
    for (int i = b.i1; i >= b.i0; --i) {
      if (d[i] == 0.0f) continue;
      if (!border(i, j)) {
        const float* down = d + width;
        d[i] = std::min(std::min(d[i], d[i + 1] + ax),
                        std::min(down[i] + ay, std::min(down[i - 1], down[i + 1]) + diag));
      }
      float& m = max_depth[IsRightLung(lab[i]) ? 0 : 1];
      m = std::max(m, d[i]);
    }
  }
}

void PlaneRenderer::Render(const PlaneGrid& grid, double h, PlaneImage& out) const {
  out.Resize(static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height));
  RenderAnatomy(grid, h, out);
  LungDepth(out.labels.data(), grid.width, grid.height, grid.dx, grid.dy, out.depth_mm.data(),
            out.max_depth_mm);
  ApplyPattern(grid, h, out);
  if (vessels_ != nullptr) DrawVessels(grid, h, out);
}

void PlaneRenderer::RenderAnatomy(const PlaneGrid& grid, double h, PlaneImage& out) const {
  const Level level = model_.LevelAt(h);
  for (int j = 0; j < grid.height; ++j) {
    const std::size_t row = static_cast<std::size_t>(j) * grid.width;
    model_.RenderRow(level, grid.y0 + j * grid.dy, grid.x0, grid.dx, grid.width,
                     RowOut{&out.labels[row], &out.hu[row], &out.near_fluid[row]});
  }
  std::fill(out.opacity.begin(), out.opacity.end(), std::uint8_t{0});
}

void PlaneRenderer::ApplyPattern(const PlaneGrid& grid, double h, PlaneImage& out) const {
  if (out.max_depth_mm[0] <= 0.0f && out.max_depth_mm[1] <= 0.0f) return;  // no lung here
  const Bounds b = LungBounds(out.labels.data(), grid.width, grid.height);
  const Level level = model_.LevelAt(h);
  std::optional<NoisePlane> coarse, fine;
  if (pattern_.textured()) {
    const double xa = grid.x0 + b.i0 * grid.dx, xb = grid.x0 + b.i1 * grid.dx;
    const double ya = grid.y0 + b.j0 * grid.dy, yb = grid.y0 + b.j1 * grid.dy;
    coarse.emplace(pattern_.coarse_noise(), h, std::min(xa, xb), std::max(xa, xb), std::min(ya, yb),
                   std::max(ya, yb));
    fine.emplace(pattern_.fine_noise(), h, std::min(xa, xb), std::max(xa, xb), std::min(ya, yb),
                 std::max(ya, yb));
  }
  LungPoint p;
  p.h = h;
  for (int j = b.j0; j <= b.j1; ++j) {
    p.y = grid.y0 + j * grid.dy;
    const std::size_t row = static_cast<std::size_t>(j) * grid.width;
    for (int i = b.i0; i <= b.i1; ++i) {
      const std::uint8_t label = out.labels[row + i];
      if (!IsLung(label)) continue;
      p.x = grid.x0 + i * grid.dx;
      p.right = IsRightLung(label);
      const float max_depth = out.max_depth_mm[p.right ? 0 : 1];
      p.depth_rel = max_depth > 0.0f ? out.depth_mm[row + i] / max_depth : 0.0;
      p.dependency = model_.Dependency(level, p.x, p.y);
      p.texture =
          coarse ? LungPattern::CombineTexture(coarse->At(p.x, p.y), fine->At(p.x, p.y)) : 0.5;
      p.near_fluid = out.near_fluid[row + i] != 0;
      const Parenchyma par = pattern_.At(p);
      out.hu[row + i] = par.hu;
      out.opacity[row + i] = static_cast<std::uint8_t>(par.opacity);
    }
  }
}

void PlaneRenderer::DrawVessels(const PlaneGrid& grid, double h, PlaneImage& out) const {
  constexpr auto kConsolidation = static_cast<std::uint8_t>(Opacity::kConsolidation);
  for (const Capsule& c : vessels_->segments()) {
    if (c.MinH() > h) break;  // sorted by MinH
    const PlaneBounds box = CrossSectionBounds(c, h);
    if (box.empty()) continue;
    int i0 = 0, i1 = 0, j0 = 0, j1 = 0;
    PixelRange(box.x_min, box.x_max, grid.x0, grid.dx, grid.width, i0, i1);
    PixelRange(box.y_min, box.y_max, grid.y0, grid.dy, grid.height, j0, j1);
    for (int j = j0; j <= j1; ++j) {
      const double y = grid.y0 + j * grid.dy;
      const std::size_t row = static_cast<std::size_t>(j) * grid.width;
      for (int i = i0; i <= i1; ++i) {
        const std::uint8_t label = out.labels[row + i];
        if (!IsLung(label) || out.opacity[row + i] == kConsolidation) continue;
        if (!c.Contains(grid.x0 + i * grid.dx, y, h)) continue;
        out.labels[row + i] = static_cast<std::uint8_t>(
            IsRightLung(label) ? Label::kRightLungVessel : Label::kLeftLungVessel);
        out.opacity[row + i] = static_cast<std::uint8_t>(Opacity::kNone);
        out.hu[row + i] = kVesselHu;
      }
    }
  }
}

}  // namespace alveo::phantom
