// SPDX-License-Identifier: Apache-2.0
#include "spool/due_work_loop.h"

#include <algorithm>
#include <utility>

#include "core/log.h"
#include "core/thread_name.h"

namespace alveo::spool {
namespace {

constexpr auto kIdleWake = std::chrono::seconds(60);
constexpr auto kSweepInterval = std::chrono::minutes(10);

}  // namespace

DueWorkLoop::DueWorkLoop(std::string name, std::string thread_prefix, int threads, int keep_finished_hours,
                         const Clock& clock, DueWorkHooks hooks)
    : name_(std::move(name)),
      thread_prefix_(std::move(thread_prefix)),
      thread_count_(threads),
      keep_finished_hours_(keep_finished_hours),
      clock_(clock),
      hooks_(std::move(hooks)) {}

DueWorkLoop::~DueWorkLoop() { Stop(); }

void DueWorkLoop::Start() {
  std::lock_guard lock(mutex_);
  if (!threads_.empty()) return;
  stopping_ = false;
  for (int i = 0; i < thread_count_; ++i) threads_.emplace_back([this, i] { Run(i); });
}

void DueWorkLoop::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_.notify_all();
  for (auto& thread : threads) {
    if (thread.joinable()) thread.join();
  }
}

void DueWorkLoop::Wake() {
  {
    std::lock_guard lock(mutex_);
    ++wake_generation_;
  }
  wake_.notify_all();
}

void DueWorkLoop::Run(int index) {
  SetCurrentThreadName(thread_prefix_ + "-" + std::to_string(index + 1));
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const std::uint64_t generation = wake_generation_;
    lock.unlock();
    if (index == 0) SweepFinished();
    if (hooks_.run_one_due(clock_.Now())) {
      lock.lock();
      continue;
    }
    TimePoint until = clock_.Now() + kIdleWake;
    if (auto next = hooks_.next_due(); next && *next < until) until = *next;
    lock.lock();
    // The clock may be a test's; convert to a real wait so a fake clock never blocks forever.
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_.Now());
    wake_.wait_for(lock, std::max(wait, std::chrono::milliseconds(1)),
                   [&] { return stopping_ || wake_generation_ != generation; });
  }
}

void DueWorkLoop::SweepFinished() {
  if (keep_finished_hours_ == 0) return;
  const TimePoint now = clock_.Now();
  {
    std::lock_guard lock(mutex_);
    if (now - last_sweep_ < kSweepInterval) return;
    last_sweep_ = now;
  }
  auto removed = hooks_.forget_finished_before(now - std::chrono::hours(keep_finished_hours_));
  if (!removed.ok()) {
    ALVEO_LOG(kWarn, kDelivery) << name_ << " retention: " << removed.status().ToString();
  } else if (*removed > 0) {
    ALVEO_LOG(kInfo, kDelivery) << name_ << " retention: forgot " << *removed << " finished entries";
  }
}

}  // namespace alveo::spool
