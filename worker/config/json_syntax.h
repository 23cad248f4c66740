// SPDX-License-Identifier: Apache-2.0
// Locates the first JSON syntax error with line and column and an operator-readable reason
// ("trailing comma before '}'"), because the Poco parser reports neither. Used before handing text
// to Poco. Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace alveo::config::internal {

struct JsonSyntaxError {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
  std::string reason;
};

// Returns the first error in `text` (RFC 8259 grammar), or nullopt when it is well-formed JSON.
std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text);

}  // namespace alveo::config::internal
