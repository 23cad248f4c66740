// SPDX-License-Identifier: Apache-2.0
#include "spool/pending_instance.h"

namespace alveo::spool {

PendingInstance::PendingInstance(FileSystem& fs, int fd, std::string temp_path)
    : fs_(fs), fd_(fd), temp_path_(std::move(temp_path)) {}

PendingInstance::~PendingInstance() {
  if (fd_ >= 0) (void)fs_.Close(fd_);
  if (!committed_) (void)fs_.Unlink(temp_path_);
}

bool PendingInstance::Write(const void* data, std::size_t size) {
  if (!status_.ok()) return false;
  const ssize_t rc = fs_.Write(fd_, data, size);
  if (rc < 0) {
    status_ = Status::Error(ErrorCode::kIoError, "write to spool failed: " + ErrnoText(static_cast<int>(rc)));
    return false;
  }
  written_ += size;
  if (written_ - writeback_started_ >= kWritebackChunk) {
    (void)fs_.StartWriteback(fd_, static_cast<off_t>(writeback_started_),
                             static_cast<off_t>(written_ - writeback_started_));
    writeback_started_ = written_;
  }
  return true;
}

int PendingInstance::TakeDescriptor() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

}  // namespace alveo::spool
