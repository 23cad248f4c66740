// SPDX-License-Identifier: Apache-2.0
#include "config/settings_writer.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/settings_schema.h"

namespace alveo::config::internal {
namespace {

// Appends one member per visited key to a JSON object.
class ObjectWriter {
 public:
  ObjectWriter(JsonObject& object, bool hide_secrets) : object_(&object), hide_secrets_(hide_secrets) {}

  template <typename Fn>
  void Section(std::string_view name, Fn&& visit_child) {
    JsonObject child_object;
    ObjectWriter child(child_object, hide_secrets_);
    visit_child(child);
    Add(name, JsonValue{std::move(child_object)});
  }
  void Bool(std::string_view name, bool value) { Add(name, JsonValue{value}); }
  void Int(std::string_view name, int value, int, int) {
    Add(name, JsonValue{std::int64_t{value}});
  }
  void Megabytes(std::string_view name, std::uint64_t bytes, int) {
    Add(name, JsonValue{static_cast<std::int64_t>(bytes / kBytesPerMb)});
  }
  void String(std::string_view name, const std::string& value, StringCheck, Presence) {
    if (hide_secrets_ && !value.empty() && IsSecret(name)) return Add(name, JsonValue{std::string(kHidden)});
    Add(name, JsonValue{value});
  }
  void StringList(std::string_view name, const std::vector<std::string>& values, StringCheck) {
    JsonArray array;
    for (const std::string& value : values) array.push_back(JsonValue{value});
    Add(name, JsonValue{std::move(array)});
  }
  template <typename T, std::size_t N>
  void Enum(std::string_view name, T value, const std::array<NamedValue<T>, N>& names) {
    for (const auto& named : names) {
      if (named.value == value) return Add(name, JsonValue{std::string(named.name)});
    }
  }
  void CategoryLevels(std::string_view name,
                      const std::vector<std::pair<std::string, log::Level>>& levels) {
    JsonObject object;
    for (const auto& [category, level] : levels) {
      object.push_back(JsonMember{category, JsonValue{std::string(log::LevelName(level))}});
    }
    Add(name, JsonValue{std::move(object)});
  }
  template <typename T, typename Fn>
  void ObjectList(std::string_view name, const std::vector<T>& elements, Fn&& visit_element) {
    JsonArray array;
    for (const T& element : elements) {
      JsonObject element_object;
      ObjectWriter child(element_object, hide_secrets_);
      visit_element(child, element);
      array.push_back(JsonValue{std::move(element_object)});
    }
    Add(name, JsonValue{std::move(array)});
  }

 private:
  void Add(std::string_view name, JsonValue value) {
    object_->push_back(JsonMember{std::string(name), std::move(value)});
  }

  JsonObject* object_;
  bool hide_secrets_;
};

}  // namespace

bool IsSecret(std::string_view key) { return key == "api_token" || key == "secret"; }

JsonValue WriteSettings(const Settings& settings, bool hide_secrets) {
  JsonObject root;
  ObjectWriter writer(root, hide_secrets);
  VisitSettings(writer, settings);
  return JsonValue{std::move(root)};
}

}  // namespace alveo::config::internal
