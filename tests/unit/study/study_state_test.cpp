// SPDX-License-Identifier: Apache-2.0
// The study state machine with a fake clock: time is a value we advance by hand.
#include "study/study_state.h"

#include <gtest/gtest.h>

#include "study_fixtures.h"

namespace alveo::study {
namespace {

using testing::CtSlice;
using testing::Radiograph;

class StudyStateTest : public ::testing::Test {
 protected:
  StudyStateTest() {
    settings_.quiet_period_ms = 5000;
    settings_.early_completion = true;
    settings_.early_completion_grace_ms = 500;
  }
  TimePoint At(int ms) const { return start_ + Millis(ms); }
  StudyState NewStudy() { return StudyState(StudyKeyFor("1.2.3"), "1.2.3", settings_); }

  StudySettings settings_;
  const TimePoint start_ = FromUnixMillis(1'800'000'000'000);
};

TEST_F(StudyStateTest, CompletesWhenTheQuietPeriodEndsAfterTheLastInstance) {
  StudyState study = NewStudy();
  study.AddInstance(CtSlice("1.2.3", "1.2.3.1", 0), At(0));
  study.AddInstance(CtSlice("1.2.3", "1.2.3.1", 1), At(3000));
  ASSERT_TRUE(study.Deadline().has_value());
  EXPECT_EQ(*study.Deadline(), At(8000));  // quiet period restarts with every instance
  EXPECT_FALSE(study.OnDeadline(At(7999)).has_value());
  const auto manifest = study.OnDeadline(At(8000));
  ASSERT_TRUE(manifest.has_value());
  EXPECT_EQ(manifest->version, 1);
  EXPECT_EQ(manifest->reason, CompletionReason::kQuietPeriod);
  EXPECT_EQ(manifest->instances.size(), 2u);
  EXPECT_EQ(study.phase(), StudyPhase::kComplete);
  EXPECT_FALSE(study.Deadline().has_value());
}

TEST_F(StudyStateTest, InstancesArrivingOutOfOrderStillCompleteOnce) {
  StudyState study = NewStudy();
  for (int i : {4, 0, 3, 1, 2}) study.AddInstance(CtSlice("1.2.3", "1.2.3.1", i), At(i * 10));
  const auto manifest = study.OnDeadline(At(40 + 5000));
  ASSERT_TRUE(manifest.has_value());
  EXPECT_EQ(manifest->instances.size(), 5u);
  EXPECT_FALSE(study.OnDeadline(At(60000)).has_value());
}

TEST_F(StudyStateTest, ContiguousCtCompletesEarlyAfterReleasePlusGrace) {
  StudyState study = NewStudy();
  for (int i = 0; i < 20; ++i) study.AddInstance(CtSlice("1.2.3", "1.2.3.1", i, 1.25, 7), At(i));
  study.OnAssociationEnded(7, /*released=*/true, At(100));
  ASSERT_TRUE(study.Deadline().has_value());
  EXPECT_EQ(*study.Deadline(), At(600));
  const auto manifest = study.OnDeadline(At(600));
  ASSERT_TRUE(manifest.has_value());
  EXPECT_EQ(manifest->reason, CompletionReason::kEvidence);
}

TEST_F(StudyStateTest, CtWithAGapWaitsForTheQuietPeriod) {
  StudyState study = NewStudy();
  for (int i = 0; i < 20; ++i) {
    if (i != 10) study.AddInstance(CtSlice("1.2.3", "1.2.3.1", i, 1.0, 7), At(i));
  }
  study.OnAssociationEnded(7, true, At(100));
  EXPECT_EQ(*study.Deadline(), At(19 + 5000));
}

TEST_F(StudyStateTest, AbortedAssociationDoesNotCountAsEvidence) {
  StudyState study = NewStudy();
  study.AddInstance(Radiograph("1.2.3", "1.2.3.9", 3), At(0));
  study.OnAssociationEnded(3, /*released=*/false, At(10));
  EXPECT_EQ(*study.Deadline(), At(5000));
}

TEST_F(StudyStateTest, EvidenceWaitsUntilEveryDeliveringAssociationIsReleased) {
  StudyState study = NewStudy();
  study.AddInstance(Radiograph("1.2.3", "1.2.3.8", 1), At(0));
  study.AddInstance(Radiograph("1.2.3", "1.2.3.9", 2), At(5));
  study.OnAssociationEnded(1, true, At(10));
  EXPECT_EQ(*study.Deadline(), At(5005));  // association 2 still open
  study.OnAssociationEnded(2, true, At(20));
  EXPECT_EQ(*study.Deadline(), At(520));
}

TEST_F(StudyStateTest, AnInstanceDuringTheGraceCancelsEarlyCompletion) {
  StudyState study = NewStudy();
  study.AddInstance(Radiograph("1.2.3", "1.2.3.8", 1), At(0));
  study.OnAssociationEnded(1, true, At(10));
  study.AddInstance(Radiograph("1.2.3", "1.2.3.9", 2), At(200));  // next association of the sender
  EXPECT_EQ(*study.Deadline(), At(5200));
  EXPECT_FALSE(study.OnDeadline(At(510)).has_value());
}

TEST_F(StudyStateTest, LateInstanceReopensAndTheNextCompletionIsANewVersion) {
  StudyState study = NewStudy();
  study.AddInstance(Radiograph("1.2.3", "1.2.3.8"), At(0));
  ASSERT_TRUE(study.OnDeadline(At(5000)).has_value());
  study.MarkProcessing(1);
  study.MarkProcessed(1, {true, "done", "{\"status\":\"not_flagged\"}"}, At(5100));
  EXPECT_EQ(study.Summary().result_json, "{\"status\":\"not_flagged\"}");
  EXPECT_EQ(study.phase(), StudyPhase::kProcessed);

  EXPECT_EQ(study.AddInstance(Radiograph("1.2.3", "1.2.3.8"), At(6000)), StudyState::AddResult::kDuplicate);
  EXPECT_EQ(study.phase(), StudyPhase::kProcessed);
  EXPECT_EQ(study.AddInstance(Radiograph("1.2.3", "1.2.3.9"), At(7000)), StudyState::AddResult::kReopened);
  EXPECT_EQ(study.phase(), StudyPhase::kReceiving);
  const auto second = study.OnDeadline(At(12000));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->version, 2);
  EXPECT_EQ(second->instances.size(), 2u);
}

TEST_F(StudyStateTest, AResultForASupersededVersionDoesNotOverwriteTheNewOne) {
  StudyState study = NewStudy();
  study.AddInstance(Radiograph("1.2.3", "1.2.3.8"), At(0));
  ASSERT_TRUE(study.OnDeadline(At(5000)));
  study.MarkProcessing(1);
  study.AddInstance(Radiograph("1.2.3", "1.2.3.9"), At(5500));  // re-opens while v1 runs
  study.MarkProcessed(1, {true, "v1", ""}, At(5600));
  EXPECT_EQ(study.phase(), StudyPhase::kReceiving);
}

TEST_F(StudyStateTest, RestoreResumesTheQuietPeriodOfAnIncompleteStudy) {
  RecoveredStudy recovered;
  recovered.study_key = StudyKeyFor("1.2.3");
  recovered.study_instance_uid = "1.2.3";
  for (int i = 0; i < 3; ++i) {
    auto slice = CtSlice("1.2.3", "1.2.3.1", i);
    slice.provenance.received_at = At(i * 1000);
    recovered.instances.push_back(slice);
  }
  StudyState study = StudyState::Restore(recovered, settings_);
  EXPECT_EQ(study.phase(), StudyPhase::kReceiving);
  EXPECT_EQ(study.instance_count(), 3u);
  EXPECT_EQ(*study.Deadline(), At(2000 + 5000));  // remaining quiet time, not a fresh period
  EXPECT_FALSE(study.PendingManifest().has_value());
}

TEST_F(StudyStateTest, RestoreRequeuesACompleteButUnprocessedVersion) {
  RecoveredStudy recovered;
  recovered.study_key = StudyKeyFor("1.2.3");
  recovered.study_instance_uid = "1.2.3";
  recovered.instances.push_back(Radiograph("1.2.3", "1.2.3.8"));
  recovered.events.push_back({StudyEventType::kComplete, 1, At(5000), CompletionReason::kEvidence, "", 1});
  StudyState study = StudyState::Restore(recovered, settings_);
  EXPECT_EQ(study.phase(), StudyPhase::kComplete);
  const auto pending = study.PendingManifest();
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->version, 1);
  EXPECT_EQ(pending->instances.size(), 1u);
}

TEST_F(StudyStateTest, RestoreKeepsProcessedStudiesDoneAndReopensOnesWithLaterInstances) {
  RecoveredStudy recovered;
  recovered.study_key = StudyKeyFor("1.2.3");
  recovered.study_instance_uid = "1.2.3";
  recovered.instances.push_back(Radiograph("1.2.3", "1.2.3.8"));
  recovered.events.push_back({StudyEventType::kComplete, 1, At(5000), CompletionReason::kQuietPeriod, "", 1});
  recovered.events.push_back({StudyEventType::kProcessed, 1, At(5100), {}, "ok", 0});
  StudyState done = StudyState::Restore(recovered, settings_);
  EXPECT_EQ(done.phase(), StudyPhase::kProcessed);
  EXPECT_FALSE(done.PendingManifest().has_value());

  auto late = Radiograph("1.2.3", "1.2.3.9");
  late.provenance.received_at = At(9000);
  recovered.instances.push_back(late);
  StudyState reopened = StudyState::Restore(recovered, settings_);
  EXPECT_EQ(reopened.phase(), StudyPhase::kReceiving);
  EXPECT_EQ(*reopened.Deadline(), At(14000));
  const auto v2 = reopened.OnDeadline(At(14000));
  ASSERT_TRUE(v2.has_value());
  EXPECT_EQ(v2->version, 2);
}

TEST_F(StudyStateTest, ForceCompleteOnlyWhileReceiving) {
  StudyState study = NewStudy();
  study.AddInstance(Radiograph("1.2.3", "1.2.3.8"), At(0));
  const auto forced = study.ForceComplete(At(1));
  ASSERT_TRUE(forced.has_value());
  EXPECT_EQ(forced->reason, CompletionReason::kForced);
  EXPECT_FALSE(study.ForceComplete(At(2)).has_value());
}

TEST_F(StudyStateTest, SummaryCountsSeriesAndCarriesNoPatientData) {
  StudyState study = NewStudy();
  study.AddInstance(CtSlice("1.2.3", "1.2.3.1", 0), At(0));
  study.AddInstance(CtSlice("1.2.3", "1.2.3.2", 0), At(1));
  const StudySummary summary = study.Summary();
  EXPECT_EQ(summary.instance_count, 2u);
  EXPECT_EQ(summary.series_count, 2u);
  EXPECT_EQ(summary.modalities, std::vector<std::string>{"CT"});
  EXPECT_EQ(summary.study_key, StudyKeyFor("1.2.3"));
}

}  // namespace
}  // namespace alveo::study
