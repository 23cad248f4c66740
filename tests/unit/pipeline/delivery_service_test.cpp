// SPDX-License-Identifier: Apache-2.0
// DeliveryService over a real outbox in a temporary folder and a scripted DicomSender: delivery,
// retry after transient failures, the dead letter, resuming after a stop, and parallel sends.
#include "pipeline/delivery_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "support/scratch_dir.h"

namespace alveo::pipeline {
namespace {

using alveo::testing::ScratchDir;
using namespace std::chrono_literals;

// Answers each Send with the next scripted status (then `after`, OK by default) and records
// the calls. With `gate` set, every Send waits until `open` (to hold sends in flight).
class ScriptedSender final : public DicomSender {
 public:
  explicit ScriptedSender(std::deque<Status> script = {}, Status after = Status::Ok())
      : script_(std::move(script)), after_(std::move(after)) {}

  Status Send(const DicomAddress& to, const std::string& file) override {
    std::unique_lock lock(mutex_);
    calls_.push_back(to.ae_title + " " + file);
    ++in_flight_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !gate_; });
    --in_flight_;
    if (script_.empty()) return after_;
    Status next = script_.front();
    script_.pop_front();
    return next;
  }

  void CloseGate() {
    std::lock_guard lock(mutex_);
    gate_ = true;
  }
  void OpenGate() {
    {
      std::lock_guard lock(mutex_);
      gate_ = false;
    }
    changed_.notify_all();
  }
  bool WaitForInFlight(int count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return in_flight_ >= count; });
  }
  bool WaitForCalls(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return calls_.size() >= count; });
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Status> script_;
  const Status after_;
  std::vector<std::string> calls_;
  int in_flight_ = 0;
  bool gate_ = false;
};

Status Unavailable() { return Status::Error(ErrorCode::kPeerUnavailable, "connection refused by PACS@127.0.0.1:9"); }

class DeliveryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.threads = 2;
    settings_.keep_finished_hours = 0;
    Open();
  }
  void Open(int max_attempts = 3) {
    spool::OutboxPolicy policy;
    policy.max_attempts = max_attempts;
    policy.initial_backoff = 10ms;
    policy.max_backoff = 40ms;
    auto opened = spool::Outbox::Open((dir_ / "outbox").string(), policy);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    outbox_ = std::move(opened).value();
  }
  std::string Enqueue(const std::string& uid, const std::string& destination = "pacs") {
    spool::OutboxRequest request;
    request.destination = destination;
    request.address.ae_title = "PACS";
    request.address.host = "127.0.0.1";
    request.address.port = 104;
    request.sop_instance_uid = uid;
    request.study_key = "key";
    request.file = "/data/sr-" + uid + ".dcm";
    auto entry = outbox_->Enqueue(request, clock_.Now());
    EXPECT_TRUE(entry.ok()) << entry.status().ToString();
    return entry.ok() ? entry->id : "";
  }
  // The outbox is the service's only output; poll it (each check is cheap, the wait is bounded).
  bool WaitForState(const std::string& id, spool::OutboxState state, std::chrono::milliseconds timeout = 10s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      const auto entry = outbox_->Find(id);
      if (entry && entry->state == state) return true;
      std::this_thread::yield();
    }
    return false;
  }

  ScratchDir dir_{"delivery-service"};
  DeliverySettings settings_;
  SystemClock clock_;
  std::unique_ptr<spool::Outbox> outbox_;
};

TEST_F(DeliveryServiceTest, DeliversWhatIsQueuedAndRecordsIt) {
  ScriptedSender sender;
  DeliveryService service(settings_, *outbox_, sender, clock_);
  service.Start();
  const std::string id = Enqueue("2.25.1");
  service.Wake();
  ASSERT_TRUE(WaitForState(id, spool::OutboxState::kDelivered));
  EXPECT_EQ(sender.calls(), std::vector<std::string>{"PACS /data/sr-2.25.1.dcm"});
  EXPECT_EQ(outbox_->Find(id)->attempts, 1);
  EXPECT_EQ(service.counters().delivered.load(), 1u);
  service.Stop();
}

TEST_F(DeliveryServiceTest, TransientFailuresAreRetriedWithBackoffUntilDelivered) {
  ScriptedSender sender({Unavailable(), Unavailable()});
  DeliveryService service(settings_, *outbox_, sender, clock_);
  const std::string id = Enqueue("2.25.2");
  service.Start();
  ASSERT_TRUE(WaitForState(id, spool::OutboxState::kDelivered));
  EXPECT_EQ(sender.calls().size(), 3u);
  const auto entry = outbox_->Find(id);
  EXPECT_EQ(entry->attempts, 3);
  EXPECT_NE(entry->last_error.find("connection refused"), std::string::npos) << entry->last_error;
  EXPECT_EQ(service.counters().failed_attempts.load(), 2u);
  service.Stop();
}

TEST_F(DeliveryServiceTest, PermanentRejectionIsADeadLetterAtOnce) {
  ScriptedSender sender({Status::Error(ErrorCode::kPeerRejected, "0xA900 from PACS@127.0.0.1:104")});
  DeliveryService service(settings_, *outbox_, sender, clock_);
  const std::string id = Enqueue("2.25.3");
  service.Start();
  ASSERT_TRUE(WaitForState(id, spool::OutboxState::kDead));
  service.Stop();  // the counter follows the outbox update
  EXPECT_EQ(sender.calls().size(), 1u);
  EXPECT_EQ(service.counters().dead.load(), 1u);
}

TEST_F(DeliveryServiceTest, TooManyTransientFailuresEndInTheDeadLetter) {
  ScriptedSender sender({Unavailable(), Unavailable(), Unavailable(), Unavailable()});
  DeliveryService service(settings_, *outbox_, sender, clock_);
  const std::string id = Enqueue("2.25.4");
  service.Start();
  ASSERT_TRUE(WaitForState(id, spool::OutboxState::kDead));
  EXPECT_EQ(sender.calls().size(), 3u);  // max_attempts
  service.Stop();
}

TEST_F(DeliveryServiceTest, EntriesLeftPendingByAStopAreDeliveredByTheNextService) {
  Open(1000);  // the peer stays down for as long as the first service runs
  const std::string id = Enqueue("2.25.5");
  {
    ScriptedSender failing({}, Unavailable());
    DeliveryService first(settings_, *outbox_, failing, clock_);
    first.Start();
    ASSERT_TRUE(failing.WaitForCalls(2, 10s));
    first.Stop();
  }
  EXPECT_EQ(outbox_->Find(id)->state, spool::OutboxState::kPending);
  EXPECT_GE(outbox_->Find(id)->attempts, 2);
  Open(1000);  // as after a restart: the entry is read back from disk
  ScriptedSender sender;
  DeliveryService second(settings_, *outbox_, sender, clock_);
  second.Start();
  ASSERT_TRUE(WaitForState(id, spool::OutboxState::kDelivered));
  EXPECT_EQ(sender.calls().size(), 1u);
  second.Stop();
}

TEST_F(DeliveryServiceTest, ThreadsSendInParallel) {
  ScriptedSender sender;
  sender.CloseGate();
  DeliveryService service(settings_, *outbox_, sender, clock_);
  const std::string a = Enqueue("2.25.6");
  const std::string b = Enqueue("2.25.7");
  service.Start();
  EXPECT_TRUE(sender.WaitForInFlight(2, 10s)) << "two delivery threads should send at once";
  sender.OpenGate();
  ASSERT_TRUE(WaitForState(a, spool::OutboxState::kDelivered));
  ASSERT_TRUE(WaitForState(b, spool::OutboxState::kDelivered));
  service.Stop();
}

}  // namespace
}  // namespace alveo::pipeline
