// SPDX-License-Identifier: Apache-2.0
#include "config/json_value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>

#include "config/json_syntax.h"
#include "core/json_text.h"

namespace alveo::config::internal {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::size_t kInlineArrayWidth = 80;

std::string JoinPath(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

// Receives Poco's parse events and builds a JsonValue, keeping member order and noting repeated
// keys (Poco's own handler silently keeps the last one).
class TreeBuilder : public Poco::JSON::Handler {
 public:
  void reset() override {
    frames_.clear();
    root_ = JsonValue{};
    pending_key_.clear();
    duplicates_.clear();
  }
  void startObject() override { Open(JsonValue{JsonObject{}}); }
  void endObject() override { Close(); }
  void startArray() override { Open(JsonValue{JsonArray{}}); }
  void endArray() override { Close(); }
  void key(const std::string& k) override { pending_key_ = k; }
  void null() override { Add(JsonValue{nullptr}); }
  void value(int v) override { Add(JsonValue{std::int64_t{v}}); }
  void value(unsigned v) override { Add(JsonValue{std::int64_t{v}}); }
  void value(Poco::Int64 v) override { Add(JsonValue{std::int64_t{v}}); }
  void value(Poco::UInt64 v) override { Add(JsonValue{std::uint64_t{v}}); }
  void value(const std::string& v) override { Add(JsonValue{v}); }
  void value(double v) override { Add(JsonValue{v}); }
  void value(bool v) override { Add(JsonValue{v}); }

  JsonValue TakeRoot() { return std::move(root_); }
  const std::vector<std::string>& duplicates() const { return duplicates_; }

 private:
  struct Frame {
    JsonValue value;
    std::string key;   // member name in the parent object (unused in arrays)
    std::string path;  // dotted path of this container, e.g. "dicom.allowed_callers[1]"
  };

  void Open(JsonValue container) {
    std::string path = ChildPath(pending_key_);
    frames_.push_back(Frame{std::move(container), pending_key_, std::move(path)});
  }

  void Close() {
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    Place(std::move(frame.value), frame.key);
  }

  void Add(JsonValue value) { Place(std::move(value), pending_key_); }

  void Place(JsonValue value, const std::string& key) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return;
    }
    Frame& top = frames_.back();
    if (auto* array = std::get_if<JsonArray>(&top.value.data)) {
      array->push_back(std::move(value));
      return;
    }
    auto& object = std::get<JsonObject>(top.value.data);
    if (JsonValue* existing = FindMember(object, key)) {
      duplicates_.push_back(JoinPath(top.path, key));
      *existing = std::move(value);
      return;
    }
    object.push_back(JsonMember{key, std::move(value)});
  }

  std::string ChildPath(const std::string& key) const {
    if (frames_.empty()) return "";
    const Frame& top = frames_.back();
    if (const auto* array = std::get_if<JsonArray>(&top.value.data)) {
      return top.path + "[" + std::to_string(array->size()) + "]";
    }
    return JoinPath(top.path, key);
  }

  std::vector<Frame> frames_;
  JsonValue root_;
  std::string pending_key_;
  std::vector<std::string> duplicates_;
};

Status Invalid(std::string message) {
  return Status::Error(ErrorCode::kConfigInvalid, std::move(message));
}

void AppendQuoted(std::string_view text, std::string& out) { AppendJsonString(out, text); }

void AppendDouble(double value, std::string& out) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

bool IsContainer(const JsonValue& value) {
  return std::holds_alternative<JsonArray>(value.data) ||
         std::holds_alternative<JsonObject>(value.data);
}

void Dump(const JsonValue& value, int indent, std::string& out);

void DumpArray(const JsonArray& array, int indent, std::string& out) {
  bool all_scalars = true;
  for (const JsonValue& element : array) all_scalars = all_scalars && !IsContainer(element);
  if (all_scalars) {
    std::string line = "[";
    for (std::size_t i = 0; i < array.size(); ++i) {
      if (i > 0) line += ", ";
      Dump(array[i], 0, line);
    }
    line += ']';
    if (array.empty() || indent + line.size() <= kInlineArrayWidth) {
      out += line;
      return;
    }
  }
  out += "[\n";
  for (std::size_t i = 0; i < array.size(); ++i) {
    out.append(indent + 2, ' ');
    Dump(array[i], indent + 2, out);
    out += i + 1 < array.size() ? ",\n" : "\n";
  }
  out.append(indent, ' ');
  out += ']';
}

void DumpObject(const JsonObject& object, int indent, std::string& out) {
  if (object.empty()) {
    out += "{}";
    return;
  }
  out += "{\n";
  for (std::size_t i = 0; i < object.size(); ++i) {
    out.append(indent + 2, ' ');
    AppendQuoted(object[i].key, out);
    out += ": ";
    Dump(object[i].value, indent + 2, out);
    out += i + 1 < object.size() ? ",\n" : "\n";
  }
  out.append(indent, ' ');
  out += '}';
}

void Dump(const JsonValue& value, int indent, std::string& out) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          out += "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t>) {
          out += std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          AppendDouble(v, out);
        } else if constexpr (std::is_same_v<T, std::string>) {
          AppendQuoted(v, out);
        } else if constexpr (std::is_same_v<T, JsonArray>) {
          DumpArray(v, indent, out);
        } else {
          DumpObject(v, indent, out);
        }
      },
      value.data);
}

}  // namespace

Result<JsonValue> ParseJson(std::string_view text) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  if (auto error = FindJsonSyntaxError(text)) {
    return Invalid("invalid JSON at line " + std::to_string(error->line) + ", column " +
                   std::to_string(error->column) + ": " + error->reason);
  }
  Poco::SharedPtr<TreeBuilder> builder = new TreeBuilder;
  try {
    Poco::JSON::Parser parser(builder);
    parser.parse(std::string(text));
  } catch (const Poco::Exception& e) {
    return Invalid("invalid JSON: " + e.message());
  }
  if (!builder->duplicates().empty()) {
    std::string message;
    for (const std::string& path : builder->duplicates()) {
      if (!message.empty()) message += '\n';
      message += path + ": duplicate key (each key may appear once)";
    }
    return Invalid(std::move(message));
  }
  return builder->TakeRoot();
}

std::string DumpJson(const JsonValue& value) {
  std::string out;
  Dump(value, 0, out);
  return out;
}

std::string_view JsonTypeName(const JsonValue& value) {
  constexpr std::string_view kNames[] = {
      "null",     "a boolean", "an integer", "an integer", "a number with a fraction or exponent",
      "a string", "an array",  "an object"};
  return kNames[value.data.index()];
}

const JsonValue* FindMember(const JsonObject& object, std::string_view key) {
  for (const JsonMember& member : object) {
    if (member.key == key) return &member.value;
  }
  return nullptr;
}

JsonValue* FindMember(JsonObject& object, std::string_view key) {
  for (JsonMember& member : object) {
    if (member.key == key) return &member.value;
  }
  return nullptr;
}

}  // namespace alveo::config::internal
