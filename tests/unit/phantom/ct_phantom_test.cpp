// SPDX-License-Identifier: Apache-2.0
// The CT phantom: determinism, geometry and the clinical shape of each pattern's truth.
#include "phantom/ct_phantom.h"

#include <cmath>
#include <cstdint>

#include <gtest/gtest.h>

namespace alveo::phantom {
namespace {

// Small but whole chest: 128 x 128 pixels (2.8 mm), 40 slices 7 mm apart (273 mm).
CtOptions Small(PatternKind kind, std::uint64_t seed = 7) {
  CtOptions o;
  o.kind = kind;
  o.seed = seed;
  o.columns = o.rows = 128;
  o.slices = 40;
  o.slice_spacing_mm = 7.0;
  return o;
}

CtPhantomData Generate(const CtOptions& o, int threads = 2) {
  Result<CtPhantomData> r = GenerateCt(o, threads);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

const CtTruth& TruthOf(PatternKind kind) {
  static std::array<std::optional<CtTruth>, 6> cache;
  auto& slot = cache[static_cast<std::size_t>(kind)];
  if (!slot) slot = Generate(Small(kind)).truth;
  return *slot;
}

TEST(CtPhantomTest, SameSeedGivesIdenticalVoxelsAndThreadsDoNotMatter) {
  CtOptions o = Small(PatternKind::kDiffuse);
  o.slices = 8;
  const CtPhantomData a = Generate(o, 1);
  const CtPhantomData b = Generate(o, 2);
  EXPECT_EQ(a.hu.voxels, b.hu.voxels);
  EXPECT_EQ(a.labels.voxels, b.labels.voxels);
  EXPECT_EQ(a.opacity.voxels, b.opacity.voxels);
  o.seed = 8;
  const CtPhantomData c = Generate(o, 2);
  EXPECT_NE(a.hu.voxels, c.hu.voxels);
}

TEST(CtPhantomTest, GeometryIsAxialSuperiorFirstAndCentred) {
  const CtPhantom phantom(Small(PatternKind::kNormal));
  const VolumeGeometry& g = phantom.geometry();
  EXPECT_DOUBLE_EQ(g.spacing[0], 360.0 / 128);
  EXPECT_DOUBLE_EQ(g.spacing[2], 7.0);
  EXPECT_EQ(g.row_direction, (Vec3{1, 0, 0}));
  EXPECT_EQ(g.column_direction, (Vec3{0, 1, 0}));
  EXPECT_GT(g.PositionOf(0, 0, 0)[2], g.PositionOf(0, 0, 1)[2]);  // slice 0 is the top
  const Vec3 centre = g.PositionOf((g.size_x - 1) / 2.0, (g.size_y - 1) / 2.0, 0);
  EXPECT_NEAR(centre[0], 0.0, 1e-9);
  EXPECT_NEAR(centre[1], 0.0, 1e-9);
  EXPECT_EQ(phantom.patient_position(), "HFS");
}

TEST(CtPhantomTest, ProneFlipsTheImageAxesLikeScanners) {
  CtOptions o = Small(PatternKind::kNormal);
  o.prone = true;
  const CtPhantom phantom(o);
  EXPECT_EQ(phantom.geometry().row_direction, (Vec3{-1, 0, 0}));
  EXPECT_EQ(phantom.geometry().column_direction, (Vec3{0, -1, 0}));
  EXPECT_EQ(phantom.patient_position(), "HFP");
  EXPECT_FALSE(phantom.dependent_is_dorsal());
}

TEST(CtPhantomTest, NormalLungsAreClearAndPlausiblySized) {
  const CtTruth& t = TruthOf(PatternKind::kNormal);
  ASSERT_TRUE(t.has_lungs);
  EXPECT_LT(t.total.whole.opacity_percent, 0.5);
  EXPECT_GT(t.total.whole.volume_ml, 1500.0);
  EXPECT_LT(t.total.whole.volume_ml, 9000.0);
  EXPECT_GT(t.right.whole.volume_ml, 0.15 * t.total.whole.volume_ml);
  EXPECT_GT(t.left.whole.volume_ml, 0.15 * t.total.whole.volume_ml);
  EXPECT_GT(t.total.vessel_ml, 0.0);
  EXPECT_EQ(t.effusion_ml, 0.0);
  EXPECT_LT(t.cardiothoracic_ratio, 0.5);
}

TEST(CtPhantomTest, DiffuseIsBilateralWithApicalSparingDependentGradientAndCentralPredominance) {
  const CtTruth& t = TruthOf(PatternKind::kDiffuse);
  EXPECT_GE(t.right.whole.opacity_percent, 15.0);
  EXPECT_GE(t.left.whole.opacity_percent, 15.0);
  EXPECT_GT(t.total.whole.consolidation_percent, 0.5);  // some dependent consolidation
  for (const LungTruth* lung : {&t.right, &t.left}) {
    EXPECT_LT(lung->zones[0].opacity_percent, 0.5 * lung->zones[2].opacity_percent);
    EXPECT_GT(lung->ventral_to_dorsal[2].opacity_percent,
              lung->ventral_to_dorsal[0].opacity_percent + 10.0);
    EXPECT_GE(lung->central.opacity_percent, lung->peripheral.opacity_percent);
  }
  EXPECT_GT(t.total.ventral_to_dorsal[2].consolidation_percent,
            t.total.ventral_to_dorsal[0].consolidation_percent);
}

TEST(CtPhantomTest, ProneDiffuseIsDenserVentrally) {
  CtOptions o = Small(PatternKind::kDiffuse);
  o.prone = true;
  const CtTruth t = Generate(o).truth;
  EXPECT_FALSE(t.dependent_is_dorsal);
  EXPECT_GT(t.total.ventral_to_dorsal[0].opacity_percent,
            t.total.ventral_to_dorsal[2].opacity_percent + 10.0);
}

TEST(CtPhantomTest, PeripheralPatternSparesTheCentreAndFavoursTheBases) {
  const CtTruth& t = TruthOf(PatternKind::kPeripheral);
  EXPECT_GT(t.total.whole.opacity_percent, 5.0);
  EXPECT_GT(t.total.peripheral.opacity_percent, 2.0 * t.total.central.opacity_percent + 5.0);
  EXPECT_GT(t.total.zones[2].opacity_percent, t.total.zones[0].opacity_percent + 10.0);
}

TEST(CtPhantomTest, FocalConsolidationIsSmallAndInTheRightLungOnly) {
  const CtTruth& t = TruthOf(PatternKind::kFocal);
  EXPECT_EQ(t.left.whole.opacity_percent, 0.0);
  EXPECT_GT(t.right.whole.consolidation_percent, 1.0);
  EXPECT_LT(t.right.whole.opacity_percent, 20.0);
  EXPECT_LT(t.total.whole.opacity_percent, 10.0);
}

TEST(CtPhantomTest, EffusionHasPleuralFluidOutsideTheLungsAndABigHeart) {
  const CtTruth& t = TruthOf(PatternKind::kEffusion);
  EXPECT_GT(t.effusion_ml, 100.0);
  EXPECT_GT(t.cardiothoracic_ratio, 0.55);
  EXPECT_GT(t.total.whole.ggo_percent, 1.0);  // mild perihilar ground glass
  EXPECT_LT(t.total.whole.volume_ml, TruthOf(PatternKind::kNormal).total.whole.volume_ml);
}

TEST(CtPhantomTest, AbdomenScanHasNoLung) {
  const CtPhantomData d = Generate(Small(PatternKind::kAbdomen));
  EXPECT_FALSE(d.truth.has_lungs);
  std::size_t liver = 0;
  for (const std::uint8_t label : d.labels.voxels) {
    ASSERT_FALSE(IsLung(label));
    liver += label == static_cast<std::uint8_t>(Label::kLiver) ? 1 : 0;
  }
  EXPECT_GT(liver, 1000u);
}

TEST(CtPhantomTest, TruthVolumesAgreeWithTheLabelMap) {
  const CtPhantomData d = Generate(Small(PatternKind::kDiffuse));
  std::size_t right = 0, left = 0, ggo = 0;
  for (std::size_t v = 0; v < d.labels.voxels.size(); ++v) {
    right += IsLung(d.labels.voxels[v]) && IsRightLung(d.labels.voxels[v]);
    left += IsLung(d.labels.voxels[v]) && !IsRightLung(d.labels.voxels[v]);
    ggo += d.opacity.voxels[v] == static_cast<std::uint8_t>(Opacity::kGroundGlass);
  }
  const double ml = d.hu.geometry.VoxelVolumeMm3() / 1000.0;
  EXPECT_NEAR(d.truth.right.whole.volume_ml, right * ml, 1e-6);
  EXPECT_NEAR(d.truth.left.whole.volume_ml, left * ml, 1e-6);
  EXPECT_NEAR(d.truth.total.whole.ggo_percent, 100.0 * ggo / (right + left), 1e-6);
}

TEST(CtPhantomTest, HuOfEachTruthClassLiesInItsBand) {
  const CtPhantomData d = Generate(Small(PatternKind::kDiffuse));
  double sum[3] = {0, 0, 0};
  double count[3] = {0, 0, 0};
  for (std::size_t v = 0; v < d.labels.voxels.size(); ++v) {
    const std::uint8_t label = d.labels.voxels[v];
    if (label != static_cast<std::uint8_t>(Label::kRightLung) &&
        label != static_cast<std::uint8_t>(Label::kLeftLung)) {
      continue;
    }
    sum[d.opacity.voxels[v]] += d.hu.voxels[v];
    count[d.opacity.voxels[v]] += 1;
  }
  ASSERT_GT(count[0] * count[1] * count[2], 0.0);
  EXPECT_LT(sum[0] / count[0], -700.0);  // aerated (-950, -700], despite partial volume
  EXPECT_GT(sum[0] / count[0], -950.0);
  EXPECT_GT(sum[1] / count[1], -700.0);  // ground glass (-700, -250]
  EXPECT_LT(sum[1] / count[1], -250.0);
  EXPECT_GT(sum[2] / count[2], -250.0);  // consolidation (-250, +100]
  EXPECT_LT(sum[2] / count[2], 100.0);
}

TEST(CtPhantomTest, ThickSlicesAreSmootherThanThinOnes) {
  auto noise_in_air = [](double thickness) {
    CtOptions o = Small(PatternKind::kNormal);
    o.slices = 4;
    o.slice_thickness_mm = thickness;
    const CtPhantomData d = GenerateCt(o, 2).value();
    double sum = 0, sum2 = 0, n = 0;
    for (int j = 2; j < 12; ++j) {  // top rows: air in front of the patient
      for (int i = 20; i < 108; ++i) {
        const double v = d.hu.At(i, j, 1);
        sum += v;
        sum2 += v * v;
        n += 1;
      }
    }
    return std::sqrt(sum2 / n - (sum / n) * (sum / n));
  };
  EXPECT_LT(noise_in_air(7.0), 0.7 * noise_in_air(1.0));
}

TEST(CtPhantomTest, RejectsNonsenseOptionsNamingTheFlag) {
  CtOptions o = Small(PatternKind::kNormal);
  o.columns = 4;
  const Status s = ValidateCtOptions(o);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind("cols:", 0), 0u) << s.message();
  o = Small(PatternKind::kNormal);
  o.slice_spacing_mm = 0.0;
  EXPECT_EQ(ValidateCtOptions(o).message().rfind("slice-spacing:", 0), 0u);
}

}  // namespace
}  // namespace alveo::phantom
