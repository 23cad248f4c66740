// SPDX-License-Identifier: Apache-2.0
#include "config/config_keys.h"

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

#include "config/settings_schema.h"
#include "core/settings.h"

namespace alveo::config::internal {
namespace {

// Schema visitor that records each key and its kind instead of touching values.
class KeyLister {
 public:
  KeyLister(std::string prefix, bool in_list_element, std::vector<KeyInfo>& keys)
      : prefix_(std::move(prefix)), in_list_element_(in_list_element), keys_(&keys) {}

  template <typename Fn>
  void Section(std::string_view name, Fn&& visit_child) {
    Add(name, KeyKind::kSection);
    KeyLister child(prefix_ + std::string(name) + ".", in_list_element_, *keys_);
    visit_child(child);
  }
  void Bool(std::string_view name, const bool&) { Add(name, KeyKind::kBool); }
  void Int(std::string_view name, const int&, int, int) { Add(name, KeyKind::kInteger); }
  void Megabytes(std::string_view name, const std::uint64_t&, int) { Add(name, KeyKind::kInteger); }
  void String(std::string_view name, const std::string&, StringCheck, Presence) {
    Add(name, KeyKind::kString);
  }
  void StringList(std::string_view name, const std::vector<std::string>&, StringCheck) {
    Add(name, KeyKind::kStringList);
  }
  template <typename T, std::size_t N>
  void Enum(std::string_view name, const T&, const std::array<NamedValue<T>, N>&) {
    Add(name, KeyKind::kString);
  }
  void CategoryLevels(std::string_view name,
                      const std::vector<std::pair<std::string, log::Level>>&) {
    Add(name, KeyKind::kCategoryLevels);
  }
  template <typename T, typename Fn>
  void ObjectList(std::string_view name, const std::vector<T>&, Fn&& visit_element) {
    Add(name, KeyKind::kObjectList);
    KeyLister child(prefix_ + std::string(name) + "[].", true, *keys_);
    const T element{};
    visit_element(child, element);
  }

 private:
  void Add(std::string_view name, KeyKind kind) {
    keys_->push_back(KeyInfo{prefix_ + std::string(name), kind, in_list_element_});
  }

  std::string prefix_;
  bool in_list_element_;
  std::vector<KeyInfo>* keys_;
};

}  // namespace

std::vector<KeyInfo> AcceptedKeys() {
  std::vector<KeyInfo> keys;
  KeyLister lister("", false, keys);
  const Settings defaults;
  VisitSettings(lister, defaults);
  return keys;
}

}  // namespace alveo::config::internal
