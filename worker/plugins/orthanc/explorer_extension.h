// SPDX-License-Identifier: Apache-2.0
// The JavaScript the plugin adds to Orthanc Explorer (OrthancPluginExtendOrthancExplorer): on a
// study's page, an "Analyse with Alveo" action (POST /alveo/studies/{id}/analyze) and a line with
// the plugin's newest result for the study (from GET /alveo/status). No patient data is read or
// shown. Thread-safety: constant data.
#pragma once

namespace alveo::orthanc_plugin {

const char* ExplorerExtensionJs();

}  // namespace alveo::orthanc_plugin
