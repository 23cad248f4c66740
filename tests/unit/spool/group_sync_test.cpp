// SPDX-License-Identifier: Apache-2.0
#include "spool/group_sync.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace alveo::spool {
namespace {

// Only Syncfs is used by GroupSync; it blocks until the test lets it finish.
class GatedSyncFs final : public FileSystem {
 public:
  int Syncfs(int) override {
    std::unique_lock lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return released_ >= entered_; });
    return fail_ ? -EIO : 0;
  }
  void WaitEntered(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return entered_ >= n; });
  }
  void Release(int n, bool fail = false) {
    std::lock_guard lock(mutex_);
    released_ = n;
    fail_ = fail;
    changed_.notify_all();
  }

  int Open(const std::string&, int, int) override { return -ENOSYS; }
  ssize_t Write(int, const void*, std::size_t) override { return -ENOSYS; }
  int Close(int) override { return -ENOSYS; }
  int Fsync(int) override { return -ENOSYS; }
  int Fdatasync(int) override { return -ENOSYS; }
  int StartWriteback(int, off_t, off_t) override { return -ENOSYS; }
  int Rename(const std::string&, const std::string&) override { return -ENOSYS; }
  int Unlink(const std::string&) override { return -ENOSYS; }
  int MakeDirectory(const std::string&) override { return -ENOSYS; }
  bool Exists(const std::string&) override { return false; }
  std::optional<std::uint64_t> FileSize(const std::string&) override { return std::nullopt; }
  std::optional<std::uint64_t> FreeBytes(const std::string&) override { return std::nullopt; }
  std::vector<std::string> ListDirectory(const std::string&) override { return {}; }
  int RemoveTree(const std::string&) override { return -ENOSYS; }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int entered_ = 0;
  int released_ = 0;
  bool fail_ = false;
};

// Waits (at most 10 s) until `group` has handed out `n` tickets.
bool WaitForRequests(const GroupSync& group, std::uint64_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (group.requests() < n && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  return group.requests() >= n;
}

TEST(GroupSyncTest, CallersWaitingDuringASyncShareTheNextOne) {
  GatedSyncFs fs;
  GroupSync group(fs, 3);
  std::thread leader([&] { EXPECT_TRUE(group.Sync().ok()); });
  fs.WaitEntered(1);  // the first sync is running
  std::vector<std::thread> followers;
  for (int i = 0; i < 4; ++i) followers.emplace_back([&] { EXPECT_TRUE(group.Sync().ok()); });
  ASSERT_TRUE(WaitForRequests(group, 5));
  fs.Release(1);      // the first sync ends; it does not cover the four later requests
  fs.WaitEntered(2);  // so one more sync runs for all four
  fs.Release(2);
  leader.join();
  for (auto& follower : followers) follower.join();
  EXPECT_EQ(group.syncs_run(), 2u);
  EXPECT_EQ(group.requests(), 5u);
}

TEST(GroupSyncTest, AFailedSyncFailsEveryCallerItCovered) {
  GatedSyncFs fs;
  GroupSync group(fs, 3);
  std::thread first([&] { EXPECT_TRUE(group.Sync().ok()); });
  fs.WaitEntered(1);
  std::atomic<int> failures{0};
  std::vector<std::thread> covered;
  for (int i = 0; i < 3; ++i) {
    covered.emplace_back([&] {
      const Status status = group.Sync();
      if (!status.ok() && status.code() == ErrorCode::kIoError) ++failures;
    });
  }
  ASSERT_TRUE(WaitForRequests(group, 4));
  fs.Release(1);
  fs.WaitEntered(2);
  fs.Release(2, /*fail=*/true);
  first.join();
  for (auto& thread : covered) thread.join();
  EXPECT_EQ(failures.load(), 3);
}

}  // namespace
}  // namespace alveo::spool
