// SPDX-License-Identifier: Apache-2.0
#include "plugins/orthanc/plugin_config.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "config/config_loader.h"
#include "config/value_checks.h"

namespace alveo::orthanc_plugin {
namespace {

constexpr const char* kKnownKeys[] = {"Enabled",          "SrTemplate",          "AeTitle",
                                      "StudyFilter",      "Threads",             "Nice",
                                      "ForwardToModalities", "ForwardRetrySeconds", "ForwardMaxAttempts"};

bool IsKnown(const std::string& key) {
  for (const char* known : kKnownKeys) {
    if (key == known) return true;
  }
  return false;
}

std::string KnownKeyList() {
  std::string list;
  for (const char* known : kKnownKeys) {
    if (!list.empty()) list.append(", ");
    list.append(known);
  }
  return list;
}

void ReadString(const Poco::JSON::Object& alveo, const std::string& key, std::string* out,
                std::vector<std::string>* errors) {
  if (!alveo.has(key)) return;
  const Poco::Dynamic::Var value = alveo.get(key);
  if (!value.isString() || value.extract<std::string>().empty()) {
    errors->push_back("Alveo." + key + " must be a non-empty string");
    return;
  }
  *out = value.extract<std::string>();
}

void ReadInt(const Poco::JSON::Object& alveo, const std::string& key, int min, int max, int* out,
             std::vector<std::string>* errors) {
  if (!alveo.has(key)) return;
  const Poco::Dynamic::Var value = alveo.get(key);
  std::string range = "[";
  range.append(std::to_string(min)).append(", ").append(std::to_string(max)).append("]");
  if (!value.isInteger()) {
    errors->push_back("Alveo." + key + " must be an integer in " + range);
    return;
  }
  const long long number = value.convert<long long>();
  if (number < min || number > max) {
    errors->push_back("Alveo." + key + " is " + std::to_string(number) + ", out of range " + range);
    return;
  }
  *out = static_cast<int>(number);
}

// Names of the modalities in Orthanc's "DicomModalities" (object form: name -> definition).
std::vector<std::string> ConfiguredModalities(const Poco::JSON::Object& root) {
  std::vector<std::string> names;
  const Poco::JSON::Object::Ptr modalities = root.has("DicomModalities") ? root.getObject("DicomModalities") : nullptr;
  if (!modalities) return names;
  for (const auto& [name, definition] : *modalities) names.push_back(name);
  return names;
}

bool ModalitiesInDatabase(const Poco::JSON::Object& root) {
  if (!root.has("DicomModalitiesInDatabase")) return false;
  const Poco::Dynamic::Var value = root.get("DicomModalitiesInDatabase");
  return value.isBoolean() && value.extract<bool>();
}

void ReadForwardTargets(const Poco::JSON::Object& root, const Poco::JSON::Object& alveo, ParsedConfig* parsed) {
  if (!alveo.has("ForwardToModalities")) return;
  const Poco::JSON::Array::Ptr list = alveo.getArray("ForwardToModalities");
  if (!list) {
    parsed->errors.push_back("Alveo.ForwardToModalities must be a list of Orthanc modality names");
    return;
  }
  const std::vector<std::string> known = ConfiguredModalities(root);
  const bool in_database = ModalitiesInDatabase(root);
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Poco::Dynamic::Var item = list->get(static_cast<unsigned>(i));
    const std::string where = "Alveo.ForwardToModalities[" + std::to_string(i) + "]";
    if (!item.isString() || item.extract<std::string>().empty()) {
      parsed->errors.push_back(where + " must be a non-empty string");
      continue;
    }
    const std::string name = item.extract<std::string>();
    bool found = in_database;
    for (const std::string& modality : known) found = found || modality == name;
    if (!found) {
      parsed->errors.push_back(where + " names \"" + name + "\", which is not in Orthanc's DicomModalities");
      continue;
    }
    parsed->config.forward_to_modalities.push_back(name);
  }
}

void ReadStudyFilter(const Poco::JSON::Object& alveo, ParsedConfig* parsed) {
  if (!alveo.has("StudyFilter")) return;
  const Poco::JSON::Object::Ptr object = alveo.getObject("StudyFilter");
  if (!object) {
    parsed->errors.push_back("Alveo.StudyFilter must be a JSON object (the keys of study.filter in alveo.json)");
    return;
  }
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(*object, text);
  Result<StudyFilterSettings> filter = config::ParseStudyFilter(text.str(), "Alveo.StudyFilter");
  if (!filter.ok()) {
    std::istringstream lines(filter.status().message());
    for (std::string line; std::getline(lines, line);) parsed->errors.push_back(line);
    return;
  }
  parsed->config.study_filter = *filter;
}

}  // namespace

ParsedConfig ParsePluginConfig(const std::string& orthanc_json) {
  ParsedConfig parsed;
  Poco::JSON::Object::Ptr root;
  try {
    root = Poco::JSON::Parser().parse(orthanc_json).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    parsed.errors.push_back("Orthanc's configuration is not a JSON object: " + e.displayText());
    return parsed;
  }
  if (!root) return parsed;
  if (root->has("TemporaryDirectory")) {
    const Poco::Dynamic::Var value = root->get("TemporaryDirectory");
    if (value.isString()) parsed.config.temp_parent = value.extract<std::string>();
  }
  if (!root->has("Alveo")) return parsed;
  const Poco::JSON::Object::Ptr alveo = root->getObject("Alveo");
  if (!alveo) {
    parsed.errors.push_back("the \"Alveo\" configuration member must be a JSON object");
    return parsed;
  }
  for (const auto& [key, value] : *alveo) {
    if (!IsKnown(key)) parsed.errors.push_back("unknown key Alveo." + key + " (known: " + KnownKeyList() + ")");
  }
  if (alveo->has("Enabled")) {
    const Poco::Dynamic::Var value = alveo->get("Enabled");
    if (!value.isBoolean()) {
      parsed.errors.push_back("Alveo.Enabled must be true or false");
    } else {
      parsed.config.enabled = value.extract<bool>();
    }
  }
  ReadString(*alveo, "SrTemplate", &parsed.config.sr_template, &parsed.errors);
  ReadString(*alveo, "AeTitle", &parsed.config.ae_title, &parsed.errors);
  if (const std::string problem = config::internal::CheckAeTitle(parsed.config.ae_title); !problem.empty()) {
    parsed.errors.push_back("Alveo.AeTitle: " + problem);
  }
  ReadStudyFilter(*alveo, &parsed);
  ReadInt(*alveo, "Threads", 0, 256, &parsed.config.threads, &parsed.errors);
  ReadInt(*alveo, "Nice", 0, 19, &parsed.config.nice, &parsed.errors);
  ReadForwardTargets(*root, *alveo, &parsed);
  ReadInt(*alveo, "ForwardRetrySeconds", 1, 86400, &parsed.config.forward_retry_seconds, &parsed.errors);
  ReadInt(*alveo, "ForwardMaxAttempts", 1, 1000, &parsed.config.forward_max_attempts, &parsed.errors);
  return parsed;
}

}  // namespace alveo::orthanc_plugin
