// SPDX-License-Identifier: Apache-2.0
#include "classifier/cxr/opacity.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "classifier/cxr/cxr_params.h"
#include "classifier/cxr/thorax.h"
#include "classifier/kernels/image2d_ops.h"
#include "classifier/kernels/mask_ops.h"
#include "classifier/kernels/morphology.h"

namespace alveo::classifier::cxr {
namespace {

struct Tally {
  double pixels = 0, opacified = 0, density = 0;
  void Add(double relative) {
    pixels += 1;
    opacified += relative > kOpacifiedLevel ? 1 : 0;
    density += std::clamp(relative, 0.0, 1.0);
  }
  double Fraction() const { return pixels > 0 ? opacified / pixels : 0.0; }
  double Density() const { return pixels > 0 ? density / pixels : 0.0; }
  Tally operator+(const Tally& o) const {
    return {pixels + o.pixels, opacified + o.opacified, density + o.density};
  }
};

// Zone, centre/periphery and costophrenic-corner tallies of one lung field.
struct SideTallies {
  Tally whole, central, peripheral;
  std::array<Tally, 3> zones;
};

SideTallies MeasureSide(const Image2D& work, const LungFields& f, const Mask2D& measured,
                        const References& refs, std::uint8_t label) {
  SideTallies t;
  const std::array<int, 2> rows = RowRange(f.labels, label);
  if (rows[0] < 0) return t;
  const int height = rows[1] - rows[0] + 1;
  for (int y = rows[0]; y <= rows[1]; ++y) {
    int lo = work.width, hi = -1;  // the row's extent, as lateral distances
    for (int x = 0; x < work.width; ++x) {
      if (f.labels.At(x, y) != label) continue;
      lo = std::min(lo, std::abs(x - f.midline_x));
      hi = std::max(hi, std::abs(x - f.midline_x));
    }
    const int zone = std::min(2, (y - rows[0]) * 3 / height);
    for (int x = 0; x < work.width; ++x) {
      if (f.labels.At(x, y) != label || measured.At(x, y) == 0) continue;
      const double rel = refs.Relative(work.At(x, y));
      const int d = std::abs(x - f.midline_x);
      const double across = hi > lo ? static_cast<double>(d - lo) / (hi - lo) : 0.5;
      t.whole.Add(rel);
      t.zones[static_cast<std::size_t>(zone)].Add(rel);
      if (across <= kCentralShare) t.central.Add(rel);
      if (across >= 1.0 - kPeripheralShare) t.peripheral.Add(rel);
    }
  }
  return t;
}

// Row extents of both fields: right field [r_out, r_in], left field [l_in, l_out] (columns).
struct RowExtent {
  int r_out = -1, r_in = -1, l_in = -1, l_out = -1;
  bool Both() const { return r_in >= 0 && l_in >= 0; }
};

RowExtent ExtentOf(const Mask2D& labels, int y) {
  RowExtent e;
  for (int x = 0; x < labels.width; ++x) {
    const std::uint8_t v = labels.At(x, y);
    if (v == 1) {
      if (e.r_out < 0) e.r_out = x;
      e.r_in = x;
    } else if (v == 2) {
      if (e.l_in < 0) e.l_in = x;
      e.l_out = x;
    }
  }
  return e;
}

// Heart width proxy: in the lower rows of the fields, a high quantile of the per-row gap between
// the two fields' mediastinal edges (the cardiac silhouette, plus the mediastinum), over the
// widest span between their lateral walls. -1 when not measurable (a field mirrored or missing).
double CardiothoracicRatio(const LungFields& f, const Mask2D& labels) {
  if (f.mirrored[0] || f.mirrored[1] || f.extended[0] || f.extended[1]) return -1.0;
  const std::array<int, 2> rr = RowRange(labels, 1), rl = RowRange(labels, 2);
  if (rr[0] < 0 || rl[0] < 0) return -1.0;
  const int top = std::max(rr[0], rl[0]), bottom = std::min(rr[1], rl[1]);
  const int first_heart_row = top + Frac(bottom - top, kHeartRowsFrac[0]);
  const int last_heart_row = top + Frac(bottom - top, kHeartRowsFrac[1]);
  int thorax = 0;
  Image2D gaps(labels.height, 1);          // a pixel per row: the gap between the fields
  Mask2D measured_rows(labels.height, 1);  // heart rows that cross both fields
  for (int y = top; y <= bottom; ++y) {
    const RowExtent e = ExtentOf(labels, y);
    if (!e.Both()) continue;
    thorax = std::max(thorax, e.l_out - e.r_out);
    if (y < first_heart_row || y > last_heart_row) continue;
    gaps.At(y, 0) = static_cast<float>(e.l_in - e.r_in - 1);
    measured_rows.At(y, 0) = 1;
  }
  const auto rows = static_cast<int>(kernels::CountNonZero(measured_rows));
  if (rows < Frac(labels.height, kCtrMinRowsFrac) || thorax <= 0) return -1.0;
  return kernels::Percentile(gaps, 100.0 * kHeartWidthQuantile, &measured_rows) / thorax;
}

// Costophrenic angle: how far the aerated lung's lowest point in the lateral band of the field
// rises above its lowest point in the middle band (the dome), as a share of the field height.
// A sharp angle reaches below the dome (negative rise); fluid or dense lung in the angle lifts
// it. Mapped to 0 (rise <= kCornerSharpRise) .. 1 (rise >= kCornerBluntRise).
double CostophrenicBlunting(const LungFields& f, int side) {
  const LungFrame& fr = f.seed_frames[static_cast<std::size_t>(side)];
  if (!fr.found || fr.base_y <= fr.apex_y) return 1.0;
  const int inner = LateralDistance(fr.inner_x, f.midline_x, side);
  const int outer = LateralDistance(fr.outer_x, f.midline_x, side);
  const auto label = static_cast<std::uint8_t>(side + 1);
  int lateral_bottom = -1, middle_bottom = -1;
  for (int y = 0; y < f.aerated.height; ++y) {
    for (int x = 0; x < f.aerated.width; ++x) {
      if (f.aerated.At(x, y) != label) continue;
      const double s = static_cast<double>(LateralDistance(x, f.midline_x, side) - inner) /
                       std::max(1, outer - inner);
      if (s >= kCornerLateralBand[0]) lateral_bottom = y;
      if (s >= kCornerMiddleBand[0] && s <= kCornerMiddleBand[1]) middle_bottom = y;
    }
  }
  if (lateral_bottom < 0 || middle_bottom < 0) return 1.0;
  const double rise = static_cast<double>(middle_bottom - lateral_bottom) / (fr.base_y - fr.apex_y);
  return std::clamp((rise - kCornerSharpRise) / (kCornerBluntRise - kCornerSharpRise), 0.0, 1.0);
}

// Ratio of two opacity fractions with a small prior added to both, so that films with little
// opacity give ratios near 1 rather than noise.
// Share of the measured field pixels that belong to the aerated seeds.
double AeratedFraction(const LungFields& f, const Mask2D& measured) {
  double inside = 0, aerated = 0;
  for (std::size_t i = 0; i < measured.pixels.size(); ++i) {
    if (measured.pixels[i] == 0) continue;
    inside += 1;
    aerated += f.aerated.pixels[i] != 0 ? 1 : 0;
  }
  return inside > 0 ? aerated / inside : 0.0;
}

double Ratio(double num, double den) { return (num + kRatioPrior) / (den + kRatioPrior); }

// 0..1 logistic of (x - centre) / width.
double Logistic(double x, double centre, double width) {
  return 1.0 / (1.0 + std::exp(-(x - centre) / width));
}

}  // namespace

void MeasureOpacity(const Image2D& work, const LungFields& fields, CxrAnalysis& out) {
  const References refs = MeasureReferences(work, fields.labels, fields.midline_x);
  // The field's rim (chest wall, diaphragm and mediastinal edges) is not measured.
  const Mask2D measured = kernels::Erode2D(fields.labels, kRimWidth);
  const SideTallies right = MeasureSide(work, fields, measured, refs, 1);
  const SideTallies left = MeasureSide(work, fields, measured, refs, 2);
  const Tally both = right.whole + left.whole;
  out.right_opacity = right.whole.Fraction();
  out.left_opacity = left.whole.Fraction();
  out.total_opacity = both.Fraction();
  int involved = 0;
  for (std::size_t z = 0; z < 3; ++z) {
    out.zone_opacity[z] = right.zones[z].Fraction();
    out.zone_opacity[z + 3] = left.zones[z].Fraction();
    involved += (out.zone_opacity[z] >= kZoneInvolvedLevel ? 1 : 0) +
                (out.zone_opacity[z + 3] >= kZoneInvolvedLevel ? 1 : 0);
  }
  const double upper = (right.zones[0] + left.zones[0]).Fraction();
  const double middle = (right.zones[1] + left.zones[1]).Fraction();
  const double lower = (right.zones[2] + left.zones[2]).Fraction();
  const double bilateral = std::min(out.right_opacity, out.left_opacity);

  auto& ft = out.features;
  ft.emplace_back("bilateral_min_opacity", bilateral);
  ft.emplace_back("bilateral_zones_involved", involved);
  ft.emplace_back("apical_sparing_ratio", Ratio(upper, 0.5 * (middle + lower)));
  ft.emplace_back("lower_to_upper_ratio", Ratio(lower, upper));
  ft.emplace_back("central_to_peripheral_ratio",
                  Ratio((right.central + left.central).Fraction(),
                        (right.peripheral + left.peripheral).Fraction()));
  ft.emplace_back("mean_relative_density", both.Density());
  ft.emplace_back("aerated_fraction", AeratedFraction(fields, measured));
  ft.emplace_back("lung_field_area_fraction",
                  static_cast<double>(kernels::CountNonZero(fields.labels)) / work.PixelCount());
  ft.emplace_back("costophrenic_blunting_right", CostophrenicBlunting(fields, 0));
  ft.emplace_back("costophrenic_blunting_left", CostophrenicBlunting(fields, 1));
  const double ctr = CardiothoracicRatio(fields, fields.aerated);
  if (ctr > 0) ft.emplace_back("cardiothoracic_ratio", ctr);
  ft.emplace_back("right_field_mirrored", fields.mirrored[0] ? 1.0 : 0.0);
  ft.emplace_back("left_field_mirrored", fields.mirrored[1] ? 1.0 : 0.0);
  ft.emplace_back("right_field_extended", fields.extended[0] ? 1.0 : 0.0);
  ft.emplace_back("left_field_extended", fields.extended[1] ? 1.0 : 0.0);
  ft.emplace_back("reference_aerated", refs.aerated);
  ft.emplace_back("reference_soft", refs.soft);

  // Bilateral extent: the less involved lung decides how bilateral and diffuse the opacity is.
  out.opacity_score = Logistic(bilateral, kScoreCentre, kScoreWidth);
}

}  // namespace alveo::classifier::cxr
