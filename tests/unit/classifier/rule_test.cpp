// SPDX-License-Identifier: Apache-2.0
// The decision rule on hand-made evidence: each clinical pattern of CLASSIFIER.md gets the ranking
// and the flag it should.
#include "classifier/decision/rule.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace alveo::classifier {
namespace {

int RankOf(const Decision& d, const std::string& code) {
  for (const auto& e : d.differential) {
    if (e.code == code) return e.rank;
  }
  return 0;
}

constexpr char kHemorrhage[] = "78144005";
constexpr char kEdema[] = "19242006";
constexpr char kViral[] = "75570004";
constexpr char kBacterial[] = "53084003";

PatternEvidence Normal() {
  PatternEvidence e;
  e.right_opacity = 2.1;
  e.left_opacity = 1.8;
  e.total_opacity = 2.0;
  e.zone_opacity = std::array<double, 6>{1, 2, 3, 1, 2, 3};
  e.central_opacity = 2.5;
  e.peripheral_opacity = 1.2;
  e.dependent_gradient = 1.5;
  e.consolidation_share = 0.2;
  e.effusion_right_ml = 0;
  e.effusion_left_ml = 0;
  e.cardiothoracic_ratio = 0.45;
  return e;
}

PatternEvidence DiffuseDependentApicalSparing() {
  PatternEvidence e = Normal();
  e.right_opacity = 32;
  e.left_opacity = 29;
  e.total_opacity = 30.5;
  e.zone_opacity = std::array<double, 6>{6, 38, 45, 5, 34, 41};
  e.central_opacity = 36;
  e.peripheral_opacity = 24;
  e.dependent_gradient = 25;
  e.consolidation_share = 0.25;
  return e;
}

TEST(RuleTest, NormalLungsAreNotFlaggedAndNeedNoDifferential) {
  const Decision d = Decide(Normal());
  EXPECT_EQ(d.status, ResultStatus::kNotFlagged);
  EXPECT_TRUE(d.differential.empty());
  EXPECT_LT(d.certainty, 10);
}

TEST(RuleTest, DiffuseDependentPatternWithApicalSparingIsFlaggedWithHemorrhageOnTop) {
  const Decision d = Decide(DiffuseDependentApicalSparing());
  EXPECT_EQ(d.status, ResultStatus::kFlagged);
  EXPECT_TRUE(d.diffuse_bilateral);
  EXPECT_LE(RankOf(d, kHemorrhage), 2);
  EXPECT_GE(d.certainty, 60);
  EXPECT_LE(d.certainty, 90);
  const auto& top = d.differential.front();
  EXPECT_FALSE(top.reasons.empty());
  for (const auto& entry : d.differential) EXPECT_EQ(entry.scheme, "SCT");
}

TEST(RuleTest, PeripheralPatternRanksViralAboveHemorrhage) {
  PatternEvidence e = DiffuseDependentApicalSparing();
  e.central_opacity = 12;
  e.peripheral_opacity = 41;
  e.dependent_gradient = 4;
  const Decision d = Decide(e);
  EXPECT_TRUE(d.diffuse_bilateral);
  EXPECT_LT(RankOf(d, kViral), RankOf(d, kHemorrhage));
}

TEST(RuleTest, PeripheralDiffusePatternIsStillAPossibleHemorrhagePatternWithLowerCertainty) {
  PatternEvidence e = DiffuseDependentApicalSparing();
  e.central_opacity = 12;
  e.peripheral_opacity = 41;
  const Decision peripheral = Decide(e);
  const Decision central = Decide(DiffuseDependentApicalSparing());
  EXPECT_EQ(peripheral.status, ResultStatus::kFlagged);
  EXPECT_EQ(peripheral.differential.front().code, kViral);
  EXPECT_LT(peripheral.certainty, central.certainty);
  bool explained = false;
  for (const auto& reason : peripheral.pattern_reasons) explained |= reason.find("fits the distribution better") != std::string::npos;
  EXPECT_TRUE(explained);
}

TEST(RuleTest, FindingsAgainstHemorrhagePilingUpUnflagADiffusePattern) {
  PatternEvidence e = DiffuseDependentApicalSparing();
  e.central_opacity = 12;
  e.peripheral_opacity = 41;
  e.effusion_right_ml = 350;
  e.effusion_left_ml = 280;
  e.cardiothoracic_ratio = 0.63;
  e.zone_opacity = std::array<double, 6>{30, 32, 35, 28, 31, 33};  // no apical sparing
  e.dependent_gradient = 3;
  const Decision d = Decide(e);
  EXPECT_TRUE(d.diffuse_bilateral);
  EXPECT_EQ(d.differential.front().code, kEdema);
  EXPECT_EQ(d.status, ResultStatus::kNotFlagged);
  EXPECT_LT(d.certainty, 20);
}

TEST(RuleTest, KeyImagesNeedMoreExtentThanAVolume) {
  // 18 % of a single slice is within what normal lungs measure through the hila or the domes.
  PatternEvidence e;
  e.source = EvidenceSource::kCtKeyImages;
  e.right_opacity = 19;
  e.left_opacity = 17;
  e.total_opacity = 18;
  e.central_opacity = 12;
  e.peripheral_opacity = 22;
  EXPECT_FALSE(Decide(e).diffuse_bilateral);
  e.source = EvidenceSource::kCtVolume;
  EXPECT_TRUE(Decide(e).diffuse_bilateral);
  e.source = EvidenceSource::kCtKeyImages;
  e.right_opacity = 45;
  e.left_opacity = 30;
  e.total_opacity = 38;
  const Decision d = Decide(e);
  EXPECT_TRUE(d.diffuse_bilateral);
  EXPECT_EQ(d.status, ResultStatus::kFlagged);
  EXPECT_LE(d.certainty, 70);
}

TEST(RuleTest, EffusionsAndALargeHeartRankEdemaFirst) {
  PatternEvidence e = Normal();
  e.right_opacity = 9;
  e.left_opacity = 8;
  e.total_opacity = 8.5;
  e.effusion_right_ml = 420;
  e.effusion_left_ml = 310;
  e.cardiothoracic_ratio = 0.62;
  const Decision d = Decide(e);
  EXPECT_EQ(RankOf(d, kEdema), 1);
  EXPECT_EQ(d.status, ResultStatus::kNotFlagged);
}

TEST(RuleTest, FocalConsolidationIsNotFlaggedAndPointsToBacterialPneumonia) {
  PatternEvidence e = Normal();
  e.right_opacity = 14;
  e.left_opacity = 1.5;
  e.total_opacity = 8;
  e.zone_opacity = std::array<double, 6>{1, 4, 38, 1, 2, 2};
  e.consolidation_share = 0.8;
  const Decision d = Decide(e);
  EXPECT_EQ(d.status, ResultStatus::kNotFlagged);
  EXPECT_EQ(RankOf(d, kBacterial), 1);
}

TEST(RuleTest, RadiographCertaintyIsCappedBelowCt) {
  PatternEvidence e = DiffuseDependentApicalSparing();
  e.source = EvidenceSource::kRadiograph;
  e.right_opacity = 45;
  e.left_opacity = 42;
  e.total_opacity = 43;
  e.zone_opacity = std::array<double, 6>{8, 55, 60, 6, 50, 58};
  const Decision d = Decide(e);
  EXPECT_LE(d.certainty, 60);
  const Decision ct = Decide(DiffuseDependentApicalSparing());
  EXPECT_GT(ct.certainty, d.certainty);
}

TEST(RuleTest, MissingMeasurementsAreNeutral) {
  PatternEvidence e;
  e.right_opacity = 30;
  e.left_opacity = 30;
  e.total_opacity = 30;
  const Decision d = Decide(e);
  EXPECT_TRUE(d.diffuse_bilateral);
  EXPECT_FALSE(d.differential.empty());
  EXPECT_NE(RuleParameters().find(kRuleVersion), std::string::npos);
}

}  // namespace
}  // namespace alveo::classifier
