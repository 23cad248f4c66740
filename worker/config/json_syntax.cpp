// SPDX-License-Identifier: Apache-2.0
#include "config/json_syntax.h"

#include <cstddef>
#include <cstdio>

namespace alveo::config::internal {
namespace {

constexpr int kMaxDepth = 64;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Recursive-descent recogniser: builds nothing, stops at the first error.
class SyntaxChecker {
 public:
  explicit SyntaxChecker(std::string_view text) : text_(text) {}

  std::optional<JsonSyntaxError> Check() {
    SkipSpace();
    if (!Value(0)) return error_;
    SkipSpace();
    if (pos_ < text_.size()) {
      Fail(pos_, "unexpected text after the end of the JSON document");
      return error_;
    }
    return std::nullopt;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  bool Peek(char c) const { return !AtEnd() && text_[pos_] == c; }
  bool Advance() {
    ++pos_;
    return true;
  }

  void SkipSpace() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                        text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Fail(std::size_t at, std::string reason) {
    JsonSyntaxError error;
    for (std::size_t i = 0; i < at && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++error.line;
        error.column = 1;
      } else {
        ++error.column;
      }
    }
    error.reason = std::move(reason);
    error_ = std::move(error);
    return false;
  }

  // Describes the character at pos_ when something else was `expected`.
  bool Unexpected(std::string_view expected) {
    std::string reason;
    if (AtEnd()) {
      reason = "unexpected end of text";
    } else if (text_[pos_] == '/') {
      return Fail(pos_, "comments are not allowed in JSON");
    } else if (text_[pos_] == '\'') {
      return Fail(pos_, "strings must use double quotes");
    } else {
      const auto byte = static_cast<unsigned char>(text_[pos_]);
      char shown[16];
      if (byte >= 0x20 && byte < 0x7f) {
        std::snprintf(shown, sizeof shown, "'%c'", static_cast<char>(byte));
      } else {
        std::snprintf(shown, sizeof shown, "byte 0x%02X", byte);
      }
      reason = std::string("unexpected ") + shown;
    }
    reason += ", expected ";
    reason += expected;
    return Fail(pos_, std::move(reason));
  }

  bool Value(int depth) {
    if (depth > kMaxDepth) return Fail(pos_, "nested too deeply");
    if (AtEnd()) return Unexpected("a value");
    switch (text_[pos_]) {
      case '{':
        return Object(depth);
      case '[':
        return Array(depth);
      case '"':
        return String();
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        if (text_[pos_] == '-' || IsDigit(text_[pos_])) return Number();
        return Unexpected("a value");
    }
  }

  bool Object(int depth) {
    ++pos_;  // '{'
    SkipSpace();
    if (Peek('}')) return Advance();
    while (true) {
      if (!Peek('"')) return Unexpected("a key in double quotes");
      if (!String()) return false;
      SkipSpace();
      if (!Peek(':')) return Unexpected("':' after the key");
      ++pos_;
      SkipSpace();
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (Peek('}')) return Advance();
      if (!Peek(',')) return Unexpected("',' or '}' after an object member");
      const std::size_t comma = pos_++;
      SkipSpace();
      if (Peek('}')) return Fail(comma, "trailing comma before '}'");
    }
  }

  bool Array(int depth) {
    ++pos_;  // '['
    SkipSpace();
    if (Peek(']')) return Advance();
    while (true) {
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (Peek(']')) return Advance();
      if (!Peek(',')) return Unexpected("',' or ']' after an array element");
      const std::size_t comma = pos_++;
      SkipSpace();
      if (Peek(']')) return Fail(comma, "trailing comma before ']'");
    }
  }

  bool String() {
    const std::size_t start = pos_++;  // '"'
    while (!AtEnd()) {
      const char c = text_[pos_];
      if (c == '"') return Advance();
      if (c == '\n') return Fail(pos_, "line break inside a string (missing closing quote?)");
      if (static_cast<unsigned char>(c) < 0x20) {
        return Fail(pos_, "control character inside a string (escape it)");
      }
      if (c == '\\' && !Escape()) return false;
      if (c != '\\') ++pos_;
    }
    return Fail(start, "unterminated string");
  }

  // pos_ is at a backslash; consumes the escape sequence.
  bool Escape() {
    const std::size_t start = pos_++;
    if (AtEnd()) return Fail(start, "unterminated string");
    const char kind = text_[pos_++];
    if (kind == 'u') {
      for (int i = 0; i < 4; ++i, ++pos_) {
        if (AtEnd() || !IsHexDigit(text_[pos_])) {
          return Fail(start, "\\u must be followed by four hex digits");
        }
      }
      return true;
    }
    constexpr std::string_view kSimple = "\"\\/bfnrt";
    if (kSimple.find(kind) == std::string_view::npos) {
      return Fail(start, "invalid escape sequence (write a backslash as \\\\)");
    }
    return true;
  }

  bool Digits() {
    if (AtEnd() || !IsDigit(text_[pos_])) return false;
    while (!AtEnd() && IsDigit(text_[pos_])) ++pos_;
    return true;
  }

  bool Number() {
    const std::size_t start = pos_;
    if (Peek('-')) ++pos_;
    if (Peek('0')) {
      ++pos_;
      if (!AtEnd() && IsDigit(text_[pos_]))
        return Fail(start, "numbers must not have leading zeros");
    } else if (!Digits()) {
      return Fail(start, "invalid number");
    }
    if (Peek('.')) {
      ++pos_;
      if (!Digits()) return Fail(start, "invalid number (digits must follow '.')");
    }
    if (Peek('e') || Peek('E')) {
      ++pos_;
      if (Peek('+') || Peek('-')) ++pos_;
      if (!Digits()) return Fail(start, "invalid number (digits must follow the exponent)");
    }
    return true;
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return Unexpected("a value");
    pos_ += word.size();
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  JsonSyntaxError error_;
};

}  // namespace

std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text) {
  return SyntaxChecker(text).Check();
}

}  // namespace alveo::config::internal
