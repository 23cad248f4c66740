// SPDX-License-Identifier: Apache-2.0
#include "phantom/json_writer.h"

#include <cmath>
#include <cstdio>

#include "core/json_text.h"

namespace alveo::phantom {

std::string JsonEscape(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

std::string JsonNumber(double value) {
  if (!std::isfinite(value)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", value);
  return buf;
}

void JsonWriter::Prefix(std::string_view key) {
  if (!has_items_.empty()) {
    if (has_items_.back()) out_ += ',';
    has_items_.back() = true;
    out_ += '\n';
    out_.append(2 * has_items_.size(), ' ');
  }
  if (!key.empty()) out_ += JsonEscape(key) + ": ";
}

void JsonWriter::Open(std::string_view key, char bracket) {
  Prefix(key);
  out_ += bracket;
  has_items_.push_back(false);
}

void JsonWriter::Close(char bracket) {
  const bool had_items = has_items_.back();
  has_items_.pop_back();
  if (had_items) {
    out_ += '\n';
    out_.append(2 * has_items_.size(), ' ');
  }
  out_ += bracket;
  if (has_items_.empty()) out_ += '\n';
}

JsonWriter& JsonWriter::BeginObject(std::string_view key) {
  Open(key, '{');
  return *this;
}
JsonWriter& JsonWriter::EndObject() {
  Close('}');
  return *this;
}
JsonWriter& JsonWriter::BeginArray(std::string_view key) {
  Open(key, '[');
  return *this;
}
JsonWriter& JsonWriter::EndArray() {
  Close(']');
  return *this;
}

JsonWriter& JsonWriter::Field(std::string_view key, std::string_view value) {
  Prefix(key);
  out_ += JsonEscape(value);
  return *this;
}

JsonWriter& JsonWriter::Field(std::string_view key, double value) {
  Prefix(key);
  out_ += JsonNumber(value);
  return *this;
}

JsonWriter& JsonWriter::Field(std::string_view key, std::int64_t value) {
  Prefix(key);
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Field(std::string_view key, bool value) {
  Prefix(key);
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Element(double value) {
  Prefix({});
  out_ += JsonNumber(value);
  return *this;
}

}  // namespace alveo::phantom
