// SPDX-License-Identifier: Apache-2.0
#include "config/overrides.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

#include "config/config_keys.h"
#include "config/value_checks.h"

namespace alveo::config::internal {
namespace {

const KeyInfo* FindKey(const std::vector<KeyInfo>& keys, std::string_view key) {
  for (const KeyInfo& info : keys) {
    if (!info.in_list_element && info.key == key) return &info;
  }
  return nullptr;
}

// The kind of value `key` takes, or an issue explaining why it cannot be overridden.
std::optional<KeyKind> ResolveKind(const std::string& key, const std::vector<KeyInfo>& keys,
                                   std::vector<Issue>& issues) {
  if (const KeyInfo* info = FindKey(keys, key)) {
    if (info->kind != KeyKind::kSection) return info->kind;
    issues.push_back(Issue{
        key, "is a section; override the keys inside it one by one (" + key + ".<key>=<value>)"});
    return std::nullopt;
  }
  const std::size_t dot = key.rfind('.');
  if (dot != std::string::npos) {
    const KeyInfo* parent = FindKey(keys, key.substr(0, dot));
    if (parent != nullptr && parent->kind == KeyKind::kCategoryLevels) return KeyKind::kString;
  }
  std::vector<std::string> candidates;
  for (const KeyInfo& info : keys) {
    if (!info.in_list_element && info.kind != KeyKind::kSection) candidates.push_back(info.key);
  }
  std::string message = "unknown key in override";
  if (const auto suggestion = ClosestMatch(key, candidates)) {
    message += " (did you mean " + *suggestion + "?)";
  }
  issues.push_back(Issue{key, std::move(message)});
  return std::nullopt;
}

std::optional<JsonValue> ParseInteger(const std::string& key, const std::string& text,
                                      std::vector<Issue>& issues) {
  std::int64_t number = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, number);
  if (error == std::errc::result_out_of_range) {
    issues.push_back(Issue{key, "override value " + text + " is out of range"});
    return std::nullopt;
  }
  if (error != std::errc() || ptr != end) {
    issues.push_back(Issue{key, "override value \"" + text + "\" is not an integer"});
    return std::nullopt;
  }
  return JsonValue{number};
}

// A sample value shown when an override for a list or object is not valid JSON.
std::string_view JsonExample(KeyKind kind) {
  switch (kind) {
    case KeyKind::kStringList:
      return R"(["CT", "CR"])";
    case KeyKind::kObjectList:
      return R"([{"ae_title": "PACS", "hosts": ["192.0.2.10"]}])";
    default:
      return R"({"net": "debug"})";
  }
}

std::optional<JsonValue> ConvertValue(const std::string& key, KeyKind kind, const std::string& text,
                                      std::vector<Issue>& issues) {
  switch (kind) {
    case KeyKind::kBool:
      if (text == "true" || text == "false") return JsonValue{text == "true"};
      issues.push_back(Issue{key, "override value \"" + text + "\" must be true or false"});
      return std::nullopt;
    case KeyKind::kInteger:
      return ParseInteger(key, text, issues);
    case KeyKind::kString:
      return JsonValue{text};
    case KeyKind::kSection:
      return std::nullopt;
    case KeyKind::kStringList:
    case KeyKind::kCategoryLevels:
    case KeyKind::kObjectList:
      break;
  }
  Result<JsonValue> parsed = ParseJson(text);
  if (!parsed.ok()) {
    issues.push_back(Issue{key, "override value must be JSON text such as " +
                                    std::string(JsonExample(kind)) + ": " +
                                    parsed.status().message()});
    return std::nullopt;
  }
  return std::move(parsed).value();
}

// The object that holds the last segment of the dotted `key`, creating missing sections; nullptr
// (with an issue) when a section on the way is not an object in the settings file.
JsonObject* ParentObject(const std::string& key, JsonObject& root, std::vector<Issue>& issues) {
  JsonObject* current = &root;
  std::size_t start = 0;
  for (std::size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
    const std::string segment = key.substr(start, dot - start);
    JsonValue* next = FindMember(*current, segment);
    if (next == nullptr) {
      current->push_back(JsonMember{segment, JsonValue{JsonObject{}}});
      next = &current->back().value;
    }
    current = std::get_if<JsonObject>(&next->data);
    if (current == nullptr) {
      issues.push_back(Issue{key, "cannot apply override: " + key.substr(0, dot) + " in the settings file is not an object"});
      return nullptr;
    }
    start = dot + 1;
  }
  return current;
}

std::string LastSegment(const std::string& key) { return key.substr(key.rfind('.') + 1); }

// Stores `value` at the dotted `key`, creating missing sections.
void SetPath(const std::string& key, JsonValue value, JsonObject& root, std::vector<Issue>& issues) {
  JsonObject* parent = ParentObject(key, root, issues);
  if (parent == nullptr) return;
  const std::string last = LastSegment(key);
  if (JsonValue* existing = FindMember(*parent, last)) {
    *existing = std::move(value);
  } else {
    parent->push_back(JsonMember{last, std::move(value)});
  }
}

// Appends `element` to the array at the dotted `key`, creating it (and missing sections).
void AppendToPath(const std::string& key, JsonValue element, JsonObject& root, std::vector<Issue>& issues) {
  JsonObject* parent = ParentObject(key, root, issues);
  if (parent == nullptr) return;
  const std::string last = LastSegment(key);
  JsonValue* existing = FindMember(*parent, last);
  if (existing == nullptr) {
    parent->push_back(JsonMember{last, JsonValue{JsonArray{}}});
    existing = &parent->back().value;
  }
  auto* array = std::get_if<JsonArray>(&existing->data);
  if (array == nullptr) {
    issues.push_back(Issue{key, "cannot append: it is not a list in the settings file"});
    return;
  }
  array->push_back(std::move(element));
}

// "key[+]" = JSON text of one element: appends to a list instead of replacing it.
bool ApplyAppend(const std::string& key, const std::string& text, const std::vector<KeyInfo>& keys, JsonObject& root,
                 std::vector<Issue>& issues) {
  const std::string base = key.substr(0, key.size() - 3);
  const KeyInfo* info = FindKey(keys, base);
  if (info == nullptr || (info->kind != KeyKind::kObjectList && info->kind != KeyKind::kStringList)) {
    issues.push_back(Issue{base, "only lists can be appended to with [+]"});
    return false;
  }
  JsonValue element{text};
  if (info->kind == KeyKind::kObjectList) {
    Result<JsonValue> parsed = ParseJson(text);
    if (!parsed.ok()) {
      issues.push_back(Issue{base, "appended value must be a JSON object: " + parsed.status().message()});
      return false;
    }
    element = std::move(parsed).value();
  }
  const std::size_t before = issues.size();
  AppendToPath(base, std::move(element), root, issues);
  return issues.size() == before;
}

}  // namespace

std::vector<std::string> ApplyOverrides(const Overrides& overrides, JsonObject& root,
                                        std::vector<Issue>& issues) {
  const std::vector<KeyInfo> keys = AcceptedKeys();
  std::vector<std::string> applied;
  for (const auto& [key, text] : overrides) {
    if (key.empty()) {
      issues.push_back(Issue{"override", "missing key before '=' (\"=" + text + "\")"});
      continue;
    }
    if (key.size() > 3 && key.compare(key.size() - 3, 3, "[+]") == 0) {
      if (ApplyAppend(key, text, keys, root, issues)) applied.push_back(key.substr(0, key.size() - 3));
      continue;
    }
    const std::optional<KeyKind> kind = ResolveKind(key, keys, issues);
    if (!kind) continue;
    std::optional<JsonValue> value = ConvertValue(key, *kind, text, issues);
    if (!value) continue;
    SetPath(key, std::move(*value), root, issues);
    applied.push_back(key);
  }
  return applied;
}

}  // namespace alveo::config::internal
