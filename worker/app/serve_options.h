// SPDX-License-Identifier: Apache-2.0
// `alveo serve` command line: which config file, and the CLI overrides mapped onto config keys so
// they pass the same validation as the file (the config lookup and destination syntax are shared
// with `alveo replay`). Thread-safety: plain functions.
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
// "NAME=AET@HOST:PORT" (or "sender") as the JSON object of one delivery.destinations element; the
// values are checked by the configuration loader like those from the file. Shared by
// `serve --destination` and `replay --send`; `error` does not name the flag.
std::optional<std::string> DestinationJson(const std::string& spec, std::string& error);
// $ALVEO_CONFIG, ./config/alveo.json, /etc/alveo/alveo.json: the first that exists, or "".
std::string FindDefaultConfig();

}  // namespace alveo::app
