// SPDX-License-Identifier: Apache-2.0
#include "support/temp_dir.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include <stdlib.h>

namespace alveo::testing {
namespace {

namespace fs = std::filesystem;

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string DefaultPrefix() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string prefix =
      info != nullptr ? std::string(info->test_suite_name()) + "." + info->name() : "alveo-test";
  for (char& c : prefix) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  }
  return prefix.substr(0, 80);
}

}  // namespace

TempDir::TempDir(const std::string& prefix) {
  fs::path root = EnvOr("ALVEO_TEST_TMPDIR", EnvOr("TMPDIR", "/tmp"));
  std::error_code ec;
  fs::create_directories(root, ec);
  std::string pattern = (root / ((prefix.empty() ? DefaultPrefix() : prefix) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::cerr << "TempDir: mkdtemp(" << pattern << ") failed: " << std::strerror(errno) << "\n";
    std::abort();
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  const std::string keep = EnvOr("ALVEO_KEEP_TEST_DIRS", "");
  const bool failed = ::testing::Test::HasFailure();
  if (keep_ || keep == "all" || (keep == "1" && failed)) {
    std::cerr << "[ TempDir ] kept " << path_ << "\n";
    return;
  }
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::Path(const std::string& relative) const { return JoinPath(path_, relative); }

std::string TempDir::MakeDir(const std::string& relative) const {
  std::string dir = Path(relative);
  std::error_code ec;
  fs::create_directories(dir, ec);
  return dir;
}

std::string JoinPath(const std::string& a, const std::string& b) {
  return (fs::path(a) / fs::path(b)).string();
}

bool FileExists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return content.str();
}

bool WriteFile(const std::string& path, const std::string& content) {
  std::error_code ec;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  return !out.fail();
}

std::vector<std::string> ListFilesRecursive(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    std::string name = it->path().string();
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      files.push_back(std::move(name));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string TailFile(const std::string& path, std::size_t max_lines) {
  std::optional<std::string> content = ReadFile(path);
  if (!content) return "";
  std::size_t pos = content->size();
  if (pos > 0 && (*content)[pos - 1] == '\n') --pos;
  std::size_t lines = 0;
  while (pos > 0) {
    if ((*content)[pos - 1] == '\n' && ++lines == max_lines) break;
    --pos;
  }
  return content->substr(pos);
}

}  // namespace alveo::testing
