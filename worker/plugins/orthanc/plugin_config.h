// SPDX-License-Identifier: Apache-2.0
// The plugin's settings: the "Alveo" member of Orthanc's JSON configuration, parsed and validated.
// Every problem is reported as one clear sentence naming the key. Thread-safety: plain values and a
// pure function.
#pragma once

#include <string>
#include <vector>

namespace alveo::orthanc_plugin {

struct PluginConfig {
  bool enabled = true;
  std::string sr_template = "default";  // shipped template name or a .json path
  std::string ae_title = "ALVEO";       // for the SR's Device Observer UID (as `alveo serve`)
  std::vector<std::string> forward_to_modalities;  // TODO: C-STORE the SR to these Orthanc modalities
};

struct ParsedConfig {
  PluginConfig config;
  std::vector<std::string> errors;  // empty when valid
};

// `orthanc_json` is Orthanc's whole configuration (OrthancPluginGetConfiguration). A missing
// "Alveo" member gives the defaults.
ParsedConfig ParsePluginConfig(const std::string& orthanc_json);

}  // namespace alveo::orthanc_plugin
