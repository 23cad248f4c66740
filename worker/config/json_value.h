// SPDX-License-Identifier: Apache-2.0
// A small, std-only JSON tree for the config module: object members keep file order, duplicate keys
// are reported, syntax errors carry line and column. Poco does the parsing behind ParseJson().
// Thread-safety: plain values; the functions are reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace alveo::config::internal {

struct JsonValue;
struct JsonMember;
using JsonArray = std::vector<JsonValue>;
using JsonObject = std::vector<JsonMember>;  // file order; keys unique after ParseJson()

struct JsonValue {
  std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, JsonArray,
               JsonObject>
      data;
};

struct JsonMember {
  std::string key;
  JsonValue value;
};

// Parses one JSON document. Errors (kConfigInvalid) read "invalid JSON at line 3, column 7: ..." or
// "... duplicate key" naming the dotted path of the repeated key.
Result<JsonValue> ParseJson(std::string_view text);

// Pretty-prints with two-space indentation; short arrays of scalars stay on one line.
std::string DumpJson(const JsonValue& value);

// "a string", "an integer", "an object", ... for error messages.
std::string_view JsonTypeName(const JsonValue& value);

// The member named `key`, or nullptr.
const JsonValue* FindMember(const JsonObject& object, std::string_view key);
JsonValue* FindMember(JsonObject& object, std::string_view key);

}  // namespace alveo::config::internal
