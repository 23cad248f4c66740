// SPDX-License-Identifier: Apache-2.0
#include "pipeline/delivery_service.h"

#include "core/log.h"
#include "core/thread_name.h"

namespace alveo::pipeline {
namespace {

// Without a due entry a thread still wakes this often (retention of finished entries; a clock
// jump).
constexpr auto kIdleWake = std::chrono::seconds(60);
constexpr auto kSweepInterval = std::chrono::minutes(10);

std::string Describe(const spool::OutboxEntry& entry) {
  return entry.destination + " (" + entry.address.ae_title + "@" + entry.address.host + ":" +
         std::to_string(entry.address.port) + ")";
}

}  // namespace

DeliveryService::DeliveryService(const DeliverySettings& settings, spool::Outbox& outbox, DicomSender& sender,
                                 const Clock& clock)
    : settings_(settings), outbox_(outbox), sender_(sender), clock_(clock) {}

DeliveryService::~DeliveryService() { Stop(); }

void DeliveryService::Start() {
  const auto counts = outbox_.Counts();
  if (counts.pending > 0) {
    ALVEO_LOG(kInfo, kDelivery) << counts.pending << " SR deliveries pending from before; resuming";
  }
  for (int i = 0; i < settings_.threads; ++i) {
    threads_.emplace_back([this, i] { Run(i); });
  }
}

void DeliveryService::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void DeliveryService::Wake() {
  {
    std::lock_guard lock(mutex_);
    ++wake_generation_;
  }
  wake_.notify_all();
}

void DeliveryService::Run(int index) {
  SetCurrentThreadName("out-" + std::to_string(index + 1));
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const std::uint64_t generation = wake_generation_;
    lock.unlock();
    if (index == 0) SweepFinished();
    auto due = outbox_.TakeDue(clock_.Now(), 1);
    if (!due.empty()) {
      DeliverOne(due.front());
      lock.lock();
      continue;
    }
    TimePoint until = clock_.Now() + kIdleWake;
    if (auto next = outbox_.NextDue(); next && *next < until) until = *next;
    lock.lock();
    // Our clock may be a test's; convert to a real wait so a fake clock never blocks forever.
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_.Now());
    wake_.wait_for(lock, std::max(wait, std::chrono::milliseconds(1)),
                   [&] { return stopping_ || wake_generation_ != generation; });
  }
}

void DeliveryService::DeliverOne(const spool::OutboxEntry& entry) {
  const Status sent = sender_.Send(entry.address, entry.file);
  const TimePoint now = clock_.Now();
  if (sent.ok()) {
    counters_.delivered.fetch_add(1);
    ALVEO_LOG(kInfo, kDelivery) << "SR " << entry.sop_instance_uid << " of study " << entry.study_key
                                << " delivered to " << Describe(entry) << " (attempt " << entry.attempts + 1 << ")";
    if (Status status = outbox_.ReportDelivered(entry.id, now); !status.ok()) {
      ALVEO_LOG(kError, kDelivery) << "outbox: cannot record the delivery of " << entry.id << ": "
                                   << status.ToString() << " (it will be sent again after a restart)";
    }
    return;
  }
  counters_.failed_attempts.fetch_add(1);
  if (Status status = outbox_.ReportFailed(entry.id, sent, now); !status.ok()) {
    ALVEO_LOG(kError, kDelivery) << "outbox: cannot record a failed delivery of " << entry.id << ": "
                                 << status.ToString();
    return;
  }
  const auto after = outbox_.Find(entry.id);
  if (after && after->state == spool::OutboxState::kDead) {
    counters_.dead.fetch_add(1);
    ALVEO_LOG(kError, kDelivery) << "SR " << entry.sop_instance_uid << " of study " << entry.study_key
                                 << " NOT delivered to " << Describe(entry) << " after " << after->attempts
                                 << " attempt(s), dead letter: " << sent.ToString();
  } else if (after) {
    const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(after->next_attempt_at - now);
    ALVEO_LOG(kWarn, kDelivery) << "SR " << entry.sop_instance_uid << " to " << Describe(entry) << ": attempt "
                                << after->attempts << " failed (" << sent.ToString() << "); retry in "
                                << delay.count() << " ms";
  }
}

void DeliveryService::SweepFinished() {
  if (settings_.keep_finished_hours == 0) return;
  const TimePoint now = clock_.Now();
  {
    std::lock_guard lock(mutex_);
    if (now - last_sweep_ < kSweepInterval) return;
    last_sweep_ = now;
  }
  auto removed = outbox_.ForgetFinishedBefore(now - std::chrono::hours(settings_.keep_finished_hours));
  if (!removed.ok()) {
    ALVEO_LOG(kWarn, kDelivery) << "outbox retention: " << removed.status().ToString();
  } else if (*removed > 0) {
    ALVEO_LOG(kInfo, kDelivery) << "outbox retention: forgot " << *removed << " finished entries";
  }
}

}  // namespace alveo::pipeline
