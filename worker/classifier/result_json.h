// SPDX-License-Identifier: Apache-2.0
// The classification result as JSON, the stable schema of `alveo classify`, the API and the stored
// result files (README.md, "Classification result"). Keys never change meaning; new keys may be
// added. Thread-safety: pure function.
#pragma once

#include <string>

#include "classifier/result.h"

namespace alveo::classifier {

// One line (no newlines) unless `pretty`, which indents by two spaces.
std::string ResultToJson(const ClassificationResult& result, bool pretty = false);

}  // namespace alveo::classifier
