// SPDX-License-Identifier: Apache-2.0
// Value checks used by the settings schema (AE titles, IPv4 addresses, regular expressions, ...)
// and the closest-match suggestion for misspelt keys. Each check returns "" when the value is
// acceptable, otherwise the reason. Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/issue.h"
#include "core/settings.h"

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

// ---- notify (worker/notify)

// A notification channel's name (webhook or HL7): 1-32 of letters, digits, '_', '-', '.'.
std::string CheckChannelName(std::string_view value);
// An absolute http:// or https:// URL: a host (name, IPv4, or [IPv6]), an optional port 1-65535,
// then path and query; no user:password@ (credentials would end up in logs; the HMAC secret
// authenticates us), no fragment, no spaces or control characters.
std::string CheckWebhookUrl(std::string_view value);
// The HMAC key of a webhook: 16-256 printable ASCII characters (no spaces).
std::string CheckWebhookSecret(std::string_view value);
// An IPv4 address or a host name, as CheckOptionalHost, but not empty.
std::string CheckHost(std::string_view value);
// "" or an HL7 v2 HD namespace id (MSH-3..6): up to 64 printable ASCII characters without the
// message's delimiters | ^ ~ \ & (we never escape inside MSH).
std::string CheckOptionalHl7Name(std::string_view value);
// Rules of the notify section that span keys: channel names unique across notify.webhooks and
// notify.hl7, max_backoff_ms >= initial_backoff_ms, asap_min_certainty <= stat_min_certainty.
void CheckNotify(const NotifySettings& notify, std::vector<Issue>& issues);

// The candidate closest to `word` by case-insensitive edit distance, if it is close enough to be a
// plausible typo.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace alveo::config::internal
