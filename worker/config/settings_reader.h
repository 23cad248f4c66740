// SPDX-License-Identifier: Apache-2.0
// Schema visitor that reads a parsed JSON object into settings: missing keys keep their defaults,
// wrong types, bad values and unknown keys become Issues named by full dotted key.
// Thread-safety: one reader per parse; borrows the JSON object and issue list it is given.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/issue.h"
#include "config/json_value.h"
#include "config/settings_schema.h"
#include "core/settings.h"

namespace alveo::config::internal {

// Reads every key of `root` into `settings` (which holds the defaults) and appends problems to
// `issues`, in schema order, then unknown keys.
void ReadSettings(const JsonObject& root, Settings& settings, std::vector<Issue>& issues);

class ObjectReader {
 public:
  // `prefix` is the dotted path of `object` including the trailing dot ("" for the root).
  ObjectReader(const JsonObject& object, std::string prefix, std::vector<Issue>& issues)
      : object_(&object), prefix_(std::move(prefix)), issues_(&issues) {}

  template <typename Fn>
  void Section(std::string_view name, Fn&& visit_child) {
    const JsonValue* value = Take(name);
    if (value == nullptr) return;
    const auto* object = std::get_if<JsonObject>(&value->data);
    if (object == nullptr) return WrongType(Path(name), *value, "an object");
    ObjectReader child(*object, Path(name) + ".", *issues_);
    visit_child(child);
    child.ReportUnknownKeys();
  }

  void Bool(std::string_view name, bool& out);
  void Int(std::string_view name, int& out, int min, int max);
  void Megabytes(std::string_view name, std::uint64_t& bytes, int max_mb);
  void String(std::string_view name, std::string& out, StringCheck check, Presence presence);
  void StringList(std::string_view name, std::vector<std::string>& out, StringCheck check);
  void CategoryLevels(std::string_view name, std::vector<std::pair<std::string, log::Level>>& out);

  template <typename T, std::size_t N>
  void Enum(std::string_view name, T& out, const std::array<NamedValue<T>, N>& names) {
    const JsonValue* value = Take(name);
    if (value == nullptr) return;
    std::vector<std::string_view> choices;
    for (const auto& named : names) choices.push_back(named.name);
    if (const auto index = MatchChoice(Path(name), *value, choices)) out = names[*index].value;
  }

  template <typename T, typename Fn>
  void ObjectList(std::string_view name, std::vector<T>& out, Fn&& visit_element) {
    const JsonValue* value = Take(name);
    if (value == nullptr) return;
    const auto* array = std::get_if<JsonArray>(&value->data);
    if (array == nullptr) return WrongType(Path(name), *value, "an array of objects");
    out.clear();
    for (std::size_t i = 0; i < array->size(); ++i) {
      const std::string element_path = Path(name) + "[" + std::to_string(i) + "]";
      const auto* object = std::get_if<JsonObject>(&(*array)[i].data);
      if (object == nullptr) {
        WrongType(element_path, (*array)[i], "an object");
        continue;
      }
      T element{};
      ObjectReader child(*object, element_path + ".", *issues_);
      visit_element(child, element);
      child.ReportUnknownKeys();
      out.push_back(std::move(element));
    }
  }

  // Reports members no visitor call asked for, suggesting the closest known key.
  void ReportUnknownKeys();

 private:
  // Records `name` as known and returns its value, or nullptr when the file does not set it.
  const JsonValue* Take(std::string_view name);
  std::string Path(std::string_view name) const { return prefix_ + std::string(name); }
  void AddIssue(std::string key, std::string message);
  void WrongType(const std::string& key, const JsonValue& value, std::string_view expected);
  // The index of the string `value` in `choices`; adds an issue when it is not one of them.
  std::optional<std::size_t> MatchChoice(const std::string& key, const JsonValue& value,
                                         const std::vector<std::string_view>& choices);
  std::optional<std::int64_t> IntegerInRange(const std::string& key, const JsonValue& value,
                                             std::int64_t min, std::int64_t max);

  const JsonObject* object_;
  std::string prefix_;
  std::vector<Issue>* issues_;
  std::vector<std::string> known_;
};

}  // namespace alveo::config::internal
