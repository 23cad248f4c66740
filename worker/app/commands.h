// SPDX-License-Identifier: Apache-2.0
// The `alveo` subcommands. Each takes the arguments after its name and returns the process exit
// code: 0 success, 1 runtime failure (message on stderr), 2 bad usage or configuration.
#pragma once

#include <string>
#include <vector>

namespace alveo::app {

int RunServeCommand(const std::vector<std::string>& args);
int RunVersionCommand(const std::vector<std::string>& args);
int RunClassifyCommand(const std::vector<std::string>& args);
int RunReplayCommand(const std::vector<std::string>& args);
void PrintMainHelp();

}  // namespace alveo::app
