// SPDX-License-Identifier: Apache-2.0
// The few Orthanc plugin services the worker thread uses (internal REST GET/POST, global properties,
// logging), behind
// plain C++ so that study_worker does not include the SDK. Thread-safety: Orthanc's services may be
// called from any thread once the plugin is initialised; SetContext happens once, before any call.
#pragma once

#include <optional>
#include <string>

struct _OrthancPluginContext_t;

namespace alveo::orthanc_plugin {

void SetContext(_OrthancPluginContext_t* context);

// The body of Orthanc's internal REST answer, or nullopt (the call failed: 404, ...).
std::optional<std::string> RestGet(const std::string& uri);
std::optional<std::string> RestPost(const std::string& uri, const std::string& body);

// Orthanc's global properties (its database; plugins use numbers >= 1024). Get: the value, "" when
// unset, nullopt on error. Set: false on error.
std::optional<std::string> GetGlobalProperty(int property);
bool SetGlobalProperty(int property, const std::string& value);

void LogInfo(const std::string& message);
void LogWarning(const std::string& message);
void LogError(const std::string& message);

}  // namespace alveo::orthanc_plugin
