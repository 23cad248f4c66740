// SPDX-License-Identifier: Apache-2.0
// A FileSystem that forwards to the real one but fails chosen calls on demand (LevelDB's
// fault-injection idea), and can pretend the disk is nearly full.
#pragma once

#include <atomic>
#include <cerrno>
#include <optional>
#include <string>

#include "spool/file_system.h"

namespace alveo::spool::testing {

class FaultyFileSystem final : public FileSystem {
 public:
  enum class Op { kNone, kWrite, kFsync, kFdatasync, kSyncfs, kRename, kJournalWrite };

  void FailNext(Op op, int error = EIO) {
    fail_ = op;
    error_ = error;
  }
  void SetFreeBytes(std::optional<std::uint64_t> bytes) { free_bytes_ = bytes; }
  int syncfs_calls() const { return syncfs_calls_; }
  int fsync_calls() const { return fsync_calls_; }

  int Open(const std::string& path, int flags, int mode) override {
    const int fd = real_.Open(path, flags, mode);
    if (fd >= 0 && path.size() >= 8 && path.compare(path.size() - 8, 8, "/journal") == 0) journal_fd_ = fd;
    return fd;
  }
  ssize_t Write(int fd, const void* data, std::size_t size) override {
    if (fd == journal_fd_ && Take(Op::kJournalWrite)) return -error_;
    if (fd != journal_fd_ && Take(Op::kWrite)) return -error_;
    return real_.Write(fd, data, size);
  }
  int Close(int fd) override {
    if (fd == journal_fd_) journal_fd_ = -1;
    return real_.Close(fd);
  }
  int Fsync(int fd) override {
    ++fsync_calls_;
    return Take(Op::kFsync) ? -error_ : real_.Fsync(fd);
  }
  int Fdatasync(int fd) override { return Take(Op::kFdatasync) ? -error_ : real_.Fdatasync(fd); }
  int Syncfs(int fd) override {
    ++syncfs_calls_;
    return Take(Op::kSyncfs) ? -error_ : real_.Syncfs(fd);
  }
  int StartWriteback(int fd, off_t offset, off_t size) override { return real_.StartWriteback(fd, offset, size); }
  int Rename(const std::string& from, const std::string& to) override {
    return Take(Op::kRename) ? -error_ : real_.Rename(from, to);
  }
  int Unlink(const std::string& path) override { return real_.Unlink(path); }
  int MakeDirectory(const std::string& path) override { return real_.MakeDirectory(path); }
  bool Exists(const std::string& path) override { return real_.Exists(path); }
  std::optional<std::uint64_t> FileSize(const std::string& path) override { return real_.FileSize(path); }
  std::optional<std::uint64_t> FreeBytes(const std::string& path) override {
    return free_bytes_ ? free_bytes_ : real_.FreeBytes(path);
  }
  std::vector<std::string> ListDirectory(const std::string& path) override { return real_.ListDirectory(path); }
  int RemoveTree(const std::string& path) override { return real_.RemoveTree(path); }

 private:
  bool Take(Op op) {
    if (fail_ != op) return false;
    fail_ = Op::kNone;
    return true;
  }

  PosixFileSystem real_;
  Op fail_ = Op::kNone;
  int error_ = EIO;
  std::atomic<int> journal_fd_{-1};
  std::atomic<int> syncfs_calls_{0};
  std::atomic<int> fsync_calls_{0};
  std::optional<std::uint64_t> free_bytes_;
};

}  // namespace alveo::spool::testing
