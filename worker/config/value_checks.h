// SPDX-License-Identifier: Apache-2.0
// Value checks used by the settings schema (AE titles, IPv4 addresses, regular expressions, ...)
// and the closest-match suggestion for misspelt keys. Each check returns "" when the value is
// acceptable, otherwise the reason. Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alveo::config::internal {

using StringCheck = std::string (*)(std::string_view value);

// PS3.5 AE VR: 1-16 characters of the default repertoire, no backslash or control characters, not
// only spaces; leading/trailing spaces are rejected because peers would compare them
// inconsistently.
std::string CheckAeTitle(std::string_view value);
// Dotted-quad IPv4 address, four decimal octets 0-255 without leading zeros.
std::string CheckIpv4Address(std::string_view value);
// Compiles as a std::regex (ECMAScript, case-insensitive); an empty pattern is rejected.
std::string CheckRegex(std::string_view value);
// A Modality code (CS VR): 1-16 characters of A-Z, 0-9, space, underscore.
std::string CheckModality(std::string_view value);
// A non-empty filesystem path without control characters.
std::string CheckPath(std::string_view value);

// "" or an AE title as CheckAeTitle.
std::string CheckOptionalAeTitle(std::string_view value);
// "" or an IPv4 address or a host name (RFC 1123 labels of letters, digits and hyphens).
std::string CheckOptionalHost(std::string_view value);
// "" or a path as CheckPath.
std::string CheckOptionalPath(std::string_view value);
// A delivery destination's name: 1-32 of letters, digits, '_', '-', '.' (it names outbox entries
// and log lines).
std::string CheckDestinationName(std::string_view value);

// "" or a bearer token: 16-256 characters of A-Z a-z 0-9 - . _ ~ + / = (RFC 6750 token68).
std::string CheckApiToken(std::string_view value);

// The candidate closest to `word` by case-insensitive edit distance, if it is close enough to be a
// plausible typo.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace alveo::config::internal
