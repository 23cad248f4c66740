// SPDX-License-Identifier: Apache-2.0
#include "study/completion_evidence.h"

#include <gtest/gtest.h>

#include "study_fixtures.h"

namespace alveo::study {
namespace {

using testing::CtSlice;
using testing::Radiograph;

std::vector<StoredInstance> Series(int count, double spacing = 1.0) {
  std::vector<StoredInstance> slices;
  for (int i = 0; i < count; ++i) slices.push_back(CtSlice("1.2.3", "1.2.3.1", i, spacing));
  return slices;
}

TEST(CompletionEvidenceTest, RadiographStudiesAreCompleteOnRelease) {
  EXPECT_TRUE(HasCompletionEvidence({Radiograph("1.2.3", "1.2.3.4")}));
}

TEST(CompletionEvidenceTest, EvenlySpacedCtSeriesIsComplete) {
  EXPECT_TRUE(HasCompletionEvidence(Series(50, 0.625)));
}

TEST(CompletionEvidenceTest, AMissingSliceInTheMiddleIsAGap) {
  auto slices = Series(50);
  slices.erase(slices.begin() + 20);
  EXPECT_FALSE(HasCompletionEvidence(slices));
}

TEST(CompletionEvidenceTest, ImagesInAcquisitionMustMatchTheCount) {
  auto slices = Series(10);
  for (auto& slice : slices) slice.meta.images_in_acquisition = 12;  // two still to come (at the ends)
  EXPECT_FALSE(HasCompletionEvidence(slices));
  for (auto& slice : slices) slice.meta.images_in_acquisition = 10;
  EXPECT_TRUE(HasCompletionEvidence(slices));
}

TEST(CompletionEvidenceTest, DuplicatePositionsAreNotContiguous) {
  auto slices = Series(10);
  slices.push_back(CtSlice("1.2.3", "1.2.3.1", 4));
  slices.back().meta.sop_instance_uid = "1.2.3.1.99";
  EXPECT_FALSE(HasCompletionEvidence(slices));
}

TEST(CompletionEvidenceTest, LocalizersAndSrsDoNotBlockEvidence) {
  auto slices = Series(10);
  auto scout = CtSlice("1.2.3", "1.2.3.9", 0);
  scout.meta.image_type = "ORIGINAL\\PRIMARY\\LOCALIZER";
  scout.meta.image_orientation = std::array<double, 6>{1, 0, 0, 0, 0, -1};
  slices.push_back(scout);
  EXPECT_TRUE(HasCompletionEvidence(slices));
}

TEST(CompletionEvidenceTest, EverySeriesMustBeComplete) {
  auto slices = Series(10);
  for (int i = 0; i < 10; i += 2) slices.push_back(CtSlice("1.2.3", "1.2.3.2", i));  // every other slice
  slices.push_back(CtSlice("1.2.3", "1.2.3.2", 3));
  EXPECT_FALSE(HasCompletionEvidence(slices));
}

TEST(CompletionEvidenceTest, CtWithoutGeometryCannotBeJudged) {
  auto slices = Series(3);
  slices[1].meta.image_position.reset();
  EXPECT_FALSE(HasCompletionEvidence(slices));
}

}  // namespace
}  // namespace alveo::study
