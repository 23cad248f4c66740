// SPDX-License-Identifier: Apache-2.0
#include "app/serve_options.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "app/cli_args.h"
#include "core/json_text.h"

namespace alveo::app {
namespace {

struct FlagMapping {
  const char* flag;
  const char* key;
};
// Flags that set one configuration key each (config/README.md lists the keys).
constexpr FlagMapping kFlagKeys[] = {
    {"port", "dicom.port"},        {"aet", "dicom.ae_title"},   {"data-dir", "spool.data_dir"},
    {"http-port", "http.port"},    {"log-level", "log.level"},  {"results-dir", "delivery.results_dir"},
    {"sr-template", "report.sr_template"},
};

}  // namespace

std::optional<std::string> DestinationJson(const std::string& spec, std::string& error) {
  std::string json = "{\"name\": ";
  if (spec == "sender") {
    AppendJsonString(json, spec);
    return json + "}";
  }
  const auto eq = spec.find('=');
  const auto at = spec.find('@', eq == std::string::npos ? 0 : eq);
  const auto colon = spec.rfind(':');
  if (eq == std::string::npos || at == std::string::npos || colon == std::string::npos || colon < at || eq == 0 ||
      at == eq + 1 || colon == at + 1 || colon + 1 == spec.size()) {
    error = "expected NAME=AET@HOST:PORT or sender, got '" + spec + "'";
    return std::nullopt;
  }
  const std::string port = spec.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5) {
    error = "port '" + port + "' in '" + spec + "' is not a number";
    return std::nullopt;
  }
  AppendJsonString(json, spec.substr(0, eq));
  json += ", \"ae_title\": ";
  AppendJsonString(json, spec.substr(eq + 1, at - eq - 1));
  json += ", \"host\": ";
  AppendJsonString(json, spec.substr(at + 1, colon - at - 1));
  return json + ", \"port\": " + port + "}";
}

void PrintServeHelp() {
  std::printf(
      "usage: alveo serve [options]\n"
      "\n"
      "Runs the DICOM storage SCP, study assembly, analysis, SR delivery and the HTTP API. Prints\n"
      "'ALVEO READY dicom_port=N http_port=M' on stdout once both listen; SIGTERM/SIGINT stop it\n"
      "gracefully (no new associations, in-flight ones finish, exit 0).\n"
      "\n"
      "options:\n"
      "  --config FILE          configuration file (default: $ALVEO_CONFIG, ./config/alveo.json,\n"
      "                         /etc/alveo/alveo.json, else built-in defaults)\n"
      "  --port N               DICOM port (dicom.port; 0 = any free port)\n"
      "  --aet AET              our AE title (dicom.ae_title)\n"
      "  --data-dir DIR         spool folder (spool.data_dir)\n"
      "  --http-port N          HTTP API port (http.port; 0 = any free port)\n"
      "  --quiet-period SECONDS study completes after this long without new instances\n"
      "                         (study.quiet_period_ms; fractions allowed)\n"
      "  --log-level LEVEL      trace, debug, info, warn, error, off (log.level)\n"
      "  --destination NAME=AET@HOST:PORT\n"
      "                         also send every SR to this DICOM peer (repeatable; added to\n"
      "                         delivery.destinations); --destination sender answers each study's\n"
      "                         calling AE (port from delivery.sender_ports)\n"
      "  --results-dir DIR      also write every SR file to DIR (delivery.results_dir)\n"
      "  --sr-template T        SR template: default, basic-text or a .json file (report.sr_template)\n"
      "  --set KEY=VALUE        set any configuration key, e.g. --set spool.min_free_mb=2048\n"
      "                         (repeatable; lists and objects as JSON text; KEY[+]=VALUE appends\n"
      "                         one element to a list)\n"
      "  --print-config         print the effective configuration as JSON and exit\n"
      "  --help                 this text\n");
}

std::string FindDefaultConfig() {
  if (const char* env = std::getenv("ALVEO_CONFIG"); env != nullptr && *env != '\0') return env;
  for (const char* candidate : {"config/alveo.json", "/etc/alveo/alveo.json"}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  return "";
}

std::optional<ServeOptions> ParseServeOptions(const std::vector<std::string>& args, std::string& error) {
  CliArgs cli(args);
  ServeOptions options;
  options.help = cli.TakeSwitch("help");
  options.print_config = cli.TakeSwitch("print-config");
  options.config_path = cli.Take("config").value_or(FindDefaultConfig());
  for (const auto& mapping : kFlagKeys) {
    if (auto value = cli.Take(mapping.flag)) options.overrides.emplace_back(mapping.key, *value);
  }
  if (auto seconds = cli.Take("quiet-period")) {
    char* end = nullptr;
    const double value = std::strtod(seconds->c_str(), &end);
    if (end == seconds->c_str() || *end != '\0' || value < 0) {
      error = "--quiet-period: '" + *seconds + "' is not a number of seconds";
      return std::nullopt;
    }
    options.overrides.emplace_back("study.quiet_period_ms", std::to_string(static_cast<long long>(value * 1000 + 0.5)));
  }
  for (const auto& spec : cli.TakeAll("destination")) {
    auto json = DestinationJson(spec, error);
    if (!json) {
      error = "--destination: " + error;
      return std::nullopt;
    }
    options.overrides.emplace_back("delivery.destinations[+]", *json);
  }
  for (const auto& assignment : cli.TakeAll("set")) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = "--set: expected KEY=VALUE, got '" + assignment + "'";
      return std::nullopt;
    }
    options.overrides.emplace_back(assignment.substr(0, eq), assignment.substr(eq + 1));
  }
  if (auto problem = cli.Problem()) {
    error = *problem;
    return std::nullopt;
  }
  if (!cli.Positional().empty()) {
    error = "unexpected argument '" + cli.Positional().front() + "'";
    return std::nullopt;
  }
  return options;
}

}  // namespace alveo::app
