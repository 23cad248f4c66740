// SPDX-License-Identifier: Apache-2.0
#include "spool/pending_instance.h"

#include <algorithm>

namespace alveo::spool {

PendingInstance::PendingInstance(FileSystem& fs, int fd, std::string temp_path)
    : fs_(fs), fd_(fd), temp_path_(std::move(temp_path)) {
  buffer_.reserve(kChunk);
}

PendingInstance::~PendingInstance() {
  if (fd_ >= 0) (void)fs_.Close(fd_);
  if (!committed_) (void)fs_.Unlink(temp_path_);
}

bool PendingInstance::Write(const void* data, std::size_t size) {
  if (!status_.ok()) return false;
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const std::size_t take = std::min(size, kChunk - buffer_.size());
    buffer_.insert(buffer_.end(), bytes, bytes + take);
    bytes += take;
    size -= take;
    written_ += take;
    if (buffer_.size() == kChunk && !Flush()) return false;
  }
  return true;
}

bool PendingInstance::Flush() {
  if (!status_.ok()) return false;
  if (buffer_.empty()) return true;
  const ssize_t rc = fs_.Write(fd_, buffer_.data(), buffer_.size());
  if (rc < 0) {
    status_ = Status::Error(ErrorCode::kIoError, "write to spool failed: " + ErrnoText(static_cast<int>(rc)));
    return false;
  }
  (void)fs_.StartWriteback(fd_, static_cast<off_t>(on_disk_), static_cast<off_t>(buffer_.size()));
  on_disk_ += buffer_.size();
  buffer_.clear();
  return true;
}

int PendingInstance::TakeDescriptor() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

}  // namespace alveo::spool
