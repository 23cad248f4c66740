// SPDX-License-Identifier: Apache-2.0
// NotifyQueue in a temporary folder: records and entries survive a reopen (pending ones come back,
// delivered ones are not sent again), enqueueing is idempotent and keeps the first record, the
// record codec round-trips, retention forgets finished entries with their records, and a missing
// record turns its entry into a dead letter instead of blocking the queue.
#include "notify/notify_queue.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/scratch_dir.h"

namespace alveo::notify {
namespace {

using alveo::testing::ScratchDir;
using namespace std::chrono_literals;

Notification Make(const std::string& study_key, int version, Priority priority = Priority::kStat) {
  Notification n;
  n.study_instance_uid = "1.2.3." + study_key;
  n.study_key = study_key;
  n.study_version = version;
  n.id = NotificationId(n.study_instance_uid, version, "2.25." + std::to_string(version), "rule",
                        classifier::ResultStatus::kFlagged);
  n.accession_number = "ACC \"quoted\" \\ ü";
  n.modality = "CT";
  n.status = classifier::ResultStatus::kFlagged;
  n.certainty = 87.5;
  n.opacity_percent = 33.3;
  n.top_differential = CodedConcept{"68566005", "SCT", "Diffuse alveolar hemorrhage"};
  n.priority = priority;
  n.sr_sop_instance_uid = "2.25." + std::to_string(version);
  n.created_at = FromUnixMillis(1704190500123);
  return n;
}

class NotifyQueueTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    queue_.reset();
    spool::OutboxPolicy policy;
    policy.max_attempts = 3;
    policy.initial_backoff = 10ms;
    policy.max_backoff = 40ms;
    auto opened = NotifyQueue::Open((dir_ / "notify").string(), policy);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    queue_ = std::move(opened).value();
  }
  TimePoint Now() const { return FromUnixMillis(1704190600000) + offset_; }

  ScratchDir dir_{"notify-queue"};
  std::unique_ptr<NotifyQueue> queue_;
  std::chrono::milliseconds offset_{0};
};

TEST_F(NotifyQueueTest, RecordCodecRoundTrips) {
  Notification n = Make("k", 1);
  EXPECT_EQ(DecodeRecord(EncodeRecord(n)).value(), n);
  n.top_differential.reset();
  n.opacity_percent.reset();
  n.priority = Priority::kNone;
  n.status = classifier::ResultStatus::kNotAnalysable;
  n.reason = "no_images";
  EXPECT_EQ(DecodeRecord(EncodeRecord(n)).value(), n);
  EXPECT_EQ(DecodeRecord("{").status().code(), ErrorCode::kCorruptJournal);
  EXPECT_EQ(DecodeRecord(R"({"version": 2})").status().code(), ErrorCode::kCorruptJournal);
}

TEST_F(NotifyQueueTest, EnqueueIsIdempotentAndKeepsTheFirstRecord) {
  const Notification first = Make("k", 1);
  auto stored = queue_->Enqueue(first, {"hook", "ris"}, Now());
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, first);
  Notification again = first;
  again.created_at += 5s;
  again.priority = Priority::kAsap;
  auto second = queue_->Enqueue(again, {"hook", "ris"}, Now() + 5s);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, first) << "a study processed again keeps its notification as queued";
  EXPECT_EQ(queue_->List().size(), 2u);
  EXPECT_EQ(queue_->Counts().pending, 2u);
  EXPECT_EQ(queue_->HighestPriorityFor("k"), Priority::kStat);
  EXPECT_EQ(queue_->HighestPriorityFor("other"), Priority::kNone);
  Notification bad = first;
  bad.id = "../../etc/passwd";
  EXPECT_EQ(queue_->Enqueue(bad, {"hook"}, Now()).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(NotifyQueueTest, ReopenBringsPendingBackAndNeverResendsDelivered) {
  const Notification a = Make("a", 1);
  const Notification b = Make("b", 1, Priority::kAsap);
  ASSERT_TRUE(queue_->Enqueue(a, {"hook"}, Now()).ok());
  ASSERT_TRUE(queue_->Enqueue(b, {"hook"}, Now() + 1ms).ok());
  auto due = queue_->TakeDue(Now() + 1ms, 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].notification, a);  // oldest first
  EXPECT_EQ(due[0].channel, "hook");
  ASSERT_TRUE(queue_->ReportDelivered(due[0].entry_id, Now() + 2ms).ok());
  // b stays in flight (as at a crash): in memory only, so it is pending after a reopen.

  ASSERT_NO_FATAL_FAILURE(Open());
  const auto list = queue_->List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].state, spool::OutboxState::kDelivered);
  EXPECT_EQ(list[0].notification, a);
  EXPECT_EQ(list[1].state, spool::OutboxState::kPending);
  EXPECT_EQ(list[1].notification, b)
      << "the record reads back identical, so a retry sends the same bytes";
  const auto again = queue_->TakeDue(Now() + 1s, 10);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].notification.id, b.id);
  EXPECT_EQ(queue_->HighestPriorityFor("a"), Priority::kStat) << "remembered across restarts";
}

TEST_F(NotifyQueueTest, FailuresBackOffThenDie) {
  ASSERT_TRUE(queue_->Enqueue(Make("k", 1), {"hook"}, Now()).ok());
  const Status transient(ErrorCode::kPeerUnavailable, "HTTP 503");
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto due = queue_->TakeDue(Now(), 1);
    ASSERT_EQ(due.size(), 1u) << "attempt " << attempt;
    ASSERT_TRUE(queue_->ReportFailed(due[0].entry_id, transient, Now()).ok());
    const auto entry = queue_->Find(due[0].entry_id);
    if (attempt < 3) {
      EXPECT_EQ(entry->state, spool::OutboxState::kPending);
      EXPECT_EQ(entry->next_attempt_at - Now(), std::min(10ms * (1 << (attempt - 1)), 40ms));
      EXPECT_TRUE(queue_->TakeDue(Now(), 1).empty()) << "not due before its back-off";
      offset_ += 100ms;
    } else {
      EXPECT_EQ(entry->state, spool::OutboxState::kDead);
      EXPECT_EQ(entry->last_error, "peer_unavailable: HTTP 503");
    }
  }
  ASSERT_TRUE(queue_->Enqueue(Make("k", 2), {"ris"}, Now()).ok());
  auto due = queue_->TakeDue(Now(), 1);
  ASSERT_EQ(due.size(), 1u);
  ASSERT_TRUE(
      queue_->ReportFailed(due[0].entry_id, Status(ErrorCode::kPeerRejected, "AR"), Now()).ok());
  EXPECT_EQ(queue_->Find(due[0].entry_id)->state, spool::OutboxState::kDead)
      << "a rejection is final at once";
  EXPECT_EQ(queue_->Find(due[0].entry_id)->attempts, 1);
  ASSERT_TRUE(queue_->Retry(due[0].entry_id, Now()).ok());
  EXPECT_EQ(queue_->TakeDue(Now(), 1).size(), 1u);
}

TEST_F(NotifyQueueTest, RetentionForgetsFinishedEntriesAndTheirRecords) {
  const Notification done = Make("a", 1);
  const Notification waiting = Make("b", 1);
  ASSERT_TRUE(queue_->Enqueue(done, {"hook"}, Now()).ok());
  ASSERT_TRUE(queue_->Enqueue(waiting, {"hook"}, Now()).ok());
  for (const auto& item : queue_->TakeDue(Now(), 10)) {
    if (item.notification.id == done.id) {
      ASSERT_TRUE(queue_->ReportDelivered(item.entry_id, Now()).ok());
    } else {
      ASSERT_TRUE(
          queue_->ReportFailed(item.entry_id, Status(ErrorCode::kPeerUnavailable, "x"), Now())
              .ok());
    }
  }
  const auto records = dir_ / "notify" / "records";
  ASSERT_TRUE(std::filesystem::exists(records / (done.id + ".json")));
  EXPECT_EQ(queue_->ForgetFinishedBefore(Now() + 1ms).value(), 1u);
  EXPECT_FALSE(std::filesystem::exists(records / (done.id + ".json")));
  EXPECT_TRUE(std::filesystem::exists(records / (waiting.id + ".json")));
  ASSERT_EQ(queue_->List().size(), 1u);
  EXPECT_EQ(queue_->HighestPriorityFor("a"), Priority::kNone);
}

TEST_F(NotifyQueueTest, AMissingRecordMakesItsEntryDeadInsteadOfBlocking) {
  const Notification n = Make("k", 1);
  ASSERT_TRUE(queue_->Enqueue(n, {"hook"}, Now()).ok());
  queue_.reset();
  const auto record = dir_ / "notify" / "records" / (n.id + ".json");
  std::ofstream(record, std::ios::trunc) << "{ not json";
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_TRUE(std::filesystem::exists(record.string() + ".corrupt"));
  EXPECT_TRUE(queue_->TakeDue(Now(), 10).empty());
  ASSERT_EQ(queue_->Counts().dead, 1u);
  EXPECT_EQ(queue_->List().size(), 0u)
      << "an entry without its record cannot be shown as a notification";
}

}  // namespace
}  // namespace alveo::notify
