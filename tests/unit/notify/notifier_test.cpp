// SPDX-License-Identifier: Apache-2.0
// The Notifier over a real queue in a temporary folder and scripted channels: which results notify
// (flagged; every result only when asked, then without a priority), delivery to every channel,
// retry with back-off until delivered, the dead letter (a rejection at once, or after
// max_attempts), counters per kind, "never lower" across versions of a study, resuming after a
// restart, and an entry whose channel was removed from the configuration.
#include "notify/notifier.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/net_util.h"
#include "support/scratch_dir.h"

namespace alveo::notify {
namespace {

using alveo::testing::ScratchDir;
using alveo::testing::WaitUntil;
using classifier::ResultStatus;
using namespace std::chrono_literals;

// Answers each Deliver with the next scripted status (then `after`) and records what it got.
class ScriptedChannel final : public Channel {
 public:
  ScriptedChannel(std::string name, ChannelKind kind, std::deque<Status> script = {},
                  Status after = Status::Ok())
      : name_(std::move(name)), kind_(kind), script_(std::move(script)), after_(std::move(after)) {}

  const std::string& name() const override { return name_; }
  ChannelKind kind() const override { return kind_; }
  std::string Describe() const override { return "scripted " + name_; }
  Status Deliver(const Notification& notification) override {
    std::lock_guard lock(mutex_);
    calls_.push_back(notification);
    changed_.notify_all();
    if (script_.empty()) return after_;
    Status next = script_.front();
    script_.pop_front();
    return next;
  }

  bool WaitForCalls(std::size_t count, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return calls_.size() >= count; });
  }
  std::vector<Notification> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  const std::string name_;
  const ChannelKind kind_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Status> script_;
  const Status after_;
  std::vector<Notification> calls_;
};

Status Unavailable() { return Status::Error(ErrorCode::kPeerUnavailable, "connection refused"); }
Status Rejected() {
  return Status::Error(ErrorCode::kPeerRejected, "receiver rejected the message (AR)");
}

StudyManifest Manifest(int version = 1, const std::string& key = "key") {
  StudyManifest manifest;
  manifest.study_key = key;
  manifest.study_instance_uid = "1.2.3.4." + key;
  manifest.version = version;
  return manifest;
}

classifier::ClassificationResult Result(ResultStatus status, double certainty) {
  classifier::ClassificationResult result;
  result.status = status;
  result.certainty = certainty;
  result.rule_version = "rule";
  return result;
}

class NotifierTest : public ::testing::Test {
 protected:
  NotifierTest() {
    settings_.threads = 2;
    settings_.max_attempts = 3;
    settings_.initial_backoff_ms = 10;
    settings_.max_backoff_ms = 40;
    settings_.keep_finished_hours = 0;
  }

  // A notifier over the queue in dir_ with these channels (the raw pointers stay valid while it
  // lives).
  std::unique_ptr<Notifier> Make(std::vector<ScriptedChannel*> channels) {
    auto queue = NotifyQueue::Open((dir_ / "notify").string(), NotifyPolicyFrom(settings_));
    EXPECT_TRUE(queue.ok()) << queue.status().ToString();
    std::vector<std::unique_ptr<Channel>> owned;
    for (ScriptedChannel* channel : channels) owned.emplace_back(channel);
    return std::make_unique<Notifier>(settings_, std::move(queue).value(), std::move(owned),
                                      clock_);
  }

  // Every entry of the queue reached `state`, with a bounded wait.
  static bool WaitForAll(Notifier& notifier, spool::OutboxState state, std::size_t count) {
    return WaitUntil(
        [&] {
          const auto list = notifier.queue().List();
          return list.size() == count && std::all_of(list.begin(), list.end(), [&](const auto& e) {
                   return e.state == state;
                 });
        },
        10s, 5ms);
  }

  ScratchDir dir_{"notifier"};
  NotifySettings settings_;
  SystemClock clock_;
};

TEST_F(NotifierTest, AFlaggedStudyGoesToEveryChannel) {
  auto* hook = new ScriptedChannel("hook", ChannelKind::kWebhook);
  auto* ris = new ScriptedChannel("ris", ChannelKind::kHl7);
  auto notifier = Make({hook, ris});
  notifier->Start();
  auto queued = notifier->Notify(Manifest(), Result(ResultStatus::kFlagged, 90), "2.25.9");
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  ASSERT_TRUE(queued->has_value());
  EXPECT_EQ((*queued)->priority, Priority::kStat);
  EXPECT_EQ((*queued)->sr_sop_instance_uid, "2.25.9");
  ASSERT_TRUE(hook->WaitForCalls(1));
  ASSERT_TRUE(ris->WaitForCalls(1));
  EXPECT_EQ(hook->calls()[0], **queued);
  ASSERT_TRUE(WaitForAll(*notifier, spool::OutboxState::kDelivered, 2));
  EXPECT_EQ(notifier->counters(ChannelKind::kWebhook).delivered.load(), 1u);
  EXPECT_EQ(notifier->counters(ChannelKind::kHl7).delivered.load(), 1u);
  // The same study version again (a reprocess): nothing new is sent.
  auto again = notifier->Notify(Manifest(), Result(ResultStatus::kFlagged, 90), "2.25.9");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->id, (*queued)->id);
  EXPECT_EQ(notifier->queue().List().size(), 2u);
  notifier->Stop();
  EXPECT_EQ(hook->calls().size(), 1u);
}

TEST_F(NotifierTest, ResultsThatAreNotFlaggedNotifyOnlyWithEveryResultAndWithoutPriority) {
  auto* hook = new ScriptedChannel("hook", ChannelKind::kWebhook);
  auto notifier = Make({hook});
  auto none = notifier->Notify(Manifest(), Result(ResultStatus::kNotFlagged, 5), "");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_TRUE(notifier->queue().List().empty());

  settings_.every_result = true;  // the notifier reads its settings by reference
  auto normal = notifier->Notify(Manifest(1, "n"), Result(ResultStatus::kNotFlagged, 5), "");
  auto unreadable = notifier->Notify(Manifest(1, "u"), Result(ResultStatus::kNotAnalysable, 0), "");
  ASSERT_TRUE(normal.ok() && normal->has_value());
  ASSERT_TRUE(unreadable.ok() && unreadable->has_value());
  EXPECT_EQ((*normal)->priority, Priority::kNone);
  EXPECT_EQ((*unreadable)->priority, Priority::kNone);
  notifier->Start();
  ASSERT_TRUE(hook->WaitForCalls(2));
  for (const auto& call : hook->calls()) EXPECT_EQ(call.priority, Priority::kNone);
  notifier->Stop();
}

TEST_F(NotifierTest, TransientFailuresAreRetriedWithBackOffUntilDelivered) {
  auto* hook = new ScriptedChannel("hook", ChannelKind::kWebhook, {Unavailable(), Unavailable()});
  auto notifier = Make({hook});
  notifier->Start();
  ASSERT_TRUE(notifier->Notify(Manifest(), Result(ResultStatus::kFlagged, 50), "").ok());
  ASSERT_TRUE(hook->WaitForCalls(3));
  ASSERT_TRUE(WaitForAll(*notifier, spool::OutboxState::kDelivered, 1));
  const auto entry = notifier->queue().List().at(0);
  EXPECT_EQ(entry.attempts, 3);
  EXPECT_EQ(entry.last_error, "peer_unavailable: connection refused");
  EXPECT_EQ(notifier->counters(ChannelKind::kWebhook).retried.load(), 2u);
  EXPECT_EQ(notifier->counters(ChannelKind::kWebhook).delivered.load(), 1u);
  EXPECT_EQ(notifier->counters(ChannelKind::kWebhook).dead.load(), 0u);
  const auto calls = hook->calls();
  for (const auto& call : calls)
    EXPECT_EQ(call, calls[0]) << "every retry sends the same notification";
  notifier->Stop();
}

TEST_F(NotifierTest, ARejectionIsADeadLetterAtOnceAndRepeatedFailuresAfterMaxAttempts) {
  auto* ris = new ScriptedChannel("ris", ChannelKind::kHl7, {Rejected()});
  auto* hook = new ScriptedChannel("hook", ChannelKind::kWebhook, {}, Unavailable());
  auto notifier = Make({ris, hook});
  notifier->Start();
  ASSERT_TRUE(notifier->Notify(Manifest(), Result(ResultStatus::kFlagged, 90), "").ok());
  ASSERT_TRUE(WaitForAll(*notifier, spool::OutboxState::kDead, 2));
  notifier->Stop();
  EXPECT_EQ(ris->calls().size(), 1u);
  EXPECT_EQ(hook->calls().size(), 3u);  // max_attempts
  EXPECT_EQ(notifier->counters(ChannelKind::kHl7).dead.load(), 1u);
  EXPECT_EQ(notifier->counters(ChannelKind::kHl7).retried.load(), 0u);
  EXPECT_EQ(notifier->counters(ChannelKind::kWebhook).dead.load(), 1u);
  EXPECT_EQ(notifier->counters(ChannelKind::kWebhook).retried.load(), 2u);
}

TEST_F(NotifierTest, AReopenedStudyNeverAsksForALowerPriority) {
  auto* hook = new ScriptedChannel("hook", ChannelKind::kWebhook);
  auto notifier = Make({hook});
  const auto priority_of = [&](int version, double certainty) {
    auto queued =
        notifier->Notify(Manifest(version), Result(ResultStatus::kFlagged, certainty), "");
    EXPECT_TRUE(queued.ok() && queued->has_value());
    return queued.ok() && queued->has_value() ? (*queued)->priority : Priority::kNone;
  };
  EXPECT_EQ(priority_of(1, 50), Priority::kAsap);
  EXPECT_EQ(priority_of(2, 20), Priority::kNone) << "ROUTINE would lower the ASAP we asked for";
  EXPECT_EQ(priority_of(3, 95), Priority::kStat) << "raising is always allowed";
  EXPECT_EQ(priority_of(4, 60), Priority::kNone);
  EXPECT_EQ(priority_of(5, 80), Priority::kStat);
  // Another study is independent.
  auto other = notifier->Notify(Manifest(1, "other"), Result(ResultStatus::kFlagged, 10), "");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)->priority, Priority::kRoutine);
}

TEST_F(NotifierTest, PendingEntriesAreDeliveredAfterARestart) {
  {
    auto* hook = new ScriptedChannel("hook", ChannelKind::kWebhook);
    auto notifier = Make({hook});  // queued, then the process ends before any thread ran
    ASSERT_TRUE(notifier->Notify(Manifest(), Result(ResultStatus::kFlagged, 90), "").ok());
    EXPECT_TRUE(hook->calls().empty());
  }
  auto* hook = new ScriptedChannel("hook", ChannelKind::kWebhook);
  auto notifier = Make({hook});
  ASSERT_EQ(notifier->queue().Counts().pending, 1u);
  notifier->Start();
  ASSERT_TRUE(hook->WaitForCalls(1));
  EXPECT_EQ(hook->calls()[0].priority, Priority::kStat);
  ASSERT_TRUE(WaitForAll(*notifier, spool::OutboxState::kDelivered, 1));
  notifier->Stop();
}

TEST_F(NotifierTest, AnEntryForARemovedChannelIsADeadLetter) {
  {
    auto* old_hook = new ScriptedChannel("old", ChannelKind::kWebhook);
    auto notifier = Make({old_hook});  // queued but never started
    ASSERT_TRUE(notifier->Notify(Manifest(), Result(ResultStatus::kFlagged, 90), "").ok());
  }
  auto* hook = new ScriptedChannel("hook", ChannelKind::kWebhook);
  auto notifier = Make({hook});
  notifier->Start();
  ASSERT_TRUE(WaitForAll(*notifier, spool::OutboxState::kDead, 1));
  notifier->Stop();
  EXPECT_NE(notifier->queue().List().at(0).last_error.find("channel old is no longer configured"),
            std::string::npos);
  EXPECT_TRUE(hook->calls().empty());
}

TEST_F(NotifierTest, OpenWithoutChannelsGivesNoNotifier) {
  auto none = Notifier::Open(settings_, (dir_ / "unused").string(), clock_);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->get(), nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "unused"));
  settings_.hl7.push_back(Hl7Settings{"ris", "127.0.0.1", 2575, "ALVEO", "", "", "", 5});
  auto one = Notifier::Open(settings_, (dir_ / "used").string(), clock_);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_NE(one->get(), nullptr);
  EXPECT_EQ((*one)->channel_count(), 1u);
  settings_.webhooks.push_back(
      WebhookSettings{"hook", "https://localhost/", "0123456789abcdef", "/no/such/ca.pem", 5});
  auto broken = Notifier::Open(settings_, (dir_ / "broken").string(), clock_);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), ErrorCode::kConfigInvalid);
  EXPECT_NE(broken.status().message().find("webhook hook"), std::string::npos)
      << broken.status().message();
}

}  // namespace
}  // namespace alveo::notify
