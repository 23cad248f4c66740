// SPDX-License-Identifier: Apache-2.0
// A small command-line reader shared by the subcommands: flags with values (`--port 104`,
// `--port=104`), repeatable flags and boolean switches; errors name the flag. Thread-safety: none.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace alveo::app {

class CliArgs {
 public:
  explicit CliArgs(std::vector<std::string> args) : args_(std::move(args)) {}

  // Returns the value of --name (last one wins) and removes it; error if the value is missing.
  std::optional<std::string> Take(const std::string& name);
  // All values of a repeatable flag, removed.
  std::vector<std::string> TakeAll(const std::string& name);
  // True when --name is present (removed).
  bool TakeSwitch(const std::string& name);
  // Remaining non-flag arguments (after all Take calls).
  std::vector<std::string> Positional() const;
  // An unknown flag left over, or a flag that lacked its value: the first problem, if any.
  std::optional<std::string> Problem() const;

 private:
  std::vector<std::string> args_;
  std::optional<std::string> problem_;
};

}  // namespace alveo::app
