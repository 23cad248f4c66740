// SPDX-License-Identifier: Apache-2.0
#include "support/http_client.h"

#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <sstream>

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <gtest/gtest.h>

#include <strings.h>

#include "core/json_text.h"

namespace alveo::testing {

struct JsonValue::Node {
  Type type = Type::kNull;
  bool boolean = false;
  bool integral = false;
  std::int64_t integer = 0;
  double number = 0;
  std::string text;
  std::vector<std::shared_ptr<const Node>> items;
  std::map<std::string, std::shared_ptr<const Node>> members;
};

namespace {

using Node = JsonValue::Node;

const char* TypeName(JsonValue::Type type) {
  switch (type) {
    case JsonValue::Type::kNull:
      return "null";
    case JsonValue::Type::kBool:
      return "bool";
    case JsonValue::Type::kNumber:
      return "number";
    case JsonValue::Type::kString:
      return "string";
    case JsonValue::Type::kArray:
      return "array";
    case JsonValue::Type::kObject:
      return "object";
  }
  return "?";
}

std::shared_ptr<const Node> Convert(const Poco::Dynamic::Var& var) {
  auto node = std::make_shared<Node>();
  if (var.isEmpty()) return node;
  if (var.type() == typeid(Poco::JSON::Object::Ptr)) {
    node->type = JsonValue::Type::kObject;
    const auto object = var.extract<Poco::JSON::Object::Ptr>();
    for (const auto& [key, value] : *object) node->members[key] = Convert(value);
  } else if (var.type() == typeid(Poco::JSON::Array::Ptr)) {
    node->type = JsonValue::Type::kArray;
    const auto array = var.extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < array->size(); ++i) node->items.push_back(Convert(array->get(i)));
  } else if (var.isBoolean()) {
    node->type = JsonValue::Type::kBool;
    node->boolean = var.convert<bool>();
  } else if (var.isString()) {
    node->type = JsonValue::Type::kString;
    node->text = var.convert<std::string>();
  } else if (var.isInteger()) {
    node->type = JsonValue::Type::kNumber;
    node->integral = true;
    if (var.isSigned()) {
      node->integer = var.convert<Poco::Int64>();
    } else {
      node->integer = static_cast<std::int64_t>(var.convert<Poco::UInt64>());
    }
    node->number = static_cast<double>(node->integer);
  } else if (var.isNumeric()) {
    node->type = JsonValue::Type::kNumber;
    node->number = var.convert<double>();
  } else {
    node->type = JsonValue::Type::kString;
    node->text = var.toString();
  }
  return node;
}

void AppendQuoted(std::string& out, const std::string& text) { AppendJsonString(out, text); }

void Serialize(const Node& node, std::string& out) {
  switch (node.type) {
    case JsonValue::Type::kNull:
      out += "null";
      break;
    case JsonValue::Type::kBool:
      out += node.boolean ? "true" : "false";
      break;
    case JsonValue::Type::kNumber:
      if (node.integral) {
        out += std::to_string(node.integer);
      } else {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.17g", node.number);
        out += buf;
      }
      break;
    case JsonValue::Type::kString:
      AppendQuoted(out, node.text);
      break;
    case JsonValue::Type::kArray: {
      out += '[';
      bool first = true;
      for (const auto& item : node.items) {
        if (!first) out += ',';
        first = false;
        Serialize(*item, out);
      }
      out += ']';
      break;
    }
    case JsonValue::Type::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : node.members) {
        if (!first) out += ',';
        first = false;
        AppendQuoted(out, key);
        out += ':';
        Serialize(*value, out);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

// ---- HTTP ----

std::string HttpResponse::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (::strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return "";
}

std::string HttpResponse::Describe() const {
  std::ostringstream out;
  out << request_line << " -> ";
  if (status == 0) {
    out << "no answer: " << error;
  } else {
    out << status << " " << reason << "\n" << body;
  }
  return out.str();
}

HttpResponse HttpRequest(const std::string& method, int port, const std::string& path,
                         const std::string& body, const HttpHeaders& headers,
                         std::chrono::milliseconds timeout) {
  HttpResponse result;
  result.request_line = method + " " + path;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) *
                                      Poco::Timespan::MILLISECONDS));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    bool has_content_type = false;
    for (const auto& [key, value] : headers) {
      request.add(key, value);
      if (::strcasecmp(key.c_str(), "Content-Type") == 0) has_content_type = true;
    }
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      request.setContentLength(static_cast<std::streamsize>(body.size()));
      if (!body.empty() && !has_content_type) request.setContentType("application/json");
    }
    std::ostream& request_body = session.sendRequest(request);
    request_body << body;
    Poco::Net::HTTPResponse response;
    std::istream& response_body = session.receiveResponse(response);
    Poco::StreamCopier::copyToString(response_body, result.body);
    result.status = static_cast<int>(response.getStatus());
    result.reason = response.getReason();
    for (const auto& [key, value] : response) result.headers.emplace_back(key, value);
  } catch (const Poco::Exception& e) {
    result.status = 0;
    result.error = e.displayText();
  } catch (const std::exception& e) {
    result.status = 0;
    result.error = e.what();
  }
  return result;
}

// ---- JSON ----

JsonValue::JsonValue() : node_(std::make_shared<Node>()), path_("$") {}

JsonValue::JsonValue(std::shared_ptr<const Node> node, std::string path)
    : node_(std::move(node)), path_(std::move(path)) {}

JsonValue::Type JsonValue::type() const { return node_->type; }

bool JsonValue::Has(const std::string& key) const {
  return node_->type == Type::kObject && node_->members.count(key) > 0;
}

JsonValue JsonValue::Get(const std::string& key) const {
  std::string child_path = path_ + "." + key;
  if (node_->type == Type::kObject) {
    auto it = node_->members.find(key);
    if (it != node_->members.end()) return JsonValue(it->second, std::move(child_path));
  }
  return JsonValue(std::make_shared<Node>(), std::move(child_path));
}

JsonValue JsonValue::At(std::size_t index) const {
  std::string child_path = path_ + "[" + std::to_string(index) + "]";
  if (node_->type == Type::kArray && index < node_->items.size()) {
    return JsonValue(node_->items[index], std::move(child_path));
  }
  return JsonValue(std::make_shared<Node>(), std::move(child_path));
}

std::size_t JsonValue::Size() const {
  if (node_->type == Type::kArray) return node_->items.size();
  if (node_->type == Type::kObject) return node_->members.size();
  return 0;
}

std::vector<std::string> JsonValue::Keys() const {
  std::vector<std::string> keys;
  for (const auto& member : node_->members) keys.push_back(member.first);
  return keys;
}

std::string JsonValue::AsString() const {
  if (node_->type != Type::kString) {
    ADD_FAILURE() << "JSON " << path_ << ": expected string, found " << TypeName(node_->type);
    return "";
  }
  return node_->text;
}

std::int64_t JsonValue::AsInt() const {
  if (node_->type != Type::kNumber) {
    ADD_FAILURE() << "JSON " << path_ << ": expected number, found " << TypeName(node_->type);
    return 0;
  }
  return node_->integral ? node_->integer : static_cast<std::int64_t>(std::trunc(node_->number));
}

double JsonValue::AsDouble() const {
  if (node_->type != Type::kNumber) {
    ADD_FAILURE() << "JSON " << path_ << ": expected number, found " << TypeName(node_->type);
    return 0;
  }
  return node_->number;
}

bool JsonValue::AsBool() const {
  if (node_->type != Type::kBool) {
    ADD_FAILURE() << "JSON " << path_ << ": expected bool, found " << TypeName(node_->type);
    return false;
  }
  return node_->boolean;
}

std::string JsonValue::ToString() const {
  std::string out;
  Serialize(*node_, out);
  return out;
}

JsonValue ParseJson(const std::string& text, std::string* error) {
  try {
    Poco::JSON::Parser parser;
    return JsonValue(Convert(parser.parse(text)), "$");
  } catch (const Poco::Exception& e) {
    if (error != nullptr) *error = e.displayText();
  } catch (const std::exception& e) {
    if (error != nullptr) *error = e.what();
  }
  return JsonValue();
}

std::string JsonQuote(const std::string& text) {
  std::string out;
  AppendQuoted(out, text);
  return out;
}

}  // namespace alveo::testing
