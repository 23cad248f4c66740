// SPDX-License-Identifier: Apache-2.0
// Converts UTF-8 text (as typed on the command line) into the bytes of a DICOM Specific Character
// Set: default repertoire (ASCII), ISO_IR 100 (Latin-1) or ISO_IR 192 (UTF-8).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace alveo::phantom {

// True for "", "ISO_IR 6", "ISO_IR 100" and "ISO_IR 192".
bool IsSupportedCharacterSet(std::string_view charset);

// kInvalidArgument if `utf8` is not valid UTF-8 or holds characters the set cannot represent.
Result<std::string> EncodeText(std::string_view utf8, std::string_view charset);

}  // namespace alveo::phantom
