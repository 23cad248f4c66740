// SPDX-License-Identifier: Apache-2.0
// A received instance on its way to the spool: a temporary file in <data>/incoming that the network
// layer streams bytes into while they arrive. Bytes are gathered into 256 KiB writes, and write-back
// of each written chunk starts at once (sync_file_range), so by the end of the transfer most of the
// data is already on its way to the disk and the commit's sync only waits for the tail.
// Destroying an uncommitted PendingInstance deletes the temporary file, so a failed or aborted
// transfer leaves nothing behind. Thread-safety: owned by one association thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "spool/file_system.h"

namespace alveo::spool {

class PendingInstance {
 public:
  PendingInstance(FileSystem& fs, int fd, std::string temp_path);
  ~PendingInstance();
  PendingInstance(const PendingInstance&) = delete;
  PendingInstance& operator=(const PendingInstance&) = delete;

  // Appends bytes; returns false (and keeps the error in status()) on the first failure.
  bool Write(const void* data, std::size_t size);
  // Writes out what is buffered; the spool calls it before committing.
  bool Flush();
  const Status& status() const { return status_; }
  const std::string& temp_path() const { return temp_path_; }
  std::uint64_t bytes_written() const { return written_; }

 private:
  friend class Spool;
  // Releases the file descriptor to the spool's commit; the destructor then keeps the file.
  int TakeDescriptor();
  void MarkCommitted() { committed_ = true; }

  static constexpr std::size_t kChunk = 256 * 1024;

  FileSystem& fs_;
  int fd_;
  std::string temp_path_;
  std::vector<char> buffer_;
  std::uint64_t written_ = 0;   // bytes accepted by Write()
  std::uint64_t on_disk_ = 0;   // bytes handed to the kernel
  Status status_;
  bool committed_ = false;
};

}  // namespace alveo::spool
