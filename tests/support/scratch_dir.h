// SPDX-License-Identifier: Apache-2.0
// TempDir for unit tests that work in std::filesystem paths: `dir.path() / "file.dcm"`.
// Thread-safety: owned by one test.
#pragma once

#include <filesystem>
#include <string>

#include "support/temp_dir.h"

namespace alveo::testing {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) : dir_(name), path_(dir_.path()) {}
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  TempDir dir_;
  std::filesystem::path path_;
};

}  // namespace alveo::testing
