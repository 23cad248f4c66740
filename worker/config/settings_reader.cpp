// SPDX-License-Identifier: Apache-2.0
#include "config/settings_reader.h"

#include <algorithm>

namespace alveo::config::internal {
namespace {

template <typename Container>
std::string JoinChoices(const Container& choices) {
  std::string joined;
  for (const auto& choice : choices) {
    if (!joined.empty()) joined += ", ";
    joined += choice;
  }
  return joined;
}

std::vector<std::string> CategoryNames() {
  std::vector<std::string> names;
  for (int i = 0; i < static_cast<int>(log::Category::kCount); ++i) {
    names.emplace_back(log::CategoryName(static_cast<log::Category>(i)));
  }
  return names;
}

}  // namespace

void ReadSettings(const JsonObject& root, Settings& settings, std::vector<Issue>& issues) {
  ObjectReader reader(root, "", issues);
  VisitSettings(reader, settings);
  reader.ReportUnknownKeys();
}

void ObjectReader::Bool(std::string_view name, bool& out) {
  const JsonValue* value = Take(name);
  if (value == nullptr) return;
  if (const bool* flag = std::get_if<bool>(&value->data)) {
    out = *flag;
  } else {
    WrongType(Path(name), *value, "true or false");
  }
}

void ObjectReader::Int(std::string_view name, int& out, int min, int max) {
  const JsonValue* value = Take(name);
  if (value == nullptr) return;
  if (const auto number = IntegerInRange(Path(name), *value, min, max)) {
    out = static_cast<int>(*number);
  }
}

void ObjectReader::Megabytes(std::string_view name, std::uint64_t& bytes, int max_mb) {
  const JsonValue* value = Take(name);
  if (value == nullptr) return;
  if (const auto mb = IntegerInRange(Path(name), *value, 0, max_mb)) {
    bytes = static_cast<std::uint64_t>(*mb) * kBytesPerMb;
  }
}

void ObjectReader::String(std::string_view name, std::string& out, StringCheck check,
                          Presence presence) {
  const JsonValue* value = Take(name);
  if (value == nullptr) {
    if (presence == Presence::kRequired) AddIssue(Path(name), "required");
    return;
  }
  const auto* text = std::get_if<std::string>(&value->data);
  if (text == nullptr) return WrongType(Path(name), *value, "a string");
  std::string problem = check(*text);
  if (!problem.empty()) return AddIssue(Path(name), std::move(problem));
  out = *text;
}

void ObjectReader::StringList(std::string_view name, std::vector<std::string>& out,
                              StringCheck check) {
  const JsonValue* value = Take(name);
  if (value == nullptr) return;
  const auto* array = std::get_if<JsonArray>(&value->data);
  if (array == nullptr) return WrongType(Path(name), *value, "an array of strings");
  std::vector<std::string> strings;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string element_path = Path(name) + "[" + std::to_string(i) + "]";
    const auto* text = std::get_if<std::string>(&(*array)[i].data);
    if (text == nullptr) {
      WrongType(element_path, (*array)[i], "a string");
      continue;
    }
    std::string problem = check(*text);
    if (!problem.empty()) AddIssue(element_path, std::move(problem));
    strings.push_back(*text);
  }
  out = std::move(strings);
}

void ObjectReader::CategoryLevels(std::string_view name,
                                  std::vector<std::pair<std::string, log::Level>>& out) {
  const JsonValue* value = Take(name);
  if (value == nullptr) return;
  const auto* object = std::get_if<JsonObject>(&value->data);
  if (object == nullptr) {
    return WrongType(Path(name), *value, "an object of category: level");
  }
  std::vector<std::string_view> levels;
  for (const auto& named : kLevelNames) levels.push_back(named.name);
  out.clear();
  for (const JsonMember& member : *object) {
    const std::string key = Path(name) + "." + member.key;
    if (!log::ParseCategory(member.key)) {
      const std::vector<std::string> categories = CategoryNames();
      const auto suggestion = ClosestMatch(member.key, categories);
      AddIssue(key, suggestion
                        ? "unknown category (did you mean " + Path(name) + "." + *suggestion + "?)"
                        : "unknown category (known: " + JoinChoices(categories) + ")");
      continue;
    }
    if (const auto index = MatchChoice(key, member.value, levels)) {
      out.emplace_back(member.key, kLevelNames[*index].value);
    }
  }
}

void ObjectReader::ReportUnknownKeys() {
  for (const JsonMember& member : *object_) {
    if (std::find(known_.begin(), known_.end(), member.key) != known_.end()) continue;
    std::string message = "unknown key";
    if (const auto suggestion = ClosestMatch(member.key, known_)) {
      message += " (did you mean " + Path(*suggestion) + "?)";
    }
    AddIssue(Path(member.key), std::move(message));
  }
}

const JsonValue* ObjectReader::Take(std::string_view name) {
  known_.emplace_back(name);
  return FindMember(*object_, name);
}

void ObjectReader::AddIssue(std::string key, std::string message) {
  issues_->push_back(Issue{std::move(key), std::move(message)});
}

void ObjectReader::WrongType(const std::string& key, const JsonValue& value,
                             std::string_view expected) {
  AddIssue(key, "expected " + std::string(expected) + ", got " + std::string(JsonTypeName(value)));
}

std::optional<std::size_t> ObjectReader::MatchChoice(const std::string& key, const JsonValue& value,
                                                     const std::vector<std::string_view>& choices) {
  const auto* text = std::get_if<std::string>(&value.data);
  if (text != nullptr) {
    const auto it = std::find(choices.begin(), choices.end(), *text);
    if (it != choices.end()) return static_cast<std::size_t>(it - choices.begin());
  }
  std::string message = "must be one of " + JoinChoices(choices);
  message += text != nullptr ? " (got \"" + *text + "\")"
                             : " (got " + std::string(JsonTypeName(value)) + ")";
  AddIssue(key, std::move(message));
  return std::nullopt;
}

std::optional<std::int64_t> ObjectReader::IntegerInRange(const std::string& key,
                                                         const JsonValue& value, std::int64_t min,
                                                         std::int64_t max) {
  const std::string range =
      " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (const auto* big = std::get_if<std::uint64_t>(&value.data)) {
    AddIssue(key, std::to_string(*big) + range);
    return std::nullopt;
  }
  const auto* number = std::get_if<std::int64_t>(&value.data);
  if (number == nullptr) {
    WrongType(key, value, "an integer");
    return std::nullopt;
  }
  if (*number < min || *number > max) {
    AddIssue(key, std::to_string(*number) + range);
    return std::nullopt;
  }
  return *number;
}

}  // namespace alveo::config::internal
