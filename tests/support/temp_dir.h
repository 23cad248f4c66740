// SPDX-License-Identifier: Apache-2.0
// A per-test temporary directory (removed at the end unless the test failed and
// ALVEO_KEEP_TEST_DIRS=1, or ALVEO_KEEP_TEST_DIRS=all) and small file helpers.
// Thread-safety: TempDir is owned by one test; the free functions are reentrant.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace alveo::testing {

class TempDir {
 public:
  // Creates <root>/<prefix>-XXXXXX where root is $ALVEO_TEST_TMPDIR, else $TMPDIR, else /tmp.
  // An empty prefix uses the current GoogleTest test name. Aborts the test binary if it cannot.
  explicit TempDir(const std::string& prefix = "");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/relative (no check that it exists).
  std::string Path(const std::string& relative) const;
  // Creates path()/relative (and parents) and returns it.
  std::string MakeDir(const std::string& relative) const;
  // Keep the directory whatever the outcome (e.g. while debugging a test).
  void Keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

std::string JoinPath(const std::string& a, const std::string& b);
bool FileExists(const std::string& path);
// Whole file, or nullopt if it cannot be read.
std::optional<std::string> ReadFile(const std::string& path);
// Creates parent directories; false on failure.
bool WriteFile(const std::string& path, const std::string& content);
// Regular files under `dir` whose names end with `suffix` (all if empty), sorted full paths.
std::vector<std::string> ListFilesRecursive(const std::string& dir, const std::string& suffix = "");
// The last `max_lines` lines of a file ("" if unreadable).
std::string TailFile(const std::string& path, std::size_t max_lines);

}  // namespace alveo::testing
