// SPDX-License-Identifier: Apache-2.0
#include "core/thread_name.h"

#include <pthread.h>

namespace alveo {
namespace {
thread_local std::string t_name = "main";
}

void SetCurrentThreadName(std::string_view name) {
  t_name = std::string(name);
  // The kernel keeps at most 15 characters.
  pthread_setname_np(pthread_self(), t_name.substr(0, 15).c_str());
}

const std::string& CurrentThreadName() { return t_name; }

}  // namespace alveo
