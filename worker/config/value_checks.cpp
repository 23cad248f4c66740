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
