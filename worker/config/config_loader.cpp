// SPDX-License-Identifier: Apache-2.0
#include "config/config_loader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/issue.h"
#include "config/json_value.h"
#include "config/overrides.h"
#include "config/settings_reader.h"
#include "config/settings_writer.h"
#include "config/value_checks.h"

namespace alveo::config {
namespace {

using internal::Issue;

constexpr std::streamsize kMaxFileBytes = std::streamsize{1024} * 1024;

Status Invalid(std::string message) {
  return Status::Error(ErrorCode::kConfigInvalid, std::move(message));
}

bool ListenersOverlap(const std::string& a, const std::string& b) {
  return a == b || a == "0.0.0.0" || b == "0.0.0.0";
}

void CheckCallers(const DicomSettings& dicom, std::vector<Issue>& issues) {
  if (dicom.restrict_callers && dicom.allowed_callers.empty()) {
    issues.push_back(Issue{"dicom.restrict_callers",
                           "is true but dicom.allowed_callers is empty, so no caller could "
                           "associate"});
  }
  const auto& callers = dicom.allowed_callers;
  for (std::size_t i = 0; i < callers.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (callers[i].ae_title != callers[j].ae_title) continue;
      issues.push_back(Issue{"dicom.allowed_callers[" + std::to_string(i) + "].ae_title",
                             "\"" + callers[i].ae_title + "\" is already listed at " +
                                 "dicom.allowed_callers[" + std::to_string(j) +
                                 "]; put all its hosts in one entry"});
      break;
    }
  }
}

void CheckDestinations(const DeliverySettings& delivery, std::vector<Issue>& issues) {
  const auto& list = delivery.destinations;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = "delivery.destinations[" + std::to_string(i) + "]";
    const DestinationSettings& d = list[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (list[j].name == d.name) {
        issues.push_back(Issue{key + ".name", "\"" + d.name + "\" is already used by delivery.destinations[" +
                                                  std::to_string(j) + "]; names must be unique"});
        break;
      }
    }
    if (d.name == "sender") {
      if (!d.ae_title.empty() || !d.host.empty() || d.port != 0) {
        issues.push_back(Issue{key, "the \"sender\" destination takes its AE title and host from each study "
                                    "and its port from delivery.sender_ports; remove ae_title, host and port"});
      }
      continue;
    }
    if (d.ae_title.empty()) issues.push_back(Issue{key + ".ae_title", "required"});
    if (d.host.empty()) issues.push_back(Issue{key + ".host", "required"});
    if (d.port == 0) issues.push_back(Issue{key + ".port", "required (1-65535)"});
  }
  const auto& ports = delivery.sender_ports;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (ports[j].ae_title == ports[i].ae_title) {
        issues.push_back(Issue{"delivery.sender_ports[" + std::to_string(i) + "].ae_title",
                               "\"" + ports[i].ae_title + "\" is listed twice"});
        break;
      }
    }
  }
  if (delivery.max_backoff_ms < delivery.initial_backoff_ms) {
    issues.push_back(Issue{"delivery.max_backoff_ms", "is smaller than delivery.initial_backoff_ms"});
  }
}

// Rules that span several keys; only meaningful once every key is individually valid.
void CheckConsistency(const Settings& settings, std::vector<Issue>& issues) {
  CheckCallers(settings.dicom, issues);
  CheckDestinations(settings.delivery, issues);
  internal::CheckNotify(settings.notify, issues);
  const HttpSettings& http = settings.http;
  if (http.enabled && http.port != 0 && http.port == settings.dicom.port &&
      ListenersOverlap(http.address, settings.dicom.bind_address)) {
    issues.push_back(Issue{
        "http.port", std::to_string(http.port) + " is also dicom.port on an overlapping address"});
  }
}

bool CameFromOverride(const std::string& key, const std::vector<std::string>& overridden) {
  for (const std::string& prefix : overridden) {
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    if (key.size() == prefix.size() || key[prefix.size()] == '.' || key[prefix.size()] == '[') {
      return true;
    }
  }
  return false;
}

std::string FormatIssues(const std::vector<Issue>& issues,
                         const std::vector<std::string>& overridden) {
  std::string text;
  for (const Issue& issue : issues) {
    if (!text.empty()) text += '\n';
    text += issue.key + ": " + issue.message;
    if (CameFromOverride(issue.key, overridden)) text += " (set by a command-line override)";
  }
  return text;
}

}  // namespace

Result<Settings> ParseSettings(std::string_view json_text,
                               const std::vector<std::pair<std::string, std::string>>& overrides) {
  Result<internal::JsonValue> parsed = internal::ParseJson(json_text);
  if (!parsed.ok()) return parsed.status();
  auto* root = std::get_if<internal::JsonObject>(&parsed->data);
  if (root == nullptr) {
    return Invalid("the settings file must hold one JSON object ({...}), not " +
                   std::string(internal::JsonTypeName(*parsed)));
  }
  std::vector<Issue> issues;
  const std::vector<std::string> overridden = internal::ApplyOverrides(overrides, *root, issues);
  Settings settings;
  internal::ReadSettings(*root, settings, issues);
  if (issues.empty()) CheckConsistency(settings, issues);
  if (!issues.empty()) return Invalid(FormatIssues(issues, overridden));
  return settings;
}

Result<StudyFilterSettings> ParseStudyFilter(std::string_view json_object_text, std::string_view key_prefix) {
  Result<internal::JsonValue> parsed = internal::ParseJson(json_object_text);
  if (!parsed.ok()) return parsed.status();
  const auto* object = std::get_if<internal::JsonObject>(&parsed->data);
  if (object == nullptr) {
    return Invalid(std::string(key_prefix) + " must be a JSON object ({...}), not " +
                   std::string(internal::JsonTypeName(*parsed)));
  }
  std::vector<Issue> issues;
  StudyFilterSettings filter;
  std::string prefix(key_prefix);
  if (!prefix.empty() && prefix.back() != '.') prefix += '.';
  internal::ObjectReader reader(*object, prefix, issues);
  internal::VisitStudyFilter(reader, filter);
  reader.ReportUnknownKeys();
  if (!issues.empty()) return Invalid(FormatIssues(issues, {}));
  return filter;
}

Result<Settings> LoadSettingsFile(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Invalid("settings file " + path + " is a directory");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return Invalid("cannot open settings file " + path + ": " + std::strerror(errno));
  std::ostringstream content;
  char buffer[8192];
  std::streamsize total = 0;
  while (file.read(buffer, sizeof buffer) || file.gcount() > 0) {
    total += file.gcount();
    if (total > kMaxFileBytes) {
      return Invalid("settings file " + path + " is larger than 1 MiB; is it the right file?");
    }
    content.write(buffer, file.gcount());
  }
  if (file.bad()) return Invalid("cannot read settings file " + path + ": " + std::strerror(errno));
  return ParseSettings(content.str(), overrides);
}

std::string SettingsToJson(const Settings& settings, bool hide_secrets) {
  return internal::DumpJson(internal::WriteSettings(settings, hide_secrets));
}

}  // namespace alveo::config
