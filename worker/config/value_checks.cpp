// SPDX-License-Identifier: Apache-2.0
#include "config/value_checks.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace alveo::config::internal {
namespace {

constexpr std::size_t kMaxAeTitleLength = 16;
constexpr std::size_t kMaxCodeStringLength = 16;

bool IsControl(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

// Builds `"value"`; appending avoids a GCC 12 -Wrestrict false positive on literal + string.
std::string Quoted(std::string_view value) {
  std::string quoted;
  quoted.reserve(value.size() + 2);
  quoted += '"';
  quoted.append(value);
  quoted += '"';
  return quoted;
}

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = diagonal + (Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

// Parses one decimal octet; false on empty, non-digits, leading zeros or > 255.
bool ParseOctet(std::string_view text) {
  if (text.empty() || text.size() > 3) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value <= 255;
}

}  // namespace

std::string CheckAeTitle(std::string_view value) {
  if (value.find_first_not_of(' ') == std::string_view::npos) return "must not be empty";
  if (value.size() > kMaxAeTitleLength) {
    return Quoted(value).append(" is longer than 16 characters");
  }
  if (value.front() == ' ' || value.back() == ' ') {
    return "must not start or end with a space";
  }
  for (const char c : value) {
    if (c == '\\') return "must not contain a backslash";
    if (IsControl(c)) return "must not contain control characters";
    if (static_cast<unsigned char>(c) > 0x7f) return "must contain only ASCII characters";
  }
  return "";
}

std::string CheckIpv4Address(std::string_view value) {
  std::size_t parts = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = value.find('.', start);
    const std::string_view octet =
        value.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    ++parts;
    if (parts > 4 || !ParseOctet(octet)) break;
    if (dot == std::string_view::npos) {
      if (parts == 4) return "";
      break;
    }
    start = dot + 1;
  }
  return Quoted(value).append(" is not an IPv4 address (dotted quad such as 192.0.2.10)");
}

std::string CheckRegex(std::string_view value) {
  if (value.empty()) return "must not be empty (an empty pattern matches everything; use \".*\")";
  try {
    const std::regex compiled(value.begin(), value.end(),
                              std::regex::ECMAScript | std::regex::icase);
  } catch (const std::regex_error& e) {
    return std::string("invalid regular expression: ") + e.what();
  }
  return "";
}

std::string CheckModality(std::string_view value) {
  if (value.empty()) return "must not be empty";
  const bool valid_chars = std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '_';
  });
  if (value.size() > kMaxCodeStringLength || !valid_chars) {
    return Quoted(value).append(
        " is not a modality code (up to 16 of A-Z, 0-9, space, underscore)");
  }
  return "";
}

std::string CheckPath(std::string_view value) {
  if (value.empty()) return "must not be empty";
  if (std::any_of(value.begin(), value.end(), IsControl)) {
    return "must not contain control characters";
  }
  return "";
}

std::string CheckOptionalAeTitle(std::string_view value) {
  return value.empty() ? "" : CheckAeTitle(value);
}

std::string CheckOptionalHost(std::string_view value) {
  if (value.empty() || CheckIpv4Address(value).empty()) return "";
  const auto label_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  };
  bool valid = value.size() <= 253;
  std::size_t start = 0;
  while (valid) {
    const std::size_t dot = value.find('.', start);
    const std::string_view label =
        value.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    valid = !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
            std::all_of(label.begin(), label.end(), label_char);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (valid) return "";
  return Quoted(value).append(" is neither an IPv4 address nor a host name");
}

std::string CheckOptionalPath(std::string_view value) {
  return value.empty() ? "" : CheckPath(value);
}

std::string CheckDestinationName(std::string_view value) {
  const bool valid_chars = std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
  if (value.empty() || value.size() > 32 || !valid_chars) {
    return Quoted(value).append(" is not a destination name (1-32 of letters, digits, '_', '-', '.')");
  }
  return "";
}

std::string CheckApiToken(std::string_view value) {
  if (value.empty()) return "";
  const bool valid_chars = std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
  });
  if (value.size() < 16 || value.size() > 256 || !valid_chars) {
    return "must be 16-256 characters of letters, digits and -._~+/= (e.g. openssl rand -hex 32)";
  }
  return "";
}

std::string CheckChannelName(std::string_view value) {
  if (CheckDestinationName(value).empty()) return "";
  return Quoted(value).append(" is not a channel name (1-32 of letters, digits, '_', '-', '.')");
}

std::string CheckWebhookUrl(std::string_view value) {
  const auto bad = [&](std::string_view why) {
    return Quoted(value).append(" is not a webhook URL: ").append(why);
  };
  std::string_view rest;
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (value.size() > scheme.size() && std::equal(scheme.begin(), scheme.end(), value.begin(),
                                                   [](char a, char b) { return a == Lower(b); })) {
      rest = value.substr(scheme.size());
    }
  }
  if (rest.empty()) return bad("it must start with http:// or https:// and name a host");
  if (std::any_of(value.begin(), value.end(), [](char c) { return IsControl(c) || c == ' '; }))
    return bad("spaces and control characters must be percent-encoded");
  if (value.find('#') != std::string_view::npos)
    return bad("a fragment (#...) is never sent; remove it");
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.find('@') != std::string_view::npos)
    return bad("no user:password@ (it would be logged); the secret authenticates the request");
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return bad("unclosed or empty [IPv6] host");
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad("unexpected text after the [IPv6] host");
    if (!after.empty()) port = after.substr(1);
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (!CheckHost(host).empty()) return bad("the host is neither an IPv4 address nor a host name");
  } else if (!CheckHost(host).empty()) {
    return bad("the host is neither an IPv4 address nor a host name");
  }
  if (authority.find(':') != std::string_view::npos || !port.empty()) {
    const bool digits =
        !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535)
      return bad("the port must be 1-65535");
  }
  return "";
}

std::string CheckWebhookSecret(std::string_view value) {
  const bool printable =
      std::all_of(value.begin(), value.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (value.size() < 16 || value.size() > 256 || !printable) {
    return "must be 16-256 printable ASCII characters without spaces (e.g. openssl rand -hex 32)";
  }
  return "";
}

std::string CheckHost(std::string_view value) {
  if (value.empty()) return "must not be empty";
  return CheckOptionalHost(value);
}

std::string CheckOptionalHl7Name(std::string_view value) {
  const bool valid =
      value.size() <= 64 && std::all_of(value.begin(), value.end(), [](char c) {
        return c >= ' ' && c < 0x7f && std::string_view("|^~\\&").find(c) == std::string_view::npos;
      });
  if (valid) return "";
  return "must be up to 64 printable ASCII characters without the HL7 delimiters | ^ ~ \\ &";
}

void CheckNotify(const NotifySettings& notify, std::vector<Issue>& issues) {
  std::vector<std::pair<std::string, std::string>> names;  // (name, key of its first use)
  const auto check_name = [&](const std::string& name, const std::string& key) {
    for (const auto& [seen, where] : names) {
      if (seen != name) continue;
      issues.push_back(Issue{
          key + ".name", Quoted(name)
                             .append(" is already used by ")
                             .append(where)
                             .append("; channel names must be unique across webhooks and hl7")});
      return;
    }
    names.emplace_back(name, key);
  };
  for (std::size_t i = 0; i < notify.webhooks.size(); ++i)
    check_name(notify.webhooks[i].name, "notify.webhooks[" + std::to_string(i) + "]");
  for (std::size_t i = 0; i < notify.hl7.size(); ++i)
    check_name(notify.hl7[i].name, "notify.hl7[" + std::to_string(i) + "]");
  if (notify.max_backoff_ms < notify.initial_backoff_ms) {
    issues.push_back(Issue{"notify.max_backoff_ms", "is smaller than notify.initial_backoff_ms"});
  }
  if (notify.priority.asap_min_certainty > notify.priority.stat_min_certainty) {
    issues.push_back(
        Issue{"notify.priority.asap_min_certainty",
              "is above notify.priority.stat_min_certainty (ASAP must not need more than STAT)"});
  }
}

std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(2, (word.size() + 2) / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace alveo::config::internal
