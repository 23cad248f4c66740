// SPDX-License-Identifier: Apache-2.0
#include "spool/group_sync.h"

namespace alveo::spool {
namespace {
constexpr std::size_t kRememberedSyncs = 256;
}

Status GroupSync::Sync() {
  std::unique_lock lock(mutex_);
  const std::uint64_t ticket = ++requested_;
  while (covered_ < ticket) {
    if (running_) {
      done_.wait(lock);
      continue;
    }
    // Lead: this sync covers every ticket issued so far (all of them wrote before it starts).
    running_ = true;
    const std::uint64_t covers = requested_;
    lock.unlock();
    const int rc = fs_.Syncfs(fd_);
    lock.lock();
    running_ = false;
    ++syncs_;
    covered_ = covers;
    recent_.emplace_back(covers, rc);
    if (recent_.size() > kRememberedSyncs) recent_.pop_front();
    done_.notify_all();
  }
  // The answer is the one of the first sync whose coverage includes our ticket.
  for (const auto& [covers, rc] : recent_) {
    if (covers >= ticket) {
      return rc < 0 ? Status::Error(ErrorCode::kIoError, "syncfs: " + ErrnoText(rc)) : Status::Ok();
    }
  }
  return Status::Error(ErrorCode::kIoError, "syncfs result no longer known");  // only with >256 waiters behind
}

std::uint64_t GroupSync::syncs_run() const {
  std::lock_guard lock(mutex_);
  return syncs_;
}

std::uint64_t GroupSync::requests() const {
  std::lock_guard lock(mutex_);
  return requested_;
}

}  // namespace alveo::spool
