// SPDX-License-Identifier: Apache-2.0
// Applies dotted-key overrides from the command line ("dicom.port" = "104") to the parsed settings
// file before it is read, so overrides pass the same validation as the file.
// Thread-safety: pure function over the tree it is given.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/issue.h"
#include "config/json_value.h"

namespace alveo::config::internal {

using Overrides = std::vector<std::pair<std::string, std::string>>;

// Sets each key in `root`, converting the text by the key's kind: integers and true/false are
// parsed, strings and named choices are taken verbatim, lists and objects are JSON text;
// "log.categories.<name>" sets one category; "<list key>[+]" appends one element (JSON text for
// lists of objects) to the list from the file. Unknown keys and unconvertible values become issues.
// Returns the keys that were applied, so later issues about them can say where they came from.
std::vector<std::string> ApplyOverrides(const Overrides& overrides, JsonObject& root,
                                        std::vector<Issue>& issues);

}  // namespace alveo::config::internal
