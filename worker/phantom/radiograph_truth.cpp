// SPDX-License-Identifier: Apache-2.0
#include "phantom/radiograph_truth.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace alveo::phantom {
namespace {

constexpr float kLungFieldMinMm = 10.0f;
constexpr float kShadowMinMm = 1.0f;
constexpr float kEffusionMinMm = 5.0f;

void Extend(int i, int& lo, int& hi) {
  if (lo < 0 || i < lo) lo = i;
  if (hi < 0 || i > hi) hi = i;
}

struct Sums {
  std::int64_t pixels = 0, opacified = 0;
  double opacity = 0.0;
  void Add(const Sums& o) {
    pixels += o.pixels;
    opacified += o.opacified;
    opacity += o.opacity;
  }
};

ZoneTruth ToZone(const Sums& s, double pixel_cm2) {
  ZoneTruth z;
  z.area_cm2 = static_cast<double>(s.pixels) * pixel_cm2;
  if (s.pixels > 0) {
    z.opacity_fraction = static_cast<double>(s.opacified) / static_cast<double>(s.pixels);
    z.mean_opacity = s.opacity / static_cast<double>(s.pixels);
  }
  return z;
}

// One lung field: thirds of its own height (rows), upper first.
LungFieldTruth FieldTruth(const RadiographData& data, std::uint8_t field, double pixel_cm2,
                          std::array<Sums, 3>& zone_total) {
  int top = -1, bottom = -1;
  for (int r = 0; r < data.lung_fields.height; ++r) {
    const std::uint8_t* row = data.lung_fields.Row(r);
    if (std::find(row, row + data.lung_fields.width, field) != row + data.lung_fields.width) {
      Extend(r, top, bottom);
    }
  }
  std::array<Sums, 3> zones{};
  for (int r = top; r >= 0 && r <= bottom; ++r) {
    const double rel = bottom > top ? static_cast<double>(r - top) / (bottom - top) : 0.5;
    Sums& z = zones[rel < 1.0 / 3.0 ? 0 : (rel < 2.0 / 3.0 ? 1 : 2)];
    const std::uint8_t* mask = data.lung_fields.Row(r);
    const float* opacity = data.opacity.Row(r);
    for (int c = 0; c < data.lung_fields.width; ++c) {
      if (mask[c] != field) continue;
      ++z.pixels;
      z.opacity += opacity[c];
      if (opacity[c] >= kOpacifiedShare) ++z.opacified;
    }
  }
  LungFieldTruth t;
  Sums whole;
  for (std::size_t z = 0; z < 3; ++z) {
    whole.Add(zones[z]);
    zone_total[z].Add(zones[z]);
    t.zones[z] = ToZone(zones[z], pixel_cm2);
  }
  t.whole = ToZone(whole, pixel_cm2);
  return t;
}

}  // namespace

RowTally ClassifyRow(const RayPaths* paths, int row, RadiographData& data) {
  RowTally tally;
  std::uint8_t* mask = data.lung_fields.Row(row);
  float* opacity = data.opacity.Row(row);
  for (int c = 0; c < data.lung_fields.width; ++c) {
    const RayPaths& p = paths[c];
    if (p.heart >= kShadowMinMm) Extend(c, tally.heart_min, tally.heart_max);
    if (p.lung + p.effusion >= kShadowMinMm) Extend(c, tally.thorax_min, tally.thorax_max);
    if (p.effusion >= kEffusionMinMm) ++tally.effusion_pixels;
    opacity[c] = p.lung > 0.0f ? std::clamp(p.opacified / p.lung, 0.0f, 1.0f) : 0.0f;
    const bool field = p.lung >= kLungFieldMinMm && p.heart < 0.5f && p.abdomen < 0.5f;
    mask[c] = !field ? 0 : (p.right_lung >= 0.5f * p.lung ? 1 : 2);
  }
  return tally;
}

RadiographTruth SummariseFrontal(const RadiographData& data, const std::vector<RowTally>& rows,
                                 double spacing_mm) {
  RadiographTruth truth;
  const double pixel_cm2 = spacing_mm * spacing_mm / 100.0;
  std::array<Sums, 3> zone_total{};
  truth.right = FieldTruth(data, 1, pixel_cm2, zone_total);
  truth.left = FieldTruth(data, 2, pixel_cm2, zone_total);
  Sums whole;
  for (std::size_t z = 0; z < 3; ++z) {
    whole.Add(zone_total[z]);
    truth.total.zones[z] = ToZone(zone_total[z], pixel_cm2);
  }
  truth.total.whole = ToZone(whole, pixel_cm2);
  int heart = 0, thorax = 0;
  std::int64_t effusion = 0;
  for (const RowTally& t : rows) {
    if (t.heart_min >= 0) heart = std::max(heart, t.heart_max - t.heart_min + 1);
    if (t.thorax_min >= 0) thorax = std::max(thorax, t.thorax_max - t.thorax_min + 1);
    effusion += t.effusion_pixels;
  }
  truth.cardiothoracic_ratio = thorax > 0 ? static_cast<double>(heart) / thorax : 0.0;
  truth.effusion_area_cm2 = static_cast<double>(effusion) * pixel_cm2;
  return truth;
}

}  // namespace alveo::phantom
