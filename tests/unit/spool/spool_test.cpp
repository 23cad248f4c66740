// SPDX-License-Identifier: Apache-2.0
// The spool against the real file system with injected failures: a failed step never leaves a
// half-written or unjournaled instance behind, and recovery reads back exactly what was committed.
#include "spool/spool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <fstream>
#include <sstream>

#include "core/uid.h"
#include "faulty_file_system.h"

namespace alveo::spool {
namespace {

namespace fs = std::filesystem;
using testing::FaultyFileSystem;
using Op = FaultyFileSystem::Op;

std::string ReadAll(const std::string& path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

class SpoolTest : public ::testing::TestWithParam<SyncMode> {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("alveo-spool-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    settings_.data_dir = root_.string();
    settings_.min_free_bytes = 0;
    settings_.sync_mode = GetParam();
    Reopen();
  }
  void TearDown() override { fs::remove_all(root_); }
  void Reopen() {
    spool_.reset();
    auto opened = Spool::Open(settings_, fs_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    spool_ = std::move(*opened);
  }

  InstanceMeta Meta(const std::string& sop, const std::string& study = "1.2.3") {
    InstanceMeta meta;
    meta.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
    meta.sop_instance_uid = sop;
    meta.study_instance_uid = study;
    meta.series_instance_uid = study + ".1";
    meta.modality = "CT";
    meta.image_position = std::array<double, 3>{1.5, -2.25, 300.125};
    meta.images_in_acquisition = 3;
    return meta;
  }

  Result<CommitResult> Store(const std::string& sop, const std::string& payload = "DICM-bytes",
                             const std::string& study = "1.2.3") {
    auto pending = spool_->BeginInstance();
    if (!pending.ok()) return pending.status();
    if (!(*pending)->Write(payload.data(), payload.size())) return (*pending)->status();
    return spool_->Commit(std::move(*pending), Meta(sop, study), Provenance{"MODALITY", "10.0.0.1", 7, FromUnixMillis(42)});
  }

  std::size_t FilesUnder(const std::string& sub) {
    std::size_t count = 0;
    if (!fs::exists(root_ / sub)) return 0;
    for (const auto& entry : fs::recursive_directory_iterator(root_ / sub)) count += entry.is_regular_file();
    return count;
  }

  fs::path root_;
  SpoolSettings settings_;
  FaultyFileSystem fs_;
  std::unique_ptr<Spool> spool_;
};

TEST_P(SpoolTest, CommitMakesTheInstanceDurableJournaledAndRecoverable) {
  auto result = Store("1.2.3.4", "payload-1");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result->duplicate);
  EXPECT_EQ(result->instance.study_key, StudyKeyFor("1.2.3"));
  EXPECT_EQ(ReadAll(spool_->AbsolutePath(result->instance.file)), "payload-1");
  EXPECT_EQ(FilesUnder("incoming"), 0u);
  if (GetParam() == SyncMode::kSyncfs) {
    EXPECT_GE(fs_.syncfs_calls(), 1);
  } else {
    EXPECT_GE(fs_.fsync_calls(), 2);  // file + folder
  }

  Reopen();
  const auto recovered = spool_->Recover();
  ASSERT_EQ(recovered.size(), 1u);
  EXPECT_EQ(recovered[0].study_instance_uid, "1.2.3");
  ASSERT_EQ(recovered[0].instances.size(), 1u);
  const StoredInstance& back = recovered[0].instances[0];
  EXPECT_EQ(back.meta.sop_instance_uid, "1.2.3.4");
  EXPECT_EQ(back.meta.image_position->at(2), 300.125);
  EXPECT_EQ(back.meta.images_in_acquisition, 3);
  EXPECT_EQ(back.provenance.calling_ae, "MODALITY");
  EXPECT_EQ(back.provenance.peer_host, "10.0.0.1");
  EXPECT_EQ(back.size_bytes, 9u);
}

TEST_P(SpoolTest, DuplicateSopInstanceIsStoredOnce) {
  ASSERT_TRUE(Store("1.2.3.4", "first").ok());
  auto again = Store("1.2.3.4", "second");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(FilesUnder("incoming"), 0u);
  Reopen();
  const auto recovered = spool_->Recover();
  ASSERT_EQ(recovered.size(), 1u);
  EXPECT_EQ(recovered[0].instances.size(), 1u);
  EXPECT_EQ(ReadAll(spool_->AbsolutePath(recovered[0].instances[0].file)), "first");
}

TEST_P(SpoolTest, ConcurrentCopiesOfOneInstanceAreStoredOnce) {
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::atomic<int> stored{0}, duplicates{0}, failed{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto result = Store("1.2.3.4", "copy-" + std::to_string(i));
      if (!result.ok()) {
        ++failed;
      } else {
        ++(result->duplicate ? duplicates : stored);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(stored.load(), 1);
  EXPECT_EQ(duplicates.load(), kThreads - 1);
  EXPECT_EQ(FilesUnder("incoming"), 0u);
  Reopen();
  const auto recovered = spool_->Recover();
  ASSERT_EQ(recovered.size(), 1u);
  EXPECT_EQ(recovered[0].instances.size(), 1u);
}

TEST_P(SpoolTest, FailedWriteLeavesNothingBehind) {
  fs_.FailNext(Op::kWrite, ENOSPC);
  auto result = Store("1.2.3.4");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kIoError);
  EXPECT_EQ(FilesUnder("incoming"), 0u);
  EXPECT_EQ(FilesUnder("studies"), 0u);
}

TEST_P(SpoolTest, FailedSyncLeavesNothingAcknowledged) {
  fs_.FailNext(GetParam() == SyncMode::kSyncfs ? Op::kSyncfs : Op::kFsync);
  auto result = Store("1.2.3.4");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kIoError);
  EXPECT_EQ(FilesUnder("incoming"), 0u);
  Reopen();
  EXPECT_TRUE(spool_->Recover().empty());
  // The sender's retry then succeeds and is stored normally.
  ASSERT_TRUE(Store("1.2.3.4").ok());
  Reopen();
  ASSERT_EQ(spool_->Recover().size(), 1u);
}

TEST_P(SpoolTest, FailedRenameLeavesNothingBehind) {
  fs_.FailNext(Op::kRename);
  ASSERT_FALSE(Store("1.2.3.4").ok());
  EXPECT_EQ(FilesUnder("incoming"), 0u);
  EXPECT_EQ(FilesUnder("studies"), 0u);
}

TEST_P(SpoolTest, FailedJournalAppendRemovesTheInstanceFile) {
  ASSERT_TRUE(Store("1.2.3.1").ok());
  fs_.FailNext(Op::kJournalWrite);
  ASSERT_FALSE(Store("1.2.3.2").ok());
  Reopen();
  const auto recovered = spool_->Recover();
  ASSERT_EQ(recovered.size(), 1u);
  EXPECT_EQ(recovered[0].instances.size(), 1u);
  ASSERT_TRUE(Store("1.2.3.2").ok());  // a retry is not mistaken for a duplicate
}

TEST_P(SpoolTest, BelowTheWatermarkNewInstancesAreRefused) {
  settings_.min_free_bytes = 1024ull * 1024 * 1024;
  Reopen();
  fs_.SetFreeBytes(1024 * 1024);
  auto pending = spool_->BeginInstance();
  ASSERT_FALSE(pending.ok());
  EXPECT_EQ(pending.status().code(), ErrorCode::kDiskFull);
  EXPECT_EQ(Describe(pending.status().code()).dimse_status, 0xA700);
  fs_.SetFreeBytes(std::nullopt);
}

TEST_P(SpoolTest, RecoveryDropsUnacknowledgedLeftovers) {
  ASSERT_TRUE(Store("1.2.3.1").ok());
  const std::string study_dir = (root_ / "studies" / StudyKeyFor("1.2.3")).string();
  std::ofstream(study_dir + "/orphan.dcm") << "renamed but never journaled";
  std::ofstream(root_ / "incoming" / "123-4.part") << "half a transfer";
  std::ofstream(study_dir + "/journal", std::ios::app) << "\ninstance\tsop=1.2.3.9\tfile=x";  // torn
  Reopen();
  EXPECT_EQ(FilesUnder("incoming"), 0u);
  const auto recovered = spool_->Recover();
  ASSERT_EQ(recovered.size(), 1u);
  EXPECT_EQ(recovered[0].instances.size(), 1u);
  EXPECT_FALSE(fs::exists(study_dir + "/orphan.dcm"));
  ASSERT_TRUE(Store("1.2.3.2").ok());  // appends after a torn line still decode
  Reopen();
  EXPECT_EQ(spool_->Recover()[0].instances.size(), 2u);
}

TEST_P(SpoolTest, EventsAreJournaledInOrder) {
  ASSERT_TRUE(Store("1.2.3.1").ok());
  const std::string key = StudyKeyFor("1.2.3");
  ASSERT_TRUE(spool_->AppendEvent(key, {StudyEventType::kComplete, 1, FromUnixMillis(5), CompletionReason::kEvidence, "", 1}).ok());
  ASSERT_TRUE(spool_->AppendEvent(key, {StudyEventType::kProcessed, 1, FromUnixMillis(6), {}, "fine", 0}).ok());
  EXPECT_EQ(spool_->AppendEvent(StudyKeyFor("9.9"), {}).code(), ErrorCode::kNotFound);
  Reopen();
  const auto events = spool_->Recover()[0].events;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, StudyEventType::kComplete);
  EXPECT_EQ(events[0].reason, CompletionReason::kEvidence);
  EXPECT_EQ(events[0].instance_count, 1u);
  EXPECT_EQ(events[1].type, StudyEventType::kProcessed);
  EXPECT_EQ(events[1].detail, "fine");
}

TEST_P(SpoolTest, HostileUidsNeverLeaveTheDataFolder) {
  // The SCP rejects such UIDs before this point; the spool is safe even if it did not.
  auto result = Store("../../../etc/x", "evil", "../../y");
  ASSERT_TRUE(result.ok());
  const fs::path stored = fs::weakly_canonical(spool_->AbsolutePath(result->instance.file));
  EXPECT_EQ(stored.string().rfind(fs::weakly_canonical(root_).string(), 0), 0u) << stored;
  EXPECT_EQ(result->instance.file.find(".."), std::string::npos);
}

TEST_P(SpoolTest, RetentionRemovesOnlyAnUnchangedStudy) {
  ASSERT_TRUE(Store("1.2.3.1").ok());
  ASSERT_TRUE(Store("1.2.3.2").ok());
  const std::string key = StudyKeyFor("1.2.3");
  auto refused = spool_->RemoveStudyIfUnchanged(key, 1);  // the caller saw one; two are stored
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(*refused);
  EXPECT_EQ(FilesUnder("studies"), 3u);
  auto removed = spool_->RemoveStudyIfUnchanged(key, 2);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(*removed);
  EXPECT_EQ(FilesUnder("studies"), 0u);
  EXPECT_EQ(FilesUnder("trash"), 0u);
}

INSTANTIATE_TEST_SUITE_P(SyncModes, SpoolTest, ::testing::Values(SyncMode::kSyncfs, SyncMode::kFsync),
                         [](const auto& param_info) {
                           return param_info.param == SyncMode::kSyncfs ? "syncfs" : "fsync";
                         });

}  // namespace
}  // namespace alveo::spool
