// SPDX-License-Identifier: Apache-2.0
// `alveo phantom`: writes a synthetic chest CT series or chest radiograph with known truth (see
// worker/phantom/README.md) into a folder. Exit status: 0 written, 1 write failure, 2 bad
// arguments (the message names the flag). Thread-safety: reentrant; writes only to its out folder.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace alveo::app {

// `args` are the words after `alveo phantom`. Prints one summary line on stdout, errors on stderr.
int RunPhantomCommand(const std::vector<std::string>& args);
// The same with explicit streams (tests).
int RunPhantomCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace alveo::app
