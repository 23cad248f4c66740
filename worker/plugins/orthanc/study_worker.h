// SPDX-License-Identifier: Apache-2.0
// The plugin's one worker thread ("alveo-orthanc", run at the configured nice value so Orthanc's
// own ingest comes first): a queue of Orthanc study IDs. For each study it reads the instances'
// tags through Orthanc's REST API, applies the worker's study filter and looks up the SR's derived
// UID before any pixel data is read (a re-stabilised or non-chest study costs one tag query);
// otherwise it reads the study into a plugin-owned temp folder, analyses it
// (analysis::AnalyzeStudy), builds the SR (sr::BuildReport, the same UIDs as `alveo serve`) and
// stores it into Orthanc. Optional forwards of the SR are Orthanc store jobs that the thread
// watches and resubmits after failures; the list of pending forwards is kept in an Orthanc global
// property, so an Orthanc restart resumes them.
// Orthanc's callbacks only Enqueue. Thread-safety: Enqueue and StatusJson from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/settings.h"
#include "core/sr_template.h"
#include "plugins/orthanc/plugin_config.h"
#include "sr/sr_content.h"
#include "study/study_filter.h"

namespace alveo::orthanc_plugin {

enum class Trigger { kStable, kRest };

struct StudyOutcome {
  std::string orthanc_id;
  Trigger trigger = Trigger::kStable;
  std::string outcome;  // "stored", "already_present", "ignored", "nothing_to_report", "error"
  std::string detail;
  std::string sr_sop_instance_uid;
  std::string sr_orthanc_id;
  std::string result_status;  // classifier: flagged / not_flagged / not_analysable
  std::int64_t queued_at_ms = 0;  // Unix epoch ms: the stable event or REST call reached the plugin
  std::int64_t started_at_ms = 0;
  std::int64_t finished_at_ms = 0;
  std::int64_t read_ms = 0;      // reading the instances out of Orthanc into the temp folder
  std::int64_t analysis_ms = 0;  // decode + classifier
  std::int64_t report_ms = 0;    // SR build, validation and storing into Orthanc
};

// One SR forward: an Orthanc job storing the SR to a modality.
struct ForwardJob {
  std::string job_id;
  std::string modality;
  std::string sr_orthanc_id;
  int attempts = 1;
  std::string state;     // Orthanc's job state when last checked
  bool waiting = false;  // failed; resubmitted at next_check
  std::chrono::steady_clock::time_point next_check;
};

// Counters for Orthanc's metrics (GET /tools/metrics-prometheus).
struct WorkerMetrics {
  std::size_t queue_length = 0;
  bool busy = false;
  std::size_t stored = 0;
  std::size_t already_present = 0;
  std::size_t ignored = 0;
  std::size_t nothing_to_report = 0;
  std::size_t errors = 0;
  std::size_t flagged = 0;
  std::size_t forwards_pending = 0;
  std::size_t forwards_succeeded = 0;
  std::size_t forwards_gave_up = 0;
  std::int64_t last_stable_to_stored_ms = 0;  // the latest "stored" study triggered by a stable event
};

// Removes "<parent>/alveo-orthanc-<pid>" folders left by Orthanc processes that no longer run.
void RemoveStaleTempFolders(const std::string& parent);

class StudyWorker {
 public:
  // `temp_folder` is this process's own folder (created and removed here).
  StudyWorker(PluginConfig config, SrTemplate tmpl, sr::AlgorithmInfo algorithm, std::string temp_folder);
  ~StudyWorker();  // stops the thread after the study in progress
  StudyWorker(const StudyWorker&) = delete;
  StudyWorker& operator=(const StudyWorker&) = delete;

  // Orthanc has opened its database and answers REST calls (its OrthancStarted event): the thread
  // resumes the saved forwards and starts taking studies. Before that it only waits.
  void OnOrthancStarted();
  void Enqueue(const std::string& orthanc_study_id, Trigger trigger);
  std::string StatusJson() const;
  WorkerMetrics Metrics() const;

 private:
  struct Queued {
    std::string orthanc_id;
    Trigger trigger;
    std::int64_t queued_at_ms;
  };

  static StudyOutcome NewOutcome(const Queued& queued);
  void Run();
  void Record(StudyOutcome outcome);
  StudyOutcome Process(const Queued& queued) const;
  // Starts a store job per configured modality; problems are appended to outcome->detail.
  void StartForwards(StudyOutcome* outcome);
  // Checks the forward jobs that are due; resubmits failed ones (a new job when Orthanc lost it);
  // drops finished ones.
  void CheckForwards();
  // The pending forwards live in an Orthanc global property, so a restart resumes them.
  void SaveForwards() const;
  void LoadForwards();

  const PluginConfig config_;
  const SrTemplate template_;
  const sr::AlgorithmInfo algorithm_;
  const std::string temp_folder_;
  const study::StudyFilter filter_;
  const int analysis_threads_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Queued> queue_;
  std::deque<StudyOutcome> last_;  // newest first, at most kKeptOutcomes
  std::vector<ForwardJob> forwards_;  // only the worker thread adds or removes
  std::size_t processed_ = 0;
  WorkerMetrics counts_;  // outcome counters (queue, busy and forwards are filled by Metrics())
  std::size_t forwards_succeeded_ = 0;
  std::size_t forwards_gave_up_ = 0;
  bool busy_ = false;
  bool started_ = false;  // OnOrthancStarted was called
  bool stopping_ = false;
  std::thread thread_;  // last: started after everything above is ready
};

}  // namespace alveo::orthanc_plugin
