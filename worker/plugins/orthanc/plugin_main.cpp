// SPDX-License-Identifier: Apache-2.0
// The Orthanc entry points of libAlveoOrthanc.so: reads and validates the "Alveo" configuration,
// starts the StudyWorker, and registers the stable-study change callback and the REST routes
// (POST /alveo/studies/{id}/analyze, GET /alveo/status). Callbacks only enqueue or read status;
// all analysis runs on the worker's thread. Thread-safety: Orthanc calls Initialize/Finalize once;
// the callbacks may run on any of Orthanc's threads and only use the worker's thread-safe methods.
#include <orthanc/OrthancCPlugin.h>

#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "app/report_setup.h"
#include "app/version.h"
#include "config/sr_template_source.h"
#include "plugins/orthanc/explorer_extension.h"
#include "plugins/orthanc/orthanc_api.h"
#include "plugins/orthanc/plugin_config.h"
#include "plugins/orthanc/study_worker.h"

namespace {

using alveo::orthanc_plugin::StudyWorker;

OrthancPluginContext* g_context = nullptr;
std::unique_ptr<StudyWorker> g_worker;
bool g_enabled = true;
std::string g_version;  // kept alive for OrthancPluginGetVersion

void AnswerJson(OrthancPluginRestOutput* output, const std::string& json) {
  OrthancPluginAnswerBuffer(g_context, output, json.data(), static_cast<std::uint32_t>(json.size()),
                            "application/json");
}

OrthancPluginErrorCode OnChange(OrthancPluginChangeType change, OrthancPluginResourceType resource,
                                const char* resource_id) {
  if (change == OrthancPluginChangeType_OrthancStarted && g_worker) g_worker->OnOrthancStarted();
  if (change == OrthancPluginChangeType_StableStudy && resource == OrthancPluginResourceType_Study &&
      g_enabled && g_worker && resource_id != nullptr) {
    g_worker->Enqueue(resource_id, alveo::orthanc_plugin::Trigger::kStable);
  }
  return OrthancPluginErrorCode_Success;
}

OrthancPluginErrorCode AnalyzeRoute(OrthancPluginRestOutput* output, const char* /*url*/,
                                    const OrthancPluginHttpRequest* request) {
  if (request->method != OrthancPluginHttpMethod_Post) {
    OrthancPluginSendMethodNotAllowed(g_context, output, "POST");
    return OrthancPluginErrorCode_Success;
  }
  const std::string id = request->groupsCount == 1 ? request->groups[0] : "";
  if (!alveo::orthanc_plugin::RestGet("/studies/" + id)) {
    OrthancPluginSendHttpStatusCode(g_context, output, 404);
    return OrthancPluginErrorCode_Success;
  }
  g_worker->Enqueue(id, alveo::orthanc_plugin::Trigger::kRest);
  AnswerJson(output, "{\"queued\":\"" + id + "\"}");
  return OrthancPluginErrorCode_Success;
}

OrthancPluginErrorCode StatusRoute(OrthancPluginRestOutput* output, const char* /*url*/,
                                   const OrthancPluginHttpRequest* request) {
  if (request->method != OrthancPluginHttpMethod_Get) {
    OrthancPluginSendMethodNotAllowed(g_context, output, "GET");
    return OrthancPluginErrorCode_Success;
  }
  AnswerJson(output, g_worker->StatusJson());
  return OrthancPluginErrorCode_Success;
}

// Orthanc asks for fresh values before it answers GET /tools/metrics-prometheus.
void RefreshMetrics() {
  if (!g_worker) return;
  const alveo::orthanc_plugin::WorkerMetrics m = g_worker->Metrics();
  const auto set = [](const char* name, double value) {
    OrthancPluginSetMetricsValue(g_context, name, static_cast<float>(value), OrthancPluginMetricsType_Default);
  };
  set("alveo_queue_length", static_cast<double>(m.queue_length));
  set("alveo_busy", m.busy ? 1.0 : 0.0);
  set("alveo_studies_stored_total", static_cast<double>(m.stored));
  set("alveo_studies_already_present_total", static_cast<double>(m.already_present));
  set("alveo_studies_ignored_total", static_cast<double>(m.ignored));
  set("alveo_studies_nothing_to_report_total", static_cast<double>(m.nothing_to_report));
  set("alveo_studies_error_total", static_cast<double>(m.errors));
  set("alveo_results_flagged_total", static_cast<double>(m.flagged));
  set("alveo_forwards_pending", static_cast<double>(m.forwards_pending));
  set("alveo_forwards_succeeded_total", static_cast<double>(m.forwards_succeeded));
  set("alveo_forwards_gave_up_total", static_cast<double>(m.forwards_gave_up));
  set("alveo_last_stable_to_stored_seconds", static_cast<double>(m.last_stable_to_stored_ms) / 1000.0);
}

int Initialize(OrthancPluginContext* context) {
  namespace op = alveo::orthanc_plugin;
  g_context = context;
  op::SetContext(context);
  if (!OrthancPluginCheckVersion(context)) {
    op::LogError("this Orthanc is older than the plugin SDK it was built with (1.10.1)");
    return -1;
  }
  char* configuration = OrthancPluginGetConfiguration(context);
  if (configuration == nullptr) {
    op::LogError("cannot read Orthanc's configuration");
    return -1;
  }
  const op::ParsedConfig parsed = op::ParsePluginConfig(configuration);
  OrthancPluginFreeString(context, configuration);
  for (const std::string& error : parsed.errors) op::LogError("configuration: " + error);
  if (!parsed.errors.empty()) return -1;

  alveo::Result<alveo::SrTemplate> tmpl = alveo::config::ResolveSrTemplate(parsed.config.sr_template);
  if (!tmpl.ok()) {
    op::LogError("configuration: Alveo.SrTemplate: " + tmpl.status().message());
    return -1;
  }
  g_enabled = parsed.config.enabled;
  const std::filesystem::path temp_parent = parsed.config.temp_parent.empty()
                                                ? std::filesystem::temp_directory_path()
                                                : std::filesystem::path(parsed.config.temp_parent);
  op::RemoveStaleTempFolders(temp_parent.string());
  const std::filesystem::path temp = temp_parent / ("alveo-orthanc-" + std::to_string(::getpid()));
  g_worker = std::make_unique<StudyWorker>(parsed.config, *tmpl, alveo::app::ReportAlgorithm(), temp.string());

  OrthancPluginSetDescription(context, "Alveo: flags chest CT/radiograph studies and stores a DICOM SR");
  OrthancPluginRegisterOnChangeCallback(context, OnChange);
  OrthancPluginRegisterRestCallback(context, "/alveo/studies/([^/]+)/analyze", AnalyzeRoute);
  OrthancPluginRegisterRestCallback(context, "/alveo/status", StatusRoute);
  OrthancPluginRegisterRefreshMetricsCallback(context, RefreshMetrics);
  OrthancPluginExtendOrthancExplorer(context, op::ExplorerExtensionJs());
  std::string forwards;
  for (const std::string& name : parsed.config.forward_to_modalities) forwards += (forwards.empty() ? "" : ", ") + name;
  op::LogWarning(std::string("plugin ") + alveo::app::AlveoVersion() +
                 (g_enabled ? ": analyses stable studies" : ": automatic analysis disabled (POST /alveo/studies/{id}/analyze only)") +
                 ", template " + tmpl->id + " " + tmpl->version +
                 (forwards.empty() ? std::string() : ", SRs forwarded to " + forwards));
  return 0;
}

}  // namespace

extern "C" {

ORTHANC_PLUGINS_API int32_t OrthancPluginInitialize(OrthancPluginContext* context) {
  try {
    return Initialize(context);
  } catch (const std::exception& e) {
    alveo::orthanc_plugin::LogError(std::string("initialisation failed: ") + e.what());
    return -1;
  }
}

ORTHANC_PLUGINS_API void OrthancPluginFinalize() { g_worker.reset(); }

ORTHANC_PLUGINS_API const char* OrthancPluginGetName() { return "alveo"; }

ORTHANC_PLUGINS_API const char* OrthancPluginGetVersion() {
  g_version = alveo::app::AlveoVersion();
  return g_version.c_str();
}

}  // extern "C"
