// SPDX-License-Identifier: Apache-2.0
#include "phantom/text_encoding.h"

#include <cstdint>
#include <cstdio>

namespace alveo::phantom {
namespace {

// Decodes one UTF-8 sequence at text[i]; returns false when malformed.
bool NextCodePoint(std::string_view text, std::size_t& i, std::uint32_t& cp) {
  const auto lead = static_cast<unsigned char>(text[i]);
  int extra = 0;
  if (lead < 0x80) {
    cp = lead;
  } else if ((lead & 0xE0) == 0xC0) {
    cp = lead & 0x1F;
    extra = 1;
  } else if ((lead & 0xF0) == 0xE0) {
    cp = lead & 0x0F;
    extra = 2;
  } else if ((lead & 0xF8) == 0xF0) {
    cp = lead & 0x07;
    extra = 3;
  } else {
    return false;
  }
  ++i;
  for (int n = 0; n < extra; ++n, ++i) {
    if (i >= text.size()) return false;
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (c & 0x3F);
  }
  const std::uint32_t min_value[] = {0, 0x80, 0x800, 0x10000};
  return cp >= min_value[extra] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

Status Invalid(const std::string& why) { return Status::Error(ErrorCode::kInvalidArgument, why); }

}  // namespace

bool IsSupportedCharacterSet(std::string_view charset) {
  return charset.empty() || charset == "ISO_IR 6" || charset == "ISO_IR 100" ||
         charset == "ISO_IR 192";
}

Result<std::string> EncodeText(std::string_view utf8, std::string_view charset) {
  if (!IsSupportedCharacterSet(charset)) {
    return Invalid("unsupported character set '" + std::string(charset) +
                   "' (use ISO_IR 6, ISO_IR 100 or ISO_IR 192)");
  }
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    std::uint32_t cp = 0;
    if (!NextCodePoint(utf8, i, cp)) return Invalid("text is not valid UTF-8");
    if (charset == "ISO_IR 192") continue;
    const std::uint32_t limit = charset == "ISO_IR 100" ? 0xFF : 0x7F;
    if (cp > limit || (cp >= 0x80 && cp < 0xA0)) {
      char code[16];
      std::snprintf(code, sizeof(code), "U+%04X", static_cast<unsigned>(cp));
      return Invalid(
          std::string("character ") + code + " cannot be written in " +
          (charset.empty() ? std::string("the default character set") : std::string(charset)));
    }
    out.push_back(static_cast<char>(cp));
  }
  return charset == "ISO_IR 192" ? std::string(utf8) : out;
}

}  // namespace alveo::phantom
