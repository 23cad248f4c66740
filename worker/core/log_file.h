// SPDX-License-Identifier: Apache-2.0
// A log sink that appends to a file and rotates it by size: when a line would take the file past
// `max_bytes`, FILE becomes FILE.1 (FILE.1 becomes FILE.2, ...), the oldest beyond `keep` is
// deleted, and a new FILE is started. For sites that do not run Alveo under journald. Lines are
// written with one write(2) each (O_APPEND), so an external reader never sees half a line; no
// fsync (logs are not data). Thread-safety: the log module calls it under its sink mutex; do not
// share one instance between sinks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/log.h"
#include "core/status.h"

namespace alveo::log {

class RotatingFile {
 public:
  // Opens (creates) the file for appending; kIoError naming the path when it cannot.
  static Result<std::shared_ptr<RotatingFile>> Open(std::string path, std::uint64_t max_bytes, int keep);
  ~RotatingFile();
  RotatingFile(const RotatingFile&) = delete;
  RotatingFile& operator=(const RotatingFile&) = delete;

  void Write(const Record& record);
  const std::string& path() const { return path_; }

 private:
  RotatingFile(std::string path, std::uint64_t max_bytes, int keep);
  bool Reopen();
  void Rotate();

  const std::string path_;
  const std::uint64_t max_bytes_;
  const int keep_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// Makes `file` the process's log sink (log::SetSink).
void UseRotatingFile(std::shared_ptr<RotatingFile> file);

}  // namespace alveo::log
