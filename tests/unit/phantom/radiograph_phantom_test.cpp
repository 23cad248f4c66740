// SPDX-License-Identifier: Apache-2.0
// The radiograph phantom: determinism, a projection-like appearance and per-zone truth.
#include "phantom/radiograph_phantom.h"

#include <array>
#include <cstdint>
#include <optional>

#include <gtest/gtest.h>

namespace alveo::phantom {
namespace {

// 500 x 625 pixels of 0.7 mm: small but the whole chest.
RadiographOptions Small(PatternKind kind, ViewPosition view = ViewPosition::kPa) {
  RadiographOptions o;
  o.kind = kind;
  o.seed = 3;
  o.columns = 500;
  o.rows = 625;
  o.view = view;
  return o;
}

RadiographData Generate(const RadiographOptions& o, int threads = 2) {
  Result<RadiographData> r = GenerateRadiograph(o, threads);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

const RadiographTruth& TruthOf(PatternKind kind) {
  static std::array<std::optional<RadiographTruth>, 6> cache;
  auto& slot = cache[static_cast<std::size_t>(kind)];
  if (!slot) slot = Generate(Small(kind)).truth;
  return *slot;
}

double MeanWhere(const RadiographData& d, std::uint8_t field) {
  double sum = 0.0, n = 0.0;
  for (std::size_t p = 0; p < d.image.pixels.size(); ++p) {
    if (d.lung_fields.pixels[p] != field) continue;
    sum += d.image.pixels[p];
    n += 1.0;
  }
  return n > 0.0 ? sum / n : 0.0;
}

TEST(RadiographPhantomTest, SameSeedGivesIdenticalPixelsAndThreadsDoNotMatter) {
  const RadiographOptions o = Small(PatternKind::kDiffuse);
  const RadiographData a = Generate(o, 1);
  const RadiographData b = Generate(o, 2);
  EXPECT_EQ(a.image.pixels, b.image.pixels);
  EXPECT_EQ(a.lung_fields.pixels, b.lung_fields.pixels);
  RadiographOptions other = o;
  other.seed = 4;
  EXPECT_NE(Generate(other).image.pixels, a.image.pixels);
}

TEST(RadiographPhantomTest, LooksLikeAFrontalChestFilm) {
  const RadiographData d = Generate(Small(PatternKind::kNormal));
  EXPECT_EQ(d.image.width, 500);
  EXPECT_DOUBLE_EQ(d.image.spacing_x, 0.7);
  std::uint16_t max_value = 0;
  for (const std::uint16_t v : d.image.pixels) max_value = std::max(max_value, v);
  EXPECT_LE(max_value, 4095);
  const double lungs = 0.5 * (MeanWhere(d, 1) + MeanWhere(d, 2));
  const double mediastinum = d.image.At(250, 250);  // spine/mediastinum column
  const double outside = d.image.At(5, 300);        // beside the body
  EXPECT_LT(outside, lungs);
  EXPECT_LT(lungs + 800.0, mediastinum);  // dark lungs, bright mediastinum (MONOCHROME2)
  // The right lung field is on the image's left (patient facing the viewer).
  std::size_t right_on_left = 0, right_total = 0;
  for (int y = 0; y < d.lung_fields.height; ++y) {
    for (int x = 0; x < d.lung_fields.width; ++x) {
      if (d.lung_fields.At(x, y) != 1) continue;
      ++right_total;
      right_on_left += x < d.lung_fields.width / 2 ? 1 : 0;
    }
  }
  EXPECT_EQ(right_on_left, right_total);
}

TEST(RadiographPhantomTest, NormalFieldsAreClear) {
  const RadiographTruth& t = TruthOf(PatternKind::kNormal);
  EXPECT_TRUE(t.frontal);
  EXPECT_GT(t.right.whole.area_cm2, 80.0);
  EXPECT_GT(t.left.whole.area_cm2, 80.0);
  EXPECT_LT(t.total.whole.opacity_fraction, 0.01);
  EXPECT_LT(t.cardiothoracic_ratio, 0.5);
}

TEST(RadiographPhantomTest, DiffuseIsBilateralWithApicalSparingAndBasalPredominance) {
  const RadiographTruth& t = TruthOf(PatternKind::kDiffuse);
  for (const LungFieldTruth* f : {&t.right, &t.left}) {
    EXPECT_GT(f->whole.opacity_fraction, 0.3);
    EXPECT_LT(f->zones[0].opacity_fraction + 0.3, f->zones[2].opacity_fraction);
  }
}

TEST(RadiographPhantomTest, PeripheralAndFocalPatterns) {
  const RadiographTruth& peripheral = TruthOf(PatternKind::kPeripheral);
  EXPECT_GT(peripheral.total.zones[2].opacity_fraction, peripheral.total.zones[0].opacity_fraction);
  const RadiographTruth& focal = TruthOf(PatternKind::kFocal);
  EXPECT_GT(focal.right.whole.opacity_fraction, 0.02);
  EXPECT_EQ(focal.left.whole.opacity_fraction, 0.0);
}

TEST(RadiographPhantomTest, EffusionBluntsTheAnglesAndTheHeartIsLarge) {
  const RadiographTruth& t = TruthOf(PatternKind::kEffusion);
  EXPECT_GT(t.cardiothoracic_ratio, 0.55);
  EXPECT_GT(t.effusion_area_cm2, 10.0);
  // Fluid replaces the lowest lung: the fields are smaller than in a normal film.
  EXPECT_LT(t.total.whole.area_cm2, TruthOf(PatternKind::kNormal).total.whole.area_cm2);
}

TEST(RadiographPhantomTest, LateralViewHasNoPerLungTruth) {
  const RadiographData d = Generate(Small(PatternKind::kDiffuse, ViewPosition::kLateral));
  EXPECT_FALSE(d.truth.frontal);
  for (const std::uint8_t v : d.lung_fields.pixels) ASSERT_EQ(v, 0);
}

TEST(RadiographPhantomTest, EightBitFilmsUseTheirRange) {
  RadiographOptions o = Small(PatternKind::kNormal);
  o.bits_stored = 8;
  const RadiographData d = Generate(o);
  std::uint16_t max_value = 0;
  for (const std::uint16_t v : d.image.pixels) max_value = std::max(max_value, v);
  EXPECT_LE(max_value, 255);
  EXPECT_GT(max_value, 180);
}

TEST(RadiographPhantomTest, ViewNamesRoundTrip) {
  for (const ViewPosition v : {ViewPosition::kPa, ViewPosition::kAp, ViewPosition::kLateral}) {
    EXPECT_EQ(ParseView(ViewName(v)), v);
  }
  EXPECT_FALSE(ParseView("LATERAL").has_value());
}

}  // namespace
}  // namespace alveo::phantom
