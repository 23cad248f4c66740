// SPDX-License-Identifier: Apache-2.0
// The POSIX calls the spool depends on, behind an interface (LevelDB's Env idea) so tests can inject
// write/fsync/rename failures. Every call returns 0 (or a byte count / fd) on success and -errno on
// failure. Thread-safety: implementations are stateless or internally synchronised.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace alveo::spool {

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual int Open(const std::string& path, int flags, int mode) = 0;
  virtual ssize_t Write(int fd, const void* data, std::size_t size) = 0;  // writes it all or fails
  virtual int Close(int fd) = 0;
  virtual int Fsync(int fd) = 0;
  virtual int Fdatasync(int fd) = 0;
  virtual int Syncfs(int fd) = 0;
  // Starts write-back of a byte range without waiting (sync_file_range WRITE); best effort.
  virtual int StartWriteback(int fd, off_t offset, off_t size) = 0;
  virtual int Rename(const std::string& from, const std::string& to) = 0;
  virtual int Unlink(const std::string& path) = 0;
  virtual int MakeDirectory(const std::string& path) = 0;  // 0 also when it already exists
  virtual bool Exists(const std::string& path) = 0;
  virtual std::optional<std::uint64_t> FileSize(const std::string& path) = 0;
  virtual std::optional<std::uint64_t> FreeBytes(const std::string& path) = 0;
  virtual std::vector<std::string> ListDirectory(const std::string& path) = 0;  // names, no . / ..
  virtual int RemoveTree(const std::string& path) = 0;
};

// The real thing. A process-wide instance is returned by Default().
class PosixFileSystem final : public FileSystem {
 public:
  static PosixFileSystem& Default();
  int Open(const std::string& path, int flags, int mode) override;
  ssize_t Write(int fd, const void* data, std::size_t size) override;
  int Close(int fd) override;
  int Fsync(int fd) override;
  int Fdatasync(int fd) override;
  int Syncfs(int fd) override;
  int StartWriteback(int fd, off_t offset, off_t size) override;
  int Rename(const std::string& from, const std::string& to) override;
  int Unlink(const std::string& path) override;
  int MakeDirectory(const std::string& path) override;
  bool Exists(const std::string& path) override;
  std::optional<std::uint64_t> FileSize(const std::string& path) override;
  std::optional<std::uint64_t> FreeBytes(const std::string& path) override;
  std::vector<std::string> ListDirectory(const std::string& path) override;
  int RemoveTree(const std::string& path) override;
};

std::string ErrnoText(int negative_errno);

// Replaces `path` with `bytes` durably: a hidden ".<name>.tmp" beside it is written, fdatasynced and
// renamed over it, then the folder is fsynced. On failure the temporary file is removed and the old
// file (if any) is untouched; kIoError names the step. Not locked: callers serialise writers of
// one path.
Status WriteFileDurably(FileSystem& fs, const std::string& path, std::string_view bytes);

}  // namespace alveo::spool
