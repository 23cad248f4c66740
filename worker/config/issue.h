// SPDX-License-Identifier: Apache-2.0
// One configuration problem, keyed by the full dotted key it concerns ("dicom.port",
// "study.filter.include_patterns[2]"). The loader collects all of them and reports them together.
// Thread-safety: plain value.
#pragma once

#include <string>

namespace alveo::config::internal {

struct Issue {
  std::string key;
  std::string message;  // why, e.g. "70000 is out of range [0, 65535]"
};

}  // namespace alveo::config::internal
