// SPDX-License-Identifier: Apache-2.0
#include "core/uid.h"

#include <algorithm>
#include <array>

#include "core/sha256.h"

namespace alveo {

std::string_view TrimUid(std::string_view uid) {
  while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) uid.remove_suffix(1);
  while (!uid.empty() && uid.front() == ' ') uid.remove_prefix(1);
  return uid;
}

bool IsValidUid(std::string_view uid) {
  if (uid.empty() || uid.size() > 64) return false;
  bool component_empty = true;
  for (const char c : uid) {
    if (c == '.') {
      if (component_empty) return false;
      component_empty = true;
    } else if (c >= '0' && c <= '9') {
      component_empty = false;
    } else {
      return false;
    }
  }
  return !component_empty;
}

namespace {
std::string KeyFor(std::string_view domain, std::string_view uid) {
  Sha256 hash;
  hash.Update(domain);
  hash.Update("\0", 1);
  hash.Update(uid);
  const auto digest = hash.Finish();
  return ToHex(digest.data(), 16);
}
}  // namespace

std::string StudyKeyFor(std::string_view study_instance_uid) {
  return KeyFor("study", study_instance_uid);
}

std::string InstanceKeyFor(std::string_view sop_instance_uid) {
  return KeyFor("instance", sop_instance_uid);
}

std::string DeriveUid(std::string_view seed) {
  Sha256 hash;
  hash.Update(seed);
  auto digest = hash.Finish();
  digest[6] = static_cast<std::uint8_t>((digest[6] & 0x0f) | 0x80);  // version 8 (custom)
  digest[8] = static_cast<std::uint8_t>((digest[8] & 0x3f) | 0x80);  // variant 10xx
  // Long division of the 128-bit big-endian number by 10, collecting decimal digits.
  std::array<std::uint8_t, 16> number;
  std::copy(digest.begin(), digest.begin() + 16, number.begin());
  std::string digits;
  bool nonzero = true;
  while (nonzero) {
    unsigned remainder = 0;
    nonzero = false;
    for (auto& byte : number) {
      const unsigned value = remainder * 256 + byte;
      byte = static_cast<std::uint8_t>(value / 10);
      remainder = value % 10;
      nonzero = nonzero || byte != 0;
    }
    digits.push_back(static_cast<char>('0' + remainder));
  }
  return "2.25." + std::string(digits.rbegin(), digits.rend());
}

}  // namespace alveo
