// SPDX-License-Identifier: Apache-2.0
#include "study/study_filter.h"

#include <gtest/gtest.h>

#include "study_fixtures.h"

namespace alveo::study {
namespace {

using testing::CtSlice;
using testing::Radiograph;

TEST(StudyFilterTest, ChestCtAndChestRadiographsAreAnalysed) {
  const StudyFilter filter{StudyFilterSettings{}};
  EXPECT_TRUE(filter.Decide({CtSlice("1.2.3", "1.2.3.1", 0)}).analyse);
  EXPECT_TRUE(filter.Decide({Radiograph("1.2.3", "1.2.3.4")}).analyse);
}

TEST(StudyFilterTest, ChestIsRecognisedInDescriptionsWhateverTheCase) {
  const StudyFilter filter{StudyFilterSettings{}};
  auto slice = CtSlice("1.2.3", "1.2.3.1", 0);
  slice.meta.body_part_examined = "";
  slice.meta.study_description = "CT Thorax w/o contrast";
  EXPECT_TRUE(filter.Decide({slice}).analyse);
}

TEST(StudyFilterTest, OtherModalitiesAndBodyPartsAreStoredButIgnored) {
  const StudyFilter filter{StudyFilterSettings{}};
  auto mr = CtSlice("1.2.3", "1.2.3.1", 0);
  mr.meta.modality = "MR";
  mr.meta.sop_class_uid = "1.2.840.10008.5.1.4.1.1.4";
  const auto mr_decision = filter.Decide({mr});
  EXPECT_FALSE(mr_decision.analyse);
  EXPECT_NE(mr_decision.reason.find("MR"), std::string::npos);

  auto head = CtSlice("1.2.3", "1.2.3.1", 0);
  head.meta.body_part_examined = "HEAD";
  EXPECT_FALSE(filter.Decide({head}).analyse);
}

TEST(StudyFilterTest, UnlabelledStudiesFollowTheSetting) {
  auto slice = CtSlice("1.2.3", "1.2.3.1", 0);
  slice.meta.body_part_examined = "";
  StudyFilterSettings settings;
  EXPECT_TRUE(StudyFilter(settings).Decide({slice}).analyse);
  settings.analyse_unlabelled = false;
  EXPECT_FALSE(StudyFilter(settings).Decide({slice}).analyse);
}

TEST(StudyFilterTest, ExcludePatternsWin) {
  StudyFilterSettings settings;
  settings.exclude_patterns = {"PHANTOM QA"};
  auto slice = CtSlice("1.2.3", "1.2.3.1", 0);
  slice.meta.series_description = "Phantom QA chest";
  const auto decision = StudyFilter(settings).Decide({slice});
  EXPECT_FALSE(decision.analyse);
  EXPECT_NE(decision.reason.find("PHANTOM QA"), std::string::npos);
}

TEST(StudyFilterTest, SecondaryCaptureCountsAsScModality) {
  StudyFilterSettings settings;
  settings.modalities = {"SC"};
  auto sc = Radiograph("1.2.3", "1.2.3.4");
  sc.meta.sop_class_uid = "1.2.840.10008.5.1.4.1.1.7";
  sc.meta.modality = "OT";
  EXPECT_TRUE(StudyFilter(settings).Decide({sc}).analyse);
}

}  // namespace
}  // namespace alveo::study
