// SPDX-License-Identifier: Apache-2.0
// Every thread Alveo starts has a name (scp-accept, scp-N, io-N, cls-N, http-N ...). The name shows
// in logs and in `top -H`/gdb. Thread-safety: affects only the calling thread.
#pragma once

#include <string>
#include <string_view>

namespace alveo {

void SetCurrentThreadName(std::string_view name);
const std::string& CurrentThreadName();

}  // namespace alveo
