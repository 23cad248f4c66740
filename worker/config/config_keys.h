// SPDX-License-Identifier: Apache-2.0
// The list of keys the settings file accepts, derived from the schema: used to resolve CLI
// overrides and by tests that check config/README.md and config/alveo.json cover every key.
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

namespace alveo::config::internal {

enum class KeyKind {
  kSection,  // an object of further keys ("dicom", "study.filter")
  kBool,
  kInteger,
  kString,  // includes named choices such as spool.sync_mode and log.level
  kStringList,
  kCategoryLevels,  // log.categories: {"net": "debug"}
  kObjectList,      // dicom.allowed_callers
};

struct KeyInfo {
  std::string
      key;  // full dotted key; element keys of object lists read "dicom.allowed_callers[].hosts"
  KeyKind kind;
  bool in_list_element;  // true for keys inside object-list elements
};

// Every accepted key, sections included, in file order.
std::vector<KeyInfo> AcceptedKeys();

}  // namespace alveo::config::internal
