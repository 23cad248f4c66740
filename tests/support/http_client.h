// SPDX-License-Identifier: Apache-2.0
// HTTP requests to a local server and a small read-only JSON view, with std types only so tests
// need no Poco headers. Thread-safety: HttpRequest is reentrant; JsonValue is immutable and cheap
// to copy (shared tree).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace alveo::testing {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;  // 0: no HTTP answer (see error)
  std::string reason;
  std::string body;
  HttpHeaders headers;
  std::string error;  // connection/protocol failure
  // First header named `name` (case-insensitive); empty if absent.
  std::string Header(const std::string& name) const;
  bool ok() const { return status >= 200 && status < 300; }
  // "GET /api/studies -> 200 OK" plus the body, for assertion messages.
  std::string Describe() const;
  std::string request_line;  // "GET /path" as sent
};

// One request to http://127.0.0.1:<port><path>. A non-empty body is sent with the given headers
// (add Content-Type yourself; default application/json when a body is present).
HttpResponse HttpRequest(const std::string& method, int port, const std::string& path,
                         const std::string& body = "", const HttpHeaders& headers = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));
inline HttpResponse HttpGet(int port, const std::string& path) {
  return HttpRequest("GET", port, path);
}

// Read-only JSON value. Lookups never throw: a missing key or index gives a null value that
// remembers its path; reading a value of the wrong type records a GoogleTest failure naming the
// path (e.g. "$.studies[0].phase") and returns a default.
class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  JsonValue();  // null
  Type type() const;
  bool IsNull() const { return type() == Type::kNull; }
  bool IsBool() const { return type() == Type::kBool; }
  bool IsNumber() const { return type() == Type::kNumber; }
  bool IsString() const { return type() == Type::kString; }
  bool IsArray() const { return type() == Type::kArray; }
  bool IsObject() const { return type() == Type::kObject; }

  bool Has(const std::string& key) const;  // objects only
  JsonValue Get(const std::string& key) const;
  JsonValue operator[](const std::string& key) const { return Get(key); }
  JsonValue At(std::size_t index) const;  // arrays only
  std::size_t Size() const;               // array elements or object members; 0 otherwise
  std::vector<std::string> Keys() const;  // object member names, sorted

  std::string AsString() const;
  std::int64_t AsInt() const;  // numbers; a non-integral number is truncated
  double AsDouble() const;
  bool AsBool() const;

  // Compact JSON text of this value.
  std::string ToString() const;
  const std::string& path() const { return path_; }

  struct Node;  // defined in http_client.cpp

 private:
  friend JsonValue ParseJson(const std::string& text, std::string* error);
  JsonValue(std::shared_ptr<const Node> node, std::string path);

  std::shared_ptr<const Node> node_;
  std::string path_;
};

// Parses `text`; on failure returns null and sets *error (if given).
JsonValue ParseJson(const std::string& text, std::string* error = nullptr);

// `text` as a JSON string literal, quotes included, for building request bodies and configs.
std::string JsonQuote(const std::string& text);

}  // namespace alveo::testing
