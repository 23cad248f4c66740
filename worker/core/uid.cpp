// SPDX-License-Identifier: Apache-2.0
#include "core/uid.h"

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

}  // namespace alveo
