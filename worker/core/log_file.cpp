// SPDX-License-Identifier: Apache-2.0
#include "core/log_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace alveo::log {

Result<std::shared_ptr<RotatingFile>> RotatingFile::Open(std::string path, std::uint64_t max_bytes, int keep) {
  std::shared_ptr<RotatingFile> file(new RotatingFile(std::move(path), max_bytes, keep));
  if (!file->Reopen()) {
    return Status::Error(ErrorCode::kIoError, "cannot open log file " + file->path_ + ": " + std::strerror(errno));
  }
  return file;
}

RotatingFile::RotatingFile(std::string path, std::uint64_t max_bytes, int keep)
    : path_(std::move(path)), max_bytes_(max_bytes), keep_(keep < 1 ? 1 : keep) {}

RotatingFile::~RotatingFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool RotatingFile::Reopen() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) return false;
  struct stat info {};
  size_ = ::fstat(fd_, &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
  return true;
}

void RotatingFile::Rotate() {
  const auto numbered = [&](int n) { return path_ + "." + std::to_string(n); };
  ::unlink(numbered(keep_).c_str());
  for (int n = keep_ - 1; n >= 1; --n) ::rename(numbered(n).c_str(), numbered(n + 1).c_str());
  ::rename(path_.c_str(), numbered(1).c_str());
  Reopen();
}

void RotatingFile::Write(const Record& record) {
  std::string line = FormatLine(record);
  line += '\n';
  if (size_ > 0 && size_ + line.size() > max_bytes_) Rotate();
  if (fd_ < 0 && !Reopen()) {
    std::fprintf(stderr, "%s", line.c_str());  // the log must not vanish with its file
    return;
  }
  const ssize_t written = ::write(fd_, line.data(), line.size());
  if (written < 0) {
    std::fprintf(stderr, "%s", line.c_str());
    return;
  }
  size_ += static_cast<std::uint64_t>(written);
}

void UseRotatingFile(std::shared_ptr<RotatingFile> file) {
  SetSink([file = std::move(file)](const Record& record) { file->Write(record); });
}

}  // namespace alveo::log
