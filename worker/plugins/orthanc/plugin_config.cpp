// SPDX-License-Identifier: Apache-2.0
#include "plugins/orthanc/plugin_config.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace alveo::orthanc_plugin {
namespace {

constexpr const char* kKnownKeys[] = {"Enabled", "SrTemplate", "AeTitle", "ForwardToModalities"};

bool IsKnown(const std::string& key) {
  for (const char* known : kKnownKeys) {
    if (key == known) return true;
  }
  return false;
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
  if (!root || !root->has("Alveo")) return parsed;
  const Poco::JSON::Object::Ptr alveo = root->getObject("Alveo");
  if (!alveo) {
    parsed.errors.push_back("the \"Alveo\" configuration member must be a JSON object");
    return parsed;
  }
  for (const auto& [key, value] : *alveo) {
    if (!IsKnown(key)) {
      parsed.errors.push_back("unknown key Alveo." + key +
                              " (known: Enabled, SrTemplate, AeTitle, ForwardToModalities)");
    }
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
  if (parsed.config.ae_title.size() > 16) parsed.errors.push_back("Alveo.AeTitle must be at most 16 characters");
  if (alveo->has("ForwardToModalities")) {
    const Poco::JSON::Array::Ptr list = alveo->getArray("ForwardToModalities");
    if (!list) {
      parsed.errors.push_back("Alveo.ForwardToModalities must be a list of modality names");
    } else {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const Poco::Dynamic::Var item = list->get(static_cast<unsigned>(i));
        if (!item.isString() || item.extract<std::string>().empty()) {
          parsed.errors.push_back("Alveo.ForwardToModalities[" + std::to_string(i) +
                                  "] must be a non-empty string");
        } else {
          parsed.config.forward_to_modalities.push_back(item.extract<std::string>());
        }
      }
    }
  }
  return parsed;
}

}  // namespace alveo::orthanc_plugin
