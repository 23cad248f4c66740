// SPDX-License-Identifier: Apache-2.0
// Writing JSON string literals (RFC 8259 section 7) for the places that emit JSON text by hand (the
// effective configuration, phantom truth files). Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace alveo {

// Appends `text` as a quoted JSON string; UTF-8 passes through, control characters are escaped.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace alveo
