// SPDX-License-Identifier: Apache-2.0
// What the report says (sr/sr_content.h), decided from hand-made classification results and the
// shipped default template: the hemorrhage evaluation, measurement groups, differential, sentences.
#include "sr/sr_content.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "unit/sr/sr_test_util.h"

namespace alveo::sr::testing {
namespace {

using classifier::ClassificationResult;
using classifier::ResultStatus;

class SrContentTest : public ::testing::Test {
 protected:
  SrContent Build(const ClassificationResult& result) const {
    return BuildSrContent(result, tmpl_, TestAlgorithm());
  }

  const MeasurementGroup* Group(const SrContent& c, const std::string& tracking_id) const {
    for (const MeasurementGroup& g : c.groups) {
      if (g.tracking_id == tracking_id) return &g;
    }
    ADD_FAILURE() << "no measurement group \"" << tracking_id << "\"";
    return nullptr;
  }

  static const CodedConcept* Evaluation(const MeasurementGroup& g,
                                        const std::string& concept_value) {
    for (const auto& [name, value] : g.evaluations) {
      if (name.value == concept_value) return &value;
    }
    return nullptr;
  }

  static bool HasComment(const SrContent& c, const std::string& text) {
    return std::any_of(c.comments.begin(), c.comments.end(), [&](const std::string& comment) {
      return comment.find(text) != std::string::npos;
    });
  }

  SrTemplate tmpl_ = LoadTemplate("default");
};

TEST_F(SrContentTest, FlaggedAtOrAboveThresholdIsSuspected) {
  ClassificationResult r = FlaggedCt();
  r.certainty = tmpl_.suspected_min_certainty;
  SrContent c = Build(r);
  EXPECT_EQ(c.hemorrhage, tmpl_.codes.pulmonary_hemorrhage);
  EXPECT_EQ(c.hemorrhage_value, tmpl_.codes.suspected);
  ASSERT_TRUE(c.certainty_percent.has_value());
  EXPECT_DOUBLE_EQ(*c.certainty_percent, tmpl_.suspected_min_certainty);

  r.certainty = 100;
  EXPECT_EQ(Build(r).hemorrhage_value, tmpl_.codes.suspected);
}

TEST_F(SrContentTest, FlaggedBelowThresholdIsUndetermined) {
  ClassificationResult r = FlaggedCt();
  r.certainty = tmpl_.suspected_min_certainty - 1;
  const SrContent c = Build(r);
  EXPECT_EQ(c.hemorrhage_value, tmpl_.codes.undetermined);
  ASSERT_TRUE(
      c.certainty_percent.has_value());  // the certainty still says how strong the pattern is
  EXPECT_DOUBLE_EQ(*c.certainty_percent, tmpl_.suspected_min_certainty - 1);
}

TEST_F(SrContentTest, ThresholdComesFromTheTemplate) {
  ClassificationResult r = FlaggedCt();
  r.certainty = 50;
  tmpl_.suspected_min_certainty = 51;
  EXPECT_EQ(Build(r).hemorrhage_value, tmpl_.codes.undetermined);
  tmpl_.suspected_min_certainty = 50;
  EXPECT_EQ(Build(r).hemorrhage_value, tmpl_.codes.suspected);
}

TEST_F(SrContentTest, NotFlaggedIsAbsentWithoutCertainty) {
  const SrContent c = Build(NotFlaggedCt());
  EXPECT_EQ(c.hemorrhage_value, tmpl_.codes.absent);
  // The certainty is that of the pattern being present; it must not qualify "absent".
  EXPECT_FALSE(c.certainty_percent.has_value());
  EXPECT_TRUE(c.differential.empty());
  EXPECT_FALSE(c.groups.empty());  // measured: the volumes are still reported
  EXPECT_TRUE(
      HasComment(c, "No diffuse pulmonary hemorrhage pattern: 0.4% of the lungs opacified."));
}

TEST_F(SrContentTest, NotAnalysableHasNoMeasurementsAndNamesTheReason) {
  const SrContent c = Build(NotAnalysableCt());
  EXPECT_TRUE(c.groups.empty());
  EXPECT_TRUE(c.differential.empty());
  EXPECT_FALSE(c.certainty_percent.has_value());
  EXPECT_EQ(c.hemorrhage_value, tmpl_.codes.undetermined);
  ASSERT_EQ(c.comments.size(), 2u);
  EXPECT_EQ(c.comments[0],
            "Not analysable: slices_too_thick (thinnest axial series has 8 mm slices). No "
            "statement about "
            "pulmonary hemorrhage is made.");
  EXPECT_EQ(c.comments[1], tmpl_.wording.disclaimer);
  EXPECT_EQ(c.procedure, tmpl_.codes.procedure_ct);
}

TEST_F(SrContentTest, CtGroupsPerLungCarryVolumesAndPercentsInUcum) {
  const SrContent c = Build(FlaggedCt());
  EXPECT_FALSE(c.radiograph);
  EXPECT_EQ(c.procedure, tmpl_.codes.procedure_ct);
  // Lung, ground glass, consolidation for right, left and both, then the whole-lung pattern.
  ASSERT_EQ(c.groups.size(), 10u);
  std::set<std::string> ids;
  for (const MeasurementGroup& g : c.groups) ids.insert(g.tracking_id);
  EXPECT_EQ(ids.size(), c.groups.size()) << "tracking identifiers must be unique";

  const MeasurementGroup* right = Group(c, "Right lung");
  ASSERT_NE(right, nullptr);
  EXPECT_FALSE(right->finding.has_value());
  EXPECT_EQ(right->laterality, tmpl_.codes.right);
  ASSERT_EQ(right->measurements.size(), 1u);
  EXPECT_EQ(right->measurements[0].name, VolumeConcept());
  EXPECT_EQ(right->measurements[0].unit, (CodedConcept{"cm3", "UCUM", "cubic centimeter"}));
  EXPECT_DOUBLE_EQ(right->measurements[0].value, 2650.4);

  const MeasurementGroup* ggo = Group(c, "Right lung, Ground glass opacity");
  ASSERT_NE(ggo, nullptr);
  EXPECT_EQ(ggo->finding, tmpl_.codes.ground_glass);
  EXPECT_EQ(ggo->laterality, tmpl_.codes.right);
  ASSERT_EQ(ggo->measurements.size(), 2u);
  EXPECT_EQ(ggo->measurements[0].unit.value, "cm3");
  EXPECT_DOUBLE_EQ(ggo->measurements[0].value, 1014.0);  // 2650.4 ml x 38.26 %, to 0.1 ml
  EXPECT_EQ(ggo->measurements[1].name, tmpl_.codes.percent_involved);
  EXPECT_EQ(ggo->measurements[1].unit, (CodedConcept{"%", "UCUM", "percent"}));
  EXPECT_DOUBLE_EQ(ggo->measurements[1].value, 38.3);

  const MeasurementGroup* left_consolidation = Group(c, "Left lung, Lung consolidation");
  ASSERT_NE(left_consolidation, nullptr);
  EXPECT_EQ(left_consolidation->finding, tmpl_.codes.consolidation);
  EXPECT_EQ(left_consolidation->laterality, tmpl_.codes.left);
  EXPECT_DOUBLE_EQ(left_consolidation->measurements[1].value, 5.0);  // 4.95 rounds to 5.0

  const MeasurementGroup* both = Group(c, "Both lungs, Ground glass opacity");
  ASSERT_NE(both, nullptr);
  EXPECT_EQ(both->laterality, tmpl_.codes.bilateral);
  for (const MeasurementGroup& g : c.groups) {
    for (const Measurement& m : g.measurements) EXPECT_EQ(m.unit.scheme, "UCUM") << g.tracking_id;
  }
}

TEST_F(SrContentTest, CtWithoutVolumeReportsPercentOnly) {
  ClassificationResult r = FlaggedCt();
  r.right->volume_ml.reset();
  const SrContent c = Build(r);
  const MeasurementGroup* right = Group(c, "Right lung");
  ASSERT_NE(right, nullptr);
  EXPECT_TRUE(right->measurements.empty());
  const MeasurementGroup* ggo = Group(c, "Right lung, Ground glass opacity");
  ASSERT_NE(ggo, nullptr);
  ASSERT_EQ(ggo->measurements.size(), 1u);
  EXPECT_EQ(ggo->measurements[0].name, tmpl_.codes.percent_involved);
}

TEST_F(SrContentTest, PatternGroupDescribesDistributionLocationAndCrazyPaving) {
  const SrContent flagged = Build(FlaggedCt());
  const MeasurementGroup& pattern = flagged.groups.back();
  EXPECT_EQ(pattern.tracking_id, "Lung opacity pattern");
  EXPECT_EQ(pattern.finding, tmpl_.codes.abnormal_opacity);
  EXPECT_EQ(pattern.laterality, tmpl_.codes.bilateral);
  ASSERT_EQ(pattern.measurements.size(), 1u);
  EXPECT_DOUBLE_EQ(pattern.measurements[0].value, 42.3);  // whole-lung opacity 42.31 %
  ASSERT_NE(Evaluation(pattern, "112006"), nullptr);
  EXPECT_EQ(*Evaluation(pattern, "112006"), tmpl_.codes.diffuse);
  ASSERT_NE(Evaluation(pattern, "112013"), nullptr);
  EXPECT_EQ(*Evaluation(pattern, "112013"), tmpl_.codes.central);
  ASSERT_NE(Evaluation(pattern, tmpl_.codes.crazy_paving.value), nullptr);
  EXPECT_EQ(*Evaluation(pattern, tmpl_.codes.crazy_paving.value), tmpl_.codes.present);

  // Nothing worth a differential: no distribution or location; crazy paving measured absent on CT.
  const SrContent not_flagged = Build(NotFlaggedCt());
  const MeasurementGroup& clear = not_flagged.groups.back();
  EXPECT_EQ(Evaluation(clear, "112006"), nullptr);
  EXPECT_EQ(Evaluation(clear, "112013"), nullptr);
  ASSERT_NE(Evaluation(clear, tmpl_.codes.crazy_paving.value), nullptr);
  EXPECT_EQ(*Evaluation(clear, tmpl_.codes.crazy_paving.value), tmpl_.codes.absent);
}

TEST_F(SrContentTest, NonDiffuseOpacityIsFocalOrMultifocalAndPeripheral) {
  ClassificationResult r = FlaggedCt();
  r.status = ResultStatus::kNotFlagged;
  r.diffuse_bilateral = false;
  r.findings = {"focal", "peripheral", "unilateral"};
  const MeasurementGroup focal = Build(r).groups.back();
  ASSERT_NE(Evaluation(focal, "112006"), nullptr);
  EXPECT_EQ(*Evaluation(focal, "112006"), tmpl_.codes.focal);
  ASSERT_NE(Evaluation(focal, "112013"), nullptr);
  EXPECT_EQ(*Evaluation(focal, "112013"), tmpl_.codes.peripheral);

  r.findings = {"peripheral"};
  const MeasurementGroup multifocal = Build(r).groups.back();
  ASSERT_NE(Evaluation(multifocal, "112006"), nullptr);
  EXPECT_EQ(*Evaluation(multifocal, "112006"), tmpl_.codes.multifocal);
}

TEST_F(SrContentTest, DifferentialKeepsRankOrderCodesAndReasons) {
  const ClassificationResult r = FlaggedCt();
  const SrContent c = Build(r);
  ASSERT_EQ(c.differential.size(), r.differential.size());
  for (std::size_t i = 0; i < c.differential.size(); ++i) {
    const DifferentialItem& item = c.differential[i];
    EXPECT_EQ(item.rank, static_cast<int>(i) + 1);
    EXPECT_EQ(item.diagnosis,
              (CodedConcept{r.differential[i].code, "SCT", r.differential[i].meaning}));
    EXPECT_EQ(item.reasons.rfind("rank " + std::to_string(i + 1) + ": ", 0), 0u) << item.reasons;
    for (const std::string& reason : r.differential[i].reasons) {
      EXPECT_NE(item.reasons.find(reason), std::string::npos) << reason;
    }
  }
  EXPECT_EQ(c.differential[0].diagnosis.value, "78144005");
  EXPECT_EQ(c.differential[1].diagnosis.value, "67782005");
  EXPECT_EQ(c.differential[2].reasons,
            "rank 3: bilateral diffuse opacity (42% of lung, both lungs > 25%); against: no "
            "effusion (0 ml)");
}

TEST_F(SrContentTest, SentencesHaveTheirPlaceholdersFilled) {
  const SrContent c = Build(FlaggedCt());
  ASSERT_EQ(c.comments.size(), 2u);
  EXPECT_EQ(
      c.comments[0],
      "Possible diffuse pulmonary hemorrhage pattern: bilateral diffuse air-space opacity "
      "involving 42.3% of "
      "the lungs. Certainty 72%. Most likely cause on the distribution: Pulmonary hemorrhage.");
  EXPECT_EQ(c.comments[1], tmpl_.wording.disclaimer);
  for (const std::string& comment : c.comments)
    EXPECT_EQ(comment.find('{'), std::string::npos) << comment;
  EXPECT_EQ(c.algorithm.name, TestAlgorithm().name);
}

TEST_F(SrContentTest, FewSliceCtAddsTheKeyImagesNote) {
  ClassificationResult r = FlaggedCt();
  r.analysis = "ct_2d";
  const SrContent c = Build(r);
  EXPECT_TRUE(HasComment(c, tmpl_.wording.key_images_note));
  EXPECT_FALSE(HasComment(c, tmpl_.wording.radiograph_note));
  EXPECT_FALSE(c.radiograph);
}

TEST_F(SrContentTest, RadiographGroupsReportOpacityPerLungField) {
  const SrContent c = Build(FlaggedRadiograph());
  EXPECT_TRUE(c.radiograph);
  EXPECT_EQ(c.procedure, tmpl_.codes.procedure_xr);
  EXPECT_EQ(c.hemorrhage_value, tmpl_.codes.undetermined);  // certainty 15 < 20
  ASSERT_EQ(c.groups.size(), 4u);
  const CodedConcept* sides[] = {&tmpl_.codes.right, &tmpl_.codes.left, &tmpl_.codes.bilateral};
  const double percents[] = {46.0, 41.0, 43.5};
  for (std::size_t i = 0; i < 3; ++i) {
    const MeasurementGroup& g = c.groups[i];
    EXPECT_EQ(g.finding, tmpl_.codes.opacity);
    EXPECT_EQ(g.laterality, *sides[i]);
    ASSERT_EQ(g.measurements.size(), 1u) << "radiographs have no volumes";
    EXPECT_EQ(g.measurements[0].name, tmpl_.codes.percent_involved);
    EXPECT_DOUBLE_EQ(g.measurements[0].value, percents[i]);
  }
  EXPECT_EQ(c.groups[0].tracking_id, "Right lung, Opacity");
  // Crazy paving cannot be seen on a radiograph: no statement either way.
  EXPECT_EQ(Evaluation(c.groups.back(), tmpl_.codes.crazy_paving.value), nullptr);
  EXPECT_TRUE(HasComment(c, tmpl_.wording.radiograph_note));
  EXPECT_EQ(c.differential.size(), 2u);
}

TEST_F(SrContentTest, RadiographIsRecognisedByModalityWhenAnalysisIsEmpty) {
  ClassificationResult r = NotAnalysableCt();
  r.modality = "CR";
  r.reason = classifier::NotAnalysableReason::kNonFrontalView;
  r.reason_detail = "lateral view only";
  const SrContent c = Build(r);
  EXPECT_TRUE(c.radiograph);
  EXPECT_EQ(c.procedure, tmpl_.codes.procedure_xr);
  EXPECT_TRUE(HasComment(c, "Not analysable: non_frontal_view (lateral view only)."));
  EXPECT_FALSE(HasComment(c, tmpl_.wording.radiograph_note))
      << "no analysis, no note about its certainty";
}

TEST(FillPlaceholdersTest, ReplacesEveryOccurrenceAndKeepsUnknownOnes) {
  EXPECT_EQ(FillPlaceholders("{a} and {a}, {b}; {c}", {{"a", "1"}, {"b", "two"}}),
            "1 and 1, two; {c}");
  EXPECT_EQ(FillPlaceholders("", {{"a", "1"}}), "");
  EXPECT_EQ(FillPlaceholders("no placeholders", {}), "no placeholders");
}

TEST(FillPlaceholdersTest, ValuesAreNotExpandedAgain) {
  // A value that contains a placeholder (even its own) is inserted verbatim, without looping.
  EXPECT_EQ(FillPlaceholders("{a}{a}", {{"a", "{a}"}}), "{a}{a}");
  EXPECT_EQ(FillPlaceholders("{a}", {{"a", "{b}"}, {"b", "x"}}), "{b}");
}

TEST(FillPlaceholdersTest, UnbalancedBracesStayAsTheyAre) {
  EXPECT_EQ(FillPlaceholders("50{% {a}", {{"a", "1"}}), "50{% 1");
  EXPECT_EQ(FillPlaceholders("{a", {{"a", "1"}}), "{a");
  EXPECT_EQ(FillPlaceholders("a} {a}", {{"a", "1"}}), "a} 1");
}

}  // namespace
}  // namespace alveo::sr::testing
