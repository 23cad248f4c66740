// SPDX-License-Identifier: Apache-2.0
// Schema visitor that turns settings back into the file's JSON layout (every key, file order), for
// the startup log and for generating config/alveo.json. Thread-safety: pure function.
#pragma once

#include <string_view>

#include "config/json_value.h"
#include "core/settings.h"

namespace alveo::config::internal {

// With `hide_secrets`, keys that hold credentials (IsSecret) show kHidden instead of their value
// when set: for logs, which operators copy into tickets.
JsonValue WriteSettings(const Settings& settings, bool hide_secrets = false);
inline constexpr char kHidden[] = "(set; hidden)";
bool IsSecret(std::string_view key);

}  // namespace alveo::config::internal
