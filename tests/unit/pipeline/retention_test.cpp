// SPDX-License-Identifier: Apache-2.0
// StudyPipeline retention with a real spool and a test clock: a finished study older than
// spool.retention_hours is deleted, except while the retention hold (serve: an SR delivery pending
// in the outbox) says its folder is still needed.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>

#include "pipeline/study_pipeline.h"
#include "spool/spool.h"
#include "support/net_util.h"

namespace alveo::pipeline {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

class TestClock final : public Clock {
 public:
  TimePoint Now() const override { return FromUnixMillis(now_ms_.load()); }
  void Advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }

 private:
  std::atomic<std::int64_t> now_ms_{1'700'000'000'000};
};

class DoneProcessor final : public StudyProcessor {
 public:
  ProcessOutcome Process(const StudyManifest&) override { return ProcessOutcome{true, "done", "{}"}; }
};

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("alveo-retention-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    settings_.spool.data_dir = root_.string();
    settings_.spool.min_free_bytes = 0;
    settings_.spool.retention_hours = 1;
    settings_.study.quiet_period_ms = 100;
    settings_.study.early_completion = false;
    settings_.pipeline.compute_threads = 1;
    auto opened = spool::Spool::Open(settings_.spool);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    spool_ = std::move(*opened);
    pipeline_ = std::make_unique<StudyPipeline>(settings_, *spool_, processor_, clock_);
    pipeline_->HoldRetentionWhile([this](const std::string& key) {
      held_key_ = key;
      ++hold_calls_;
      return hold_.load();
    });
    pipeline_->Start({});
  }
  void TearDown() override {
    if (pipeline_) pipeline_->Stop();
    pipeline_.reset();
    spool_.reset();
    fs::remove_all(root_);
  }

  // Stores one instance of study 1.2.3 and waits until the pipeline has finished the study.
  void StoreFinishedStudy() {
    auto pending = spool_->BeginInstance();
    ASSERT_TRUE(pending.ok()) << pending.status().ToString();
    const std::string payload = "DICM-bytes";
    ASSERT_TRUE((*pending)->Write(payload.data(), payload.size()));
    InstanceMeta meta;
    meta.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
    meta.sop_instance_uid = "1.2.3.4";
    meta.study_instance_uid = "1.2.3";
    meta.series_instance_uid = "1.2.3.1";
    meta.modality = "CT";
    meta.body_part_examined = "CHEST";
    meta.rows = meta.columns = 32;
    auto committed = spool_->Commit(std::move(*pending), meta, Provenance{"MODALITY", "10.0.0.1", 1, clock_.Now()});
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    study_key_ = committed->instance.study_key;
    pipeline_->OnInstanceStored(committed->instance);
    ASSERT_TRUE(testing::WaitUntil(
        [&] {
          clock_.Advance(std::chrono::milliseconds(50));  // the quiet period runs on the pipeline's clock
          const auto study = pipeline_->FindStudy("1.2.3");
          return study && study->processed_at.has_value();
        },
        seconds(30), std::chrono::milliseconds(10)));
  }

  bool StudyFolderExists() const {
    return !study_key_.empty() && fs::exists(spool_->StudyFilePath(study_key_, ""));
  }

  fs::path root_;
  Settings settings_;
  TestClock clock_;
  DoneProcessor processor_;
  std::unique_ptr<spool::Spool> spool_;
  std::unique_ptr<StudyPipeline> pipeline_;
  std::atomic<bool> hold_{false};
  std::atomic<int> hold_calls_{0};
  std::string held_key_;
  std::string study_key_;
};

TEST_F(RetentionTest, AHeldStudyIsKeptAndDeletedOnceReleased) {
  ASSERT_NO_FATAL_FAILURE(StoreFinishedStudy());
  ASSERT_TRUE(StudyFolderExists());

  // Not old enough: the hold is not even asked.
  pipeline_->SweepRetention();
  clock_.Advance(std::chrono::minutes(59));
  pipeline_->SweepRetention();

  // Old enough but held (an SR delivery pending): kept.
  clock_.Advance(std::chrono::minutes(2));
  hold_ = true;
  pipeline_->SweepRetention();
  ASSERT_TRUE(testing::WaitUntil([&] { return hold_calls_.load() == 1; }, seconds(10), std::chrono::milliseconds(5)));
  EXPECT_EQ(held_key_, study_key_);
  EXPECT_TRUE(StudyFolderExists());
  EXPECT_TRUE(pipeline_->FindStudy("1.2.3").has_value());
  EXPECT_EQ(pipeline_->counters().studies_removed.load(), 0u);

  // Released: deleted at the next sweep.
  hold_ = false;
  pipeline_->SweepRetention();
  ASSERT_TRUE(testing::WaitUntil([&] { return pipeline_->counters().studies_removed.load() == 1; }, seconds(10),
                                 std::chrono::milliseconds(5)));
  EXPECT_EQ(hold_calls_.load(), 2);
  EXPECT_FALSE(StudyFolderExists());
}

}  // namespace
}  // namespace alveo::pipeline
