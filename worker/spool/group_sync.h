// SPDX-License-Identifier: Apache-2.0
// Group commit for syncfs mode: callers that need "everything written so far is durable" share one
// syncfs() instead of issuing one each. A caller's request is satisfied by a sync that *started*
// after the request was made; while one sync runs, later callers wait and the first of them runs
// the next sync for all of them (leader/follower, no extra thread). With N concurrent associations
// this turns N cache flushes into about one. Thread-safety: Sync() from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>

#include "core/status.h"
#include "spool/file_system.h"

namespace alveo::spool {

class GroupSync {
 public:
  // `fd` is any open descriptor on the spool's filesystem; the caller keeps it open.
  GroupSync(FileSystem& fs, int fd) : fs_(fs), fd_(fd) {}

  // Returns once a syncfs that began after this call has completed (or failed: kIoError).
  Status Sync();
  std::uint64_t syncs_run() const;
  std::uint64_t requests() const;  // requests / syncs_run = how many commits shared a flush

 private:
  FileSystem& fs_;
  const int fd_;
  mutable std::mutex mutex_;
  std::condition_variable done_;
  std::uint64_t requested_ = 0;  // last ticket handed out
  std::uint64_t covered_ = 0;    // every ticket <= covered_ has its answer
  bool running_ = false;
  std::uint64_t syncs_ = 0;
  std::deque<std::pair<std::uint64_t, int>> recent_;  // (last ticket covered, rc) of recent syncs
};

}  // namespace alveo::spool
