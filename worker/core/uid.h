// SPDX-License-Identifier: Apache-2.0
// UID rules (PS3.5 section 9.1) and the mapping from untrusted UIDs to safe identifiers. A UID never
// becomes a path component: files and study folders are named by a hash of the UID.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace alveo {

// Strips the trailing NUL/space padding DICOM allows on UI values.
std::string_view TrimUid(std::string_view uid);

// True for 1..64 characters of digits and dots, no empty component. Leading zeros inside a component
// are tolerated (seen in the wild) although PS3.5 forbids them.
bool IsValidUid(std::string_view uid);

// 32 lower-case hex characters (128 bits of SHA-256) identifying a study; also its folder name and
// the "study key" shown by the API and logs instead of the UID.
std::string StudyKeyFor(std::string_view study_instance_uid);

// File stem for an instance inside its study folder (same construction as StudyKeyFor).
std::string InstanceKeyFor(std::string_view sop_instance_uid);

// A deterministic UID in the "2.25." form (PS3.5 B.2): the first 128 bits of SHA-256(seed) made
// into an RFC 9562 version-8 UUID and written as one decimal integer. Same seed, same UID.
std::string DeriveUid(std::string_view seed);

}  // namespace alveo
