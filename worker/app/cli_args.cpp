// SPDX-License-Identifier: Apache-2.0
#include "app/cli_args.h"

namespace alveo::app {

std::vector<std::string> CliArgs::TakeAll(const std::string& name) {
  std::vector<std::string> values;
  const std::string flag = "--" + name;
  for (std::size_t i = 0; i < args_.size();) {
    if (args_[i] == flag) {
      if (i + 1 >= args_.size()) {
        if (!problem_) problem_ = flag + " needs a value";
        args_.erase(args_.begin() + static_cast<long>(i));
        continue;
      }
      values.push_back(args_[i + 1]);
      args_.erase(args_.begin() + static_cast<long>(i), args_.begin() + static_cast<long>(i) + 2);
    } else if (args_[i].rfind(flag + "=", 0) == 0) {
      values.push_back(args_[i].substr(flag.size() + 1));
      args_.erase(args_.begin() + static_cast<long>(i));
    } else {
      ++i;
    }
  }
  return values;
}

std::optional<std::string> CliArgs::Take(const std::string& name) {
  auto values = TakeAll(name);
  if (values.empty()) return std::nullopt;
  return values.back();
}

bool CliArgs::TakeSwitch(const std::string& name) {
  bool found = false;
  for (std::size_t i = 0; i < args_.size();) {
    if (args_[i] == "--" + name) {
      found = true;
      args_.erase(args_.begin() + static_cast<long>(i));
    } else {
      ++i;
    }
  }
  return found;
}

std::vector<std::string> CliArgs::Positional() const {
  std::vector<std::string> rest;
  for (const auto& arg : args_) {
    if (arg.rfind("--", 0) != 0) rest.push_back(arg);
  }
  return rest;
}

std::optional<std::string> CliArgs::Problem() const {
  if (problem_) return problem_;
  for (const auto& arg : args_) {
    if (arg.rfind("--", 0) == 0) return "unknown option " + arg;
  }
  return std::nullopt;
}

}  // namespace alveo::app
