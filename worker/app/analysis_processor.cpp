// SPDX-License-Identifier: Apache-2.0
#include "app/analysis_processor.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "analysis/study_analyzer.h"
#include "classifier/result_json.h"
#include "core/log.h"

namespace alveo::app {
namespace {

std::string Summarize(const classifier::ClassificationResult& result) {
  std::string summary(classifier::StatusName(result.status));
  if (result.status == classifier::ResultStatus::kNotAnalysable) {
    return summary + ": " + std::string(classifier::ReasonName(result.reason));
  }
  char certainty[16];
  std::snprintf(certainty, sizeof certainty, " %.0f%%", result.certainty);
  summary += certainty;
  if (!result.differential.empty()) summary += " (" + result.differential.front().meaning + " first)";
  return summary;
}

}  // namespace

// After the SR (its UID goes into the notification): a flagged study reaches the worklist even when
// its SR failed, since the classification stands. A notification that cannot be queued marks the
// study failed, like a missing SR: visible, and a reprocess queues it (same id, no duplicate).
void AnalysisProcessor::Notify(const StudyManifest& manifest,
                               const classifier::ClassificationResult& result,
                               const std::string& sr_uid, ProcessOutcome& outcome) {
  auto queued = notifier_->Notify(manifest, result, sr_uid);
  if (!queued.ok()) {
    outcome.ok = false;
    outcome.summary += "; notification not queued: " + queued.status().ToString();
  } else if (queued->has_value()) {
    const std::string_view priority = notify::PriorityName((*queued)->priority);
    outcome.summary += "; notification queued (priority " +
                       std::string(priority.empty() ? "none" : priority) + ")";
  }
}

ProcessOutcome AnalysisProcessor::Process(const StudyManifest& manifest) {
  std::vector<analysis::AnalysisInstance> instances;
  instances.reserve(manifest.instances.size());
  for (const auto& stored : manifest.instances) {
    instances.push_back({stored.meta, dicom::DicomSource::File(spool_.AbsolutePath(stored.file))});
  }
  // The compute pool runs one study per core. A study analysed alone may use every core for its
  // decode and kernels (the evidence-path latency is mostly this analysis); with others in flight
  // it keeps to one thread so studies do not oversubscribe the cores.
  struct Running {  // counts this study as in flight until it leaves (also by an exception)
    std::atomic<int>& count;
    const int now = count.fetch_add(1) + 1;
    ~Running() { count.fetch_sub(1); }
  } running{active_};
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const auto result = analysis::AnalyzeStudy(manifest.study_instance_uid, instances, {running.now == 1 ? cores : 1});
  if (result.status == classifier::ResultStatus::kFlagged) flagged_.fetch_add(1);
  ProcessOutcome outcome;
  outcome.ok = true;  // not_analysable is a result too; failures are exceptions (caught by the pipeline)
  outcome.summary = Summarize(result);
  outcome.result_json = classifier::ResultToJson(result);
  std::string sr_uid;  // of the SR queued for delivery; "" when none was produced
  if (publisher_ != nullptr) {
    auto published = publisher_->Publish(manifest, result);
    if (!published.ok()) {
      // The classification stands (it is stored and shown); the study is marked failed so the
      // missing SR is visible, and its inputs stay for a replay.
      outcome.ok = false;
      outcome.summary += "; SR not produced: " + published.status().ToString();
    } else if (published->built) {
      outcome.summary += "; SR " + published->sop_instance_uid + " queued for " +
                         std::to_string(published->destinations) + " destination(s)";
      sr_uid = published->sop_instance_uid;
    }
  }
  if (notifier_ != nullptr) Notify(manifest, result, sr_uid, outcome);
  double total_ms = 0;
  for (const auto& [step, ms] : result.timings_ms) {
    if (step == "total") total_ms = ms;
    if (step == "decode") decode_seconds_.Observe(ms / 1000.0);
  }
  analysis_seconds_.Observe(total_ms / 1000.0);
  results_[static_cast<int>(result.status)].fetch_add(1);
  ALVEO_LOG(kInfo, kPipeline) << "study " << manifest.study_key << " v" << manifest.version << ": " << outcome.summary
                              << " in " << static_cast<int>(total_ms) << " ms";
  return outcome;
}

}  // namespace alveo::app
