// SPDX-License-Identifier: Apache-2.0
#include "support/chromium.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace alveo::testing {

namespace fs = std::filesystem;

std::string FindChromium() {
  if (const char* given = std::getenv("ALVEO_CHROMIUM"); given != nullptr && *given != '\0') return given;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
      std::error_code ec;
      if (fs::is_regular_file(candidate, ec) && access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return "";
}

// --headless=new is the only headless mode of the `chromium` binary since version 132 (the old one
// moved to chrome-headless-shell); --no-sandbox because tests may run as root in a container;
// --virtual-time-budget lets the page's timers and fetches run before the DOM is dumped or the
// screenshot taken, without waiting in real time.
ToolResult RunChromium(const std::string& chromium, const std::string& profile_dir, const std::string& url,
                       const std::vector<std::string>& args, int virtual_time_ms) {
  std::vector<std::string> argv{chromium,
                                "--headless=new",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--no-first-run",
                                "--no-default-browser-check",
                                "--disable-extensions",
                                "--enable-logging=stderr",
                                "--user-data-dir=" + profile_dir,
                                "--virtual-time-budget=" + std::to_string(virtual_time_ms)};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(url);
  return RunTool(argv, std::chrono::seconds(120));
}

}  // namespace alveo::testing
