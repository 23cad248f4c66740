// SPDX-License-Identifier: Apache-2.0
// Schema visitor that turns settings back into the file's JSON layout (every key, file order), for
// the startup log and for generating config/alveo.json. Thread-safety: pure function.
#pragma once

#include "config/json_value.h"
#include "core/settings.h"

namespace alveo::config::internal {

JsonValue WriteSettings(const Settings& settings);

}  // namespace alveo::config::internal
