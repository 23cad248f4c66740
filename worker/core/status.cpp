// SPDX-License-Identifier: Apache-2.0
#include "core/status.h"

namespace alveo {

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string text(Describe(code_).name);
  if (!message_.empty()) {
    text += ": ";
    text += message_;
  }
  return text;
}

}  // namespace alveo
