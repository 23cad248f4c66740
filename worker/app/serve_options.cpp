// SPDX-License-Identifier: Apache-2.0
#include "app/serve_options.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "app/cli_args.h"

namespace alveo::app {
namespace {

struct FlagMapping {
  const char* flag;
  const char* key;
};
// Flags that set one configuration key each (config/README.md lists the keys).
constexpr FlagMapping kFlagKeys[] = {
    {"port", "dicom.port"},        {"aet", "dicom.ae_title"},   {"data-dir", "spool.data_dir"},
    {"http-port", "http.port"},    {"log-level", "log.level"},
};

}  // namespace

void PrintServeHelp() {
  std::printf(
      "usage: alveo serve [options]\n"
      "\n"
      "Runs the DICOM storage SCP, study assembly and the HTTP API. Prints\n"
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
      "  --set KEY=VALUE        set any configuration key, e.g. --set spool.min_free_mb=2048\n"
      "                         (repeatable; lists and objects as JSON text)\n"
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
