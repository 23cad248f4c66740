// SPDX-License-Identifier: Apache-2.0
// A tiny streaming JSON writer (objects, arrays, strings, numbers, booleans) with two-space
// indentation, enough for truth.json without pulling a JSON library into the phantom module.
// Thread-safety: a writer is owned by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace alveo::phantom {

class JsonWriter {
 public:
  JsonWriter& BeginObject(std::string_view key = {});
  JsonWriter& EndObject();
  JsonWriter& BeginArray(std::string_view key = {});
  JsonWriter& EndArray();
  JsonWriter& Field(std::string_view key, std::string_view value);
  JsonWriter& Field(std::string_view key, const char* value) {
    return Field(key, std::string_view(value));
  }
  JsonWriter& Field(std::string_view key, double value);
  JsonWriter& Field(std::string_view key, std::int64_t value);
  JsonWriter& Field(std::string_view key, int value) {
    return Field(key, static_cast<std::int64_t>(value));
  }
  JsonWriter& Field(std::string_view key, bool value);
  JsonWriter& Element(double value);

  // The document so far; complete once every Begin has its End.
  const std::string& str() const { return out_; }

 private:
  void Prefix(std::string_view key);
  void Open(std::string_view key, char bracket);
  void Close(char bracket);

  std::string out_;
  std::vector<bool> has_items_;  // one entry per open container
};

std::string JsonEscape(std::string_view text);
std::string JsonNumber(double value);

}  // namespace alveo::phantom
