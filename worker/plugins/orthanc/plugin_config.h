// SPDX-License-Identifier: Apache-2.0
// The plugin's settings: the "Alveo" member of Orthanc's JSON configuration, parsed and validated
// (deploy/orthanc/README.md lists the keys). Every problem is reported as one clear sentence naming
// the key. Thread-safety: plain values and a pure function.
#pragma once

#include <string>
#include <vector>

#include "core/settings.h"

namespace alveo::orthanc_plugin {

struct PluginConfig {
  // Analyse studies on Orthanc's stable-study event. False: only POST /alveo/studies/{id}/analyze.
  bool enabled = true;
  std::string sr_template = "default";  // shipped template name or a .json path
  std::string ae_title = "ALVEO";       // for the SR's Device Observer UID (as `alveo serve`)
  StudyFilterSettings study_filter;     // "StudyFilter": the keys of study.filter in alveo.json
  int threads = 0;                      // analysis threads; 0 = every core
  int nice = 10;                        // the analysis thread's nice value: Orthanc's own work first
  std::vector<std::string> forward_to_modalities;  // Orthanc modalities that also get each SR
  int forward_retry_seconds = 60;                  // wait before a failed forward is resubmitted
  int forward_max_attempts = 10;                   // then the job stays failed in Orthanc's /jobs
  // Orthanc's own "TemporaryDirectory" (top level, not under "Alveo"): where studies are read to;
  // empty = the system's ($TMPDIR or /tmp).
  std::string temp_parent;
};

struct ParsedConfig {
  PluginConfig config;
  std::vector<std::string> errors;  // empty when valid
};

// `orthanc_json` is Orthanc's whole configuration (OrthancPluginGetConfiguration). A missing
// "Alveo" member gives the defaults. Forward targets must be modalities of Orthanc's
// "DicomModalities" unless Orthanc keeps its modalities in the database.
ParsedConfig ParsePluginConfig(const std::string& orthanc_json);

}  // namespace alveo::orthanc_plugin
