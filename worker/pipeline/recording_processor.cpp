// SPDX-License-Identifier: Apache-2.0
#include "pipeline/recording_processor.h"

#include <set>

#include "core/log.h"

namespace alveo::pipeline {

ProcessOutcome RecordingProcessor::Process(const StudyManifest& manifest) {
  std::set<std::string> series;
  for (const auto& instance : manifest.instances) series.insert(instance.meta.series_instance_uid);
  recorded_.fetch_add(1);
  ProcessOutcome outcome;
  outcome.ok = true;
  outcome.summary = "recorded " + std::to_string(manifest.instances.size()) + " instances in " +
                    std::to_string(series.size()) + " series (no analysis configured)";
  ALVEO_LOG(kInfo, kPipeline) << "study " << manifest.study_key << " v" << manifest.version << ": "
                              << outcome.summary;
  return outcome;
}

}  // namespace alveo::pipeline
