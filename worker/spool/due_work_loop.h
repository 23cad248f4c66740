// SPDX-License-Identifier: Apache-2.0
// The worker loop shared by every durable queue built on the outbox (SR delivery, notifications):
// N named threads ("<prefix>-1", ...) each take one due entry and handle it; when nothing is due a
// thread sleeps until the next entry is due, Wake() announces new work, or a minute passes (a clock
// jump). The first thread also forgets finished entries older than the retention every ten minutes.
// What "take one due entry" and "forget" mean is the owner's, given as hooks. Thread-safety: every
// public method is safe from any thread; the hooks are called from the loop's threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace alveo::spool {

struct DueWorkHooks {
  // Takes at most one entry due at `now` and handles it; false when none was due.
  std::function<bool(TimePoint now)> run_one_due;
  // When the next pending entry becomes due (nullopt: none pending).
  std::function<std::optional<TimePoint>()> next_due;
  // Forgets finished entries older than the cutoff; the count forgotten.
  std::function<Result<std::size_t>(TimePoint cutoff)> forget_finished_before;
};

class DueWorkLoop {
 public:
  // `name` labels the retention log lines ("outbox", "notify"); `keep_finished_hours` 0 keeps
  // finished entries forever. `clock` must outlive the loop.
  DueWorkLoop(std::string name, std::string thread_prefix, int threads, int keep_finished_hours,
              const Clock& clock, DueWorkHooks hooks);
  ~DueWorkLoop();  // Stop()
  DueWorkLoop(const DueWorkLoop&) = delete;
  DueWorkLoop& operator=(const DueWorkLoop&) = delete;

  void Start();
  // Lets the entries being handled finish, then joins the threads.
  void Stop();
  void Wake();

 private:
  void Run(int index);
  void SweepFinished();

  const std::string name_;
  const std::string thread_prefix_;
  const int thread_count_;
  const int keep_finished_hours_;
  const Clock& clock_;
  const DueWorkHooks hooks_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t wake_generation_ = 0;  // guarded by mutex_
  bool stopping_ = false;              // guarded by mutex_
  TimePoint last_sweep_{};             // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace alveo::spool
