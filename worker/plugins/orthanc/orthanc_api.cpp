// SPDX-License-Identifier: Apache-2.0
#include "plugins/orthanc/orthanc_api.h"

#include <orthanc/OrthancCPlugin.h>

namespace alveo::orthanc_plugin {
namespace {

OrthancPluginContext* g_context = nullptr;

std::optional<std::string> TakeBuffer(OrthancPluginErrorCode code, OrthancPluginMemoryBuffer* buffer) {
  if (code != OrthancPluginErrorCode_Success) return std::nullopt;
  std::string body(static_cast<const char*>(buffer->data), buffer->size);
  OrthancPluginFreeMemoryBuffer(g_context, buffer);
  return body;
}

}  // namespace

void SetContext(_OrthancPluginContext_t* context) { g_context = context; }

std::optional<std::string> RestGet(const std::string& uri) {
  OrthancPluginMemoryBuffer buffer{};
  return TakeBuffer(OrthancPluginRestApiGet(g_context, &buffer, uri.c_str()), &buffer);
}

std::optional<std::string> RestPost(const std::string& uri, const std::string& body) {
  OrthancPluginMemoryBuffer buffer{};
  return TakeBuffer(OrthancPluginRestApiPost(g_context, &buffer, uri.c_str(), body.data(),
                                             static_cast<std::uint32_t>(body.size())),
                    &buffer);
}

std::optional<std::string> GetGlobalProperty(int property) {
  char* value = OrthancPluginGetGlobalProperty(g_context, property, "");
  if (value == nullptr) return std::nullopt;
  std::string text(value);
  OrthancPluginFreeString(g_context, value);
  return text;
}

bool SetGlobalProperty(int property, const std::string& value) {
  return OrthancPluginSetGlobalProperty(g_context, property, value.c_str()) == OrthancPluginErrorCode_Success;
}

void LogInfo(const std::string& message) { OrthancPluginLogInfo(g_context, ("Alveo: " + message).c_str()); }
void LogWarning(const std::string& message) {
  OrthancPluginLogWarning(g_context, ("Alveo: " + message).c_str());
}
void LogError(const std::string& message) { OrthancPluginLogError(g_context, ("Alveo: " + message).c_str()); }

}  // namespace alveo::orthanc_plugin
