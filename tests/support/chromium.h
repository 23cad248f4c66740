// SPDX-License-Identifier: Apache-2.0
// Headless Chromium (Debian package `chromium`) for tests of web pages: finding the binary and one
// run with a fresh profile (DOM dump, screenshot). Thread-safety: plain functions.
#pragma once

#include <string>
#include <vector>

#include "support/process.h"

namespace alveo::testing {

// $ALVEO_CHROMIUM, else `chromium` (Debian) or `chromium-browser` on PATH; "" when none.
std::string FindChromium();

// One headless Chromium run of `url` with a fresh profile in `profile_dir` and `args` (e.g.
// {"--dump-dom"}); the page's timers and requests run for `virtual_time_ms` of virtual time first.
ToolResult RunChromium(const std::string& chromium, const std::string& profile_dir, const std::string& url,
                       const std::vector<std::string>& args, int virtual_time_ms = 10000);

}  // namespace alveo::testing
