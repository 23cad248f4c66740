// SPDX-License-Identifier: Apache-2.0
// `alveo serve` command line: which config file, and the CLI overrides mapped onto config keys so
// they pass the same validation as the file. Thread-safety: plain functions.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace alveo::app {

struct ServeOptions {
  std::string config_path;  // empty: built-in defaults
  std::vector<std::pair<std::string, std::string>> overrides;
  bool print_config = false;
  bool help = false;
};

// Parses the flags; an error message names the offending flag.
std::optional<ServeOptions> ParseServeOptions(const std::vector<std::string>& args, std::string& error);
void PrintServeHelp();
// $ALVEO_CONFIG, ./config/alveo.json, /etc/alveo/alveo.json: the first that exists, or "".
std::string FindDefaultConfig();

}  // namespace alveo::app
