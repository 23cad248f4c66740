// SPDX-License-Identifier: Apache-2.0
// The radiograph analysis on phantom films with known truth: lung-field overlap, low scores for
// normal films, high for diffuse opacity with apical sparing, one-sided focal opacity, effusion
// signs, MONOCHROME1 and value-scale invariance, size invariance, timing and bad input.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "classifier/cxr/cxr_analysis.h"
#include "cxr_test_support.h"
#include "phantom/radiograph_phantom.h"

namespace alveo::classifier::cxr {
namespace {

using phantom::PatternKind;
using phantom::ViewPosition;

// Regression bars (measured values are printed by ReportsFieldsAndScoresForEveryKind).
constexpr double kMinDice = 0.75;
constexpr double kMaxAnalysisMs = 400.0;  // the product budget is 100 ms; CI machines vary

struct Case {
  phantom::RadiographData data;
  CxrAnalysis analysis;
};

phantom::RadiographOptions Options(PatternKind kind, ViewPosition view, int columns) {
  phantom::RadiographOptions o;
  o.kind = kind;
  o.view = view;
  o.seed = 7;
  o.columns = columns;
  o.rows = columns * 5 / 4;
  return o;
}

phantom::RadiographData Generate(const phantom::RadiographOptions& o) {
  Result<phantom::RadiographData> r = phantom::GenerateRadiograph(o, 2);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

// The truth label map sampled at the centres of the working grid of `like`.
Mask2D TruthAtWorkingSize(const Mask2D& truth, const Mask2D& like) {
  Mask2D out(like.width, like.height);
  for (int y = 0; y < like.height; ++y) {
    const int ty = std::min(truth.height - 1, (2 * y + 1) * truth.height / (2 * like.height));
    for (int x = 0; x < like.width; ++x) {
      const int tx = std::min(truth.width - 1, (2 * x + 1) * truth.width / (2 * like.width));
      out.At(x, y) = truth.At(tx, ty);
    }
  }
  return out;
}

// 600 x 750 films of the whole chest, analysed once per kind and view.
const Case& Film(PatternKind kind, ViewPosition view = ViewPosition::kPa) {
  static std::map<std::pair<PatternKind, ViewPosition>, Case> cache;
  auto it = cache.find({kind, view});
  if (it != cache.end()) return it->second;
  Case c;
  c.data = Generate(Options(kind, view, 600));
  const RadiographInput input = testing::InputFromPhantom(c.data);
  c.analysis = AnalyzeRadiograph(input);
  const std::string name = "phantom_" + std::string(phantom::KindName(kind)) + "_" +
                           std::string(phantom::ViewName(view));
  testing::MaybeWriteOverlay(name, input, c.analysis);
  CxrAnalysis truth = c.analysis;
  truth.lung_fields = TruthAtWorkingSize(c.data.lung_fields, c.analysis.lung_fields);
  testing::MaybeWriteOverlay(name + "_truth", input, truth);
  return cache.emplace(std::make_pair(kind, view), std::move(c)).first->second;
}

double Feature(const CxrAnalysis& a, const char* name) {
  const double* v = a.Feature(name);
  EXPECT_NE(v, nullptr) << name;
  return v != nullptr ? *v : std::numeric_limits<double>::quiet_NaN();
}

double OptionalFeature(const CxrAnalysis& a, const char* name) {
  const double* v = a.Feature(name);
  return v != nullptr ? *v : -1.0;
}

// Dice of the analysis fields against the truth; label 0 = both lungs together.
double Dice(const Case& c, int label) {
  const Mask2D& got = c.analysis.lung_fields;
  const Mask2D truth = TruthAtWorkingSize(c.data.lung_fields, got);
  double both = 0, a = 0, b = 0;
  for (std::size_t i = 0; i < got.pixels.size(); ++i) {
    const int g = got.pixels[i], t = truth.pixels[i];
    const bool in_g = label == 0 ? g != 0 : g == label;
    const bool in_t = label == 0 ? t != 0 : t == label;
    a += in_g;
    b += in_t;
    both += in_g && in_t;
  }
  return a + b > 0 ? 2.0 * both / (a + b) : 1.0;
}

constexpr PatternKind kFrontalKinds[] = {PatternKind::kNormal, PatternKind::kDiffuse,
                                         PatternKind::kPeripheral, PatternKind::kFocal,
                                         PatternKind::kEffusion};

TEST(CxrPhantom, ReportsFieldsAndScoresForEveryKind) {
  for (const ViewPosition view : {ViewPosition::kPa, ViewPosition::kAp}) {
    for (const PatternKind kind : kFrontalKinds) {
      const Case& c = Film(kind, view);
      const CxrAnalysis& a = c.analysis;
      const phantom::RadiographTruth& t = c.data.truth;
      std::printf(
          "%-10s %s dice %.3f (R %.3f L %.3f) opacity R %.2f/%.2f L %.2f/%.2f score %.3f "
          "apical %.2f ctr %.2f/%.2f blunt %.2f %.2f\n",
          std::string(phantom::KindName(kind)).c_str(),
          std::string(phantom::ViewName(view)).c_str(), Dice(c, 0), Dice(c, 1), Dice(c, 2),
          a.right_opacity, t.right.whole.opacity_fraction, a.left_opacity,
          t.left.whole.opacity_fraction, a.opacity_score, Feature(a, "apical_sparing_ratio"),
          OptionalFeature(a, "cardiothoracic_ratio"), t.cardiothoracic_ratio,
          Feature(a, "costophrenic_blunting_right"), Feature(a, "costophrenic_blunting_left"));
      std::printf("           zones %.2f %.2f %.2f | %.2f %.2f %.2f\n", a.zone_opacity[0],
                  a.zone_opacity[1], a.zone_opacity[2], a.zone_opacity[3], a.zone_opacity[4],
                  a.zone_opacity[5]);
      EXPECT_TRUE(a.lungs_found) << a.failure;
      EXPECT_EQ(a.lung_fields.width, 256);
    }
  }
}

TEST(CxrPhantom, LungFieldsOverlapTheTruth) {
  for (const PatternKind kind : kFrontalKinds) {
    EXPECT_GE(Dice(Film(kind), 0), kMinDice) << phantom::KindName(kind);
  }
  for (const PatternKind kind :
       {PatternKind::kNormal, PatternKind::kDiffuse, PatternKind::kFocal}) {
    EXPECT_GE(Dice(Film(kind, ViewPosition::kAp), 0), kMinDice) << phantom::KindName(kind);
  }
  // The right lung is on the image left.
  const Case& c = Film(PatternKind::kNormal);
  EXPECT_GE(Dice(c, 1), kMinDice);
  EXPECT_GE(Dice(c, 2), kMinDice);
}

TEST(CxrPhantom, NormalFilmScoresLow) {
  for (const ViewPosition view : {ViewPosition::kPa, ViewPosition::kAp}) {
    const CxrAnalysis& a = Film(PatternKind::kNormal, view).analysis;
    EXPECT_LT(a.opacity_score, 0.2);
    EXPECT_LT(a.total_opacity, 0.1);
    EXPECT_LE(Feature(a, "bilateral_zones_involved"), 1.0);
    EXPECT_GT(Feature(a, "lung_field_area_fraction"), 0.1);
  }
}

TEST(CxrPhantom, DiffuseFilmScoresHighWithApicalSparing) {
  const double normal = Film(PatternKind::kNormal).analysis.opacity_score;
  for (const ViewPosition view : {ViewPosition::kPa, ViewPosition::kAp}) {
    const CxrAnalysis& a = Film(PatternKind::kDiffuse, view).analysis;
    EXPECT_GT(a.opacity_score, 0.5);
    EXPECT_GT(a.opacity_score, normal + 0.4);
    EXPECT_GT(a.right_opacity, 0.1);
    EXPECT_GT(a.left_opacity, 0.1);
    EXPECT_LT(Feature(a, "apical_sparing_ratio"), 0.5);  // upper zones spared
    EXPECT_GT(Feature(a, "lower_to_upper_ratio"), 2.0);  // bases worst
    EXPECT_LT(a.zone_opacity[0], a.zone_opacity[2]);
    EXPECT_LT(a.zone_opacity[3], a.zone_opacity[5]);
    EXPECT_GE(Feature(a, "bilateral_zones_involved"), 2.0);
  }
}

TEST(CxrPhantom, FocalOpacityInvolvesTheRightLungOnly) {
  const CxrAnalysis& a = Film(PatternKind::kFocal).analysis;
  EXPECT_GT(a.right_opacity, a.left_opacity);
  const auto worst = std::max_element(a.zone_opacity.begin(), a.zone_opacity.end());
  EXPECT_EQ(worst - a.zone_opacity.begin(), 2);  // right lower zone
  EXPECT_GT(a.zone_opacity[2],
            2.0 * std::max({a.zone_opacity[3], a.zone_opacity[4], a.zone_opacity[5]}));
  EXPECT_LT(a.left_opacity, 0.1);
  EXPECT_LT(a.opacity_score, 0.3);
}

TEST(CxrPhantom, EffusionBluntsTheAnglesAndWidensTheHeart) {
  const CxrAnalysis& normal = Film(PatternKind::kNormal).analysis;
  const CxrAnalysis& effusion = Film(PatternKind::kEffusion).analysis;
  auto blunting = [](const CxrAnalysis& a) {
    return 0.5 *
           (Feature(a, "costophrenic_blunting_right") + Feature(a, "costophrenic_blunting_left"));
  };
  EXPECT_GT(blunting(effusion), blunting(normal) + 0.15);
  const double* ctr_normal = normal.Feature("cardiothoracic_ratio");
  const double* ctr_effusion = effusion.Feature("cardiothoracic_ratio");
  ASSERT_NE(ctr_normal, nullptr);
  ASSERT_NE(ctr_effusion, nullptr);
  EXPECT_GT(*ctr_effusion, *ctr_normal + 0.05);
  EXPECT_NEAR(*ctr_normal, Film(PatternKind::kNormal).data.truth.cardiothoracic_ratio, 0.1);
}

// A MONOCHROME1 film as a decoder hands it over: stored values inverted by the modality, then
// mirrored within their range (min + max - v), which is the MONOCHROME2 film plus a constant.
TEST(CxrPhantom, Monochrome1InputReinvertedEqualsMonochrome2) {
  const Case& c = Film(PatternKind::kDiffuse);
  RadiographInput mono1 = testing::InputFromPhantom(c.data);
  const float max_value = 4095.0f;  // 12 bits stored
  for (float& v : mono1.image.pixels) v = max_value - v;
  const auto [lo, hi] = std::minmax_element(mono1.image.pixels.begin(), mono1.image.pixels.end());
  const float sum = *lo + *hi;
  for (float& v : mono1.image.pixels) v = sum - v;
  const CxrAnalysis a = AnalyzeRadiograph(mono1);
  EXPECT_NEAR(a.opacity_score, c.analysis.opacity_score, 1e-6);
  EXPECT_NEAR(a.total_opacity, c.analysis.total_opacity, 1e-6);
  EXPECT_EQ(a.lung_fields.pixels, c.analysis.lung_fields.pixels);
}

TEST(CxrPhantom, AnyPositiveLinearValueScaleGivesTheSameAnalysis) {
  const Case& c = Film(PatternKind::kDiffuse);
  RadiographInput scaled = testing::InputFromPhantom(c.data);
  for (float& v : scaled.image.pixels) v = v * 0.37f - 1000.0f;
  const CxrAnalysis a = AnalyzeRadiograph(scaled);
  EXPECT_NEAR(a.opacity_score, c.analysis.opacity_score, 0.01);
  EXPECT_NEAR(a.total_opacity, c.analysis.total_opacity, 0.01);
}

TEST(CxrPhantom, InputSizeDoesNotChangeTheResult) {
  for (const PatternKind kind : {PatternKind::kNormal, PatternKind::kDiffuse}) {
    const CxrAnalysis& reference = Film(kind).analysis;  // 600 columns
    for (const int columns : {400, 1000}) {
      const phantom::RadiographData d = Generate(Options(kind, ViewPosition::kPa, columns));
      const CxrAnalysis a = AnalyzeRadiograph(testing::InputFromPhantom(d));
      EXPECT_NEAR(a.opacity_score, reference.opacity_score, 0.05) << columns;
      EXPECT_NEAR(a.total_opacity, reference.total_opacity, 0.03) << columns;
      EXPECT_EQ(a.lung_fields.width, reference.lung_fields.width);
      EXPECT_EQ(a.lung_fields.height, reference.lung_fields.height);
    }
  }
}

TEST(CxrPhantom, PlausibleVoiWindowChangesLittleAndAForeignOneIsIgnored) {
  const Case& c = Film(PatternKind::kDiffuse);
  RadiographInput windowed = testing::InputFromPhantom(c.data);
  windowed.window_center = 2048;
  windowed.window_width = 4096;
  EXPECT_NEAR(AnalyzeRadiograph(windowed).opacity_score, c.analysis.opacity_score, 0.05);
  windowed.window_center = 100000;  // another value space: ignored
  windowed.window_width = 10;
  EXPECT_NEAR(AnalyzeRadiograph(windowed).opacity_score, c.analysis.opacity_score, 1e-6);
}

TEST(CxrPhantom, LargeFilmIsAnalysedWithinTheTimeBudget) {
  phantom::RadiographOptions o = Options(PatternKind::kDiffuse, ViewPosition::kPa, 2048);
  o.rows = 2048;
  const RadiographInput input = testing::InputFromPhantom(Generate(o));
  double best = std::numeric_limits<double>::max();
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const CxrAnalysis a = AnalyzeRadiograph(input);
    best = std::min(
        best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count());
    EXPECT_TRUE(a.lungs_found);
  }
  std::printf("2048 x 2048 film analysed in %.1f ms (best of 3, one thread)\n", best);
  EXPECT_LT(best, kMaxAnalysisMs);
}

TEST(CxrPhantom, BadInputIsReportedNotCrashed) {
  RadiographInput empty;
  EXPECT_EQ(AnalyzeRadiograph(empty).failure, "empty_image");
  RadiographInput uniform;
  uniform.image = Image2D(300, 300, 7.0f);
  const CxrAnalysis flat = AnalyzeRadiograph(uniform);
  EXPECT_FALSE(flat.lungs_found);
  EXPECT_EQ(flat.failure, "uniform_image");
  RadiographInput nan_input = testing::InputFromPhantom(Film(PatternKind::kNormal).data);
  nan_input.image.pixels[1234] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(AnalyzeRadiograph(nan_input).failure, "corrupt_values");
  RadiographInput noise;
  noise.image = Image2D(40, 33);
  for (std::size_t i = 0; i < noise.image.pixels.size(); ++i) {
    noise.image.pixels[i] = static_cast<float>((i * 7919) % 101);
  }
  const CxrAnalysis n = AnalyzeRadiograph(noise);  // anything, but no crash
  EXPECT_GE(n.opacity_score, 0.0);
  EXPECT_LE(n.opacity_score, 1.0);
}

TEST(CxrPhantom, LateralFilmDoesNotCrash) {
  const phantom::RadiographData d =
      Generate(Options(PatternKind::kDiffuse, ViewPosition::kLateral, 500));
  const CxrAnalysis a = AnalyzeRadiograph(testing::InputFromPhantom(d));
  EXPECT_GE(a.opacity_score, 0.0);
  EXPECT_LE(a.opacity_score, 1.0);
}

}  // namespace
}  // namespace alveo::classifier::cxr
