// SPDX-License-Identifier: Apache-2.0
#include "phantom/ct_truth.h"

#include <algorithm>
#include <cmath>

#include "phantom/phantom_types.h"

namespace alveo::phantom {
namespace {

constexpr auto kGgo = static_cast<std::uint8_t>(Opacity::kGroundGlass);
constexpr auto kConsolidation = static_cast<std::uint8_t>(Opacity::kConsolidation);

bool IsThorax(std::uint8_t label) {
  return IsLung(label) || label == static_cast<std::uint8_t>(Label::kEffusion);
}

void Extend(int i, int& lo, int& hi) {
  if (lo < 0 || i < lo) lo = i;
  if (hi < 0 || i > hi) hi = i;
}

// Third (0, 1, 2) of a value within [lo, hi].
int Third(double v, double lo, double hi) {
  if (hi <= lo) return 1;
  const double rel = (v - lo) / (hi - lo);
  return rel < 1.0 / 3.0 ? 0 : (rel < 2.0 / 3.0 ? 1 : 2);
}

}  // namespace

CtTruthBuilder::CtTruthBuilder(const VolumeGeometry& geometry)
    : geometry_(geometry), slices_(static_cast<std::size_t>(geometry.size_z)) {}

void CtTruthBuilder::AddSlice(int k, const std::uint8_t* labels, const std::uint8_t* opacity,
                              const float* depth_mm, const std::array<float, 2>& max_depth) {
  SliceTally& t = slices_[static_cast<std::size_t>(k)];
  t = SliceTally{};
  t.rows.assign(2 * static_cast<std::size_t>(geometry_.size_y), Counts{});
  for (int j = 0; j < geometry_.size_y; ++j) {
    const std::size_t row = static_cast<std::size_t>(j) * geometry_.size_x;
    for (int i = 0; i < geometry_.size_x; ++i) {
      const std::uint8_t label = labels[row + i];
      if (label == static_cast<std::uint8_t>(Label::kEffusion)) ++t.effusion;
      if (label == static_cast<std::uint8_t>(Label::kHeart)) {
        ++t.heart;
        Extend(i, t.heart_min, t.heart_max);
      }
      if (IsThorax(label)) Extend(i, t.thorax_min, t.thorax_max);
      if (!IsLung(label)) continue;
      const int side = IsRightLung(label) ? 0 : 1;
      Counts c;
      c.lung = 1;
      c.ggo = opacity[row + i] == kGgo ? 1 : 0;
      c.consolidation = opacity[row + i] == kConsolidation ? 1 : 0;
      t.lung[side].Add(c);
      if (label >= static_cast<std::uint8_t>(Label::kRightLungVessel)) ++t.vessel[side];
      const bool peripheral = depth_mm[row + i] <= max_depth[side] / 3.0f;
      t.by_depth[side][peripheral ? 1 : 0].Add(c);
      t.rows[static_cast<std::size_t>(side * geometry_.size_y + j)].Add(c);
    }
  }
}

OpacityStats CtTruthBuilder::Stats(const Counts& c) const {
  OpacityStats s;
  s.volume_ml = static_cast<double>(c.lung) * geometry_.VoxelVolumeMm3() / 1000.0;
  if (c.lung > 0) {
    const auto n = static_cast<double>(c.lung);
    s.ggo_percent = 100.0 * static_cast<double>(c.ggo) / n;
    s.consolidation_percent = 100.0 * static_cast<double>(c.consolidation) / n;
    s.opacity_percent = s.ggo_percent + s.consolidation_percent;
  }
  return s;
}

LungTruth CtTruthBuilder::FinishLung(int side, std::array<Counts, 3>& zone_sum,
                                     std::array<Counts, 3>& vd_sum) const {
  Counts whole, central, peripheral;
  std::int64_t vessels = 0;
  double z_lo = 0.0, z_hi = 0.0;
  bool any = false;
  for (int k = 0; k < geometry_.size_z; ++k) {
    const SliceTally& t = slices_[static_cast<std::size_t>(k)];
    if (t.lung[side].lung == 0) continue;
    const double z = geometry_.PositionOf(0, 0, k)[2];
    z_lo = any ? std::min(z_lo, z) : z;
    z_hi = any ? std::max(z_hi, z) : z;
    any = true;
  }
  std::array<Counts, 3> zones{}, vd{};
  std::vector<Counts> rows(static_cast<std::size_t>(geometry_.size_y));
  for (int k = 0; k < geometry_.size_z; ++k) {
    const SliceTally& t = slices_[static_cast<std::size_t>(k)];
    if (t.lung[side].lung == 0) continue;
    whole.Add(t.lung[side]);
    vessels += t.vessel[side];
    central.Add(t.by_depth[side][0]);
    peripheral.Add(t.by_depth[side][1]);
    // Zone 0 is the upper third: the highest patient z.
    zones[static_cast<std::size_t>(2 - Third(geometry_.PositionOf(0, 0, k)[2], z_lo, z_hi))].Add(
        t.lung[side]);
    for (int j = 0; j < geometry_.size_y; ++j) {
      rows[static_cast<std::size_t>(j)].Add(
          t.rows[static_cast<std::size_t>(side * geometry_.size_y + j)]);
    }
  }
  double y_lo = 0.0, y_hi = 0.0;
  bool any_row = false;
  for (int j = 0; j < geometry_.size_y; ++j) {
    if (rows[static_cast<std::size_t>(j)].lung == 0) continue;
    const double y = geometry_.PositionOf(0, j, 0)[1];
    y_lo = any_row ? std::min(y_lo, y) : y;
    y_hi = any_row ? std::max(y_hi, y) : y;
    any_row = true;
  }
  for (int j = 0; j < geometry_.size_y; ++j) {
    const double y = geometry_.PositionOf(0, j, 0)[1];  // LPS: larger y is more dorsal
    vd[static_cast<std::size_t>(Third(y, y_lo, y_hi))].Add(rows[static_cast<std::size_t>(j)]);
  }
  LungTruth lung;
  lung.whole = Stats(whole);
  lung.vessel_ml = static_cast<double>(vessels) * geometry_.VoxelVolumeMm3() / 1000.0;
  lung.central = Stats(central);
  lung.peripheral = Stats(peripheral);
  for (std::size_t z = 0; z < 3; ++z) {
    lung.zones[z] = Stats(zones[z]);
    lung.ventral_to_dorsal[z] = Stats(vd[z]);
    zone_sum[z].Add(zones[z]);
    vd_sum[z].Add(vd[z]);
  }
  return lung;
}

double CtTruthBuilder::WidestMm(bool heart) const {
  int widest = 0;
  for (const SliceTally& t : slices_) {
    const int lo = heart ? t.heart_min : t.thorax_min, hi = heart ? t.heart_max : t.thorax_max;
    if (lo >= 0) widest = std::max(widest, hi - lo + 1);
  }
  return widest * std::abs(geometry_.spacing[0]);
}

CtTruth CtTruthBuilder::Finish(bool dependent_is_dorsal) const {
  CtTruth truth;
  truth.dependent_is_dorsal = dependent_is_dorsal;
  std::array<Counts, 3> zone_sum{}, vd_sum{};
  truth.right = FinishLung(0, zone_sum, vd_sum);
  truth.left = FinishLung(1, zone_sum, vd_sum);
  Counts whole, central, peripheral;
  std::int64_t effusion = 0, heart = 0;
  for (const SliceTally& t : slices_) {
    for (int side = 0; side < 2; ++side) {
      whole.Add(t.lung[static_cast<std::size_t>(side)]);
      central.Add(t.by_depth[static_cast<std::size_t>(side)][0]);
      peripheral.Add(t.by_depth[static_cast<std::size_t>(side)][1]);
    }
    effusion += t.effusion;
    heart += t.heart;
  }
  truth.has_lungs = whole.lung > 0;
  truth.total.whole = Stats(whole);
  truth.total.vessel_ml = truth.right.vessel_ml + truth.left.vessel_ml;
  truth.total.central = Stats(central);
  truth.total.peripheral = Stats(peripheral);
  for (std::size_t z = 0; z < 3; ++z) {
    truth.total.zones[z] = Stats(zone_sum[z]);
    truth.total.ventral_to_dorsal[z] = Stats(vd_sum[z]);
  }
  const double voxel_ml = geometry_.VoxelVolumeMm3() / 1000.0;
  truth.effusion_ml = static_cast<double>(effusion) * voxel_ml;
  truth.heart_ml = static_cast<double>(heart) * voxel_ml;
  const double thorax = WidestMm(false);
  truth.cardiothoracic_ratio = thorax > 0.0 ? WidestMm(true) / thorax : 0.0;
  return truth;
}

}  // namespace alveo::phantom
