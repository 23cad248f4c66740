// SPDX-License-Identifier: Apache-2.0
// The plugin's one worker thread ("alveo-orthanc"): a queue of Orthanc study IDs, each read through
// Orthanc's REST API into a plugin-owned temp folder, filtered (study::StudyFilter), analysed
// (analysis::AnalyzeStudy), reported (sr::BuildReport, the same UIDs as `alveo serve`) and stored
// back into Orthanc, unless Orthanc already holds that SR (idempotent across restarts). Orthanc's
// callbacks only Enqueue. Thread-safety: Enqueue and StatusJson from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "core/settings.h"
#include "core/sr_template.h"
#include "plugins/orthanc/plugin_config.h"
#include "sr/sr_content.h"
#include "study/study_filter.h"

namespace alveo::orthanc_plugin {

struct StudyOutcome {
  std::string orthanc_id;
  std::string outcome;  // "stored", "already_present", "ignored", "nothing_to_report", "error"
  std::string detail;
  std::string sr_sop_instance_uid;
  std::string result_status;  // classifier: flagged / not_flagged / not_analysable
};

class StudyWorker {
 public:
  StudyWorker(PluginConfig config, SrTemplate tmpl, sr::AlgorithmInfo algorithm, std::string temp_root);
  ~StudyWorker();  // stops the thread after the study in progress
  StudyWorker(const StudyWorker&) = delete;
  StudyWorker& operator=(const StudyWorker&) = delete;

  void Enqueue(const std::string& orthanc_study_id);
  std::string StatusJson() const;

 private:
  void Run();
  StudyOutcome Process(const std::string& orthanc_id) const;

  const PluginConfig config_;
  const SrTemplate template_;
  const sr::AlgorithmInfo algorithm_;
  const std::string temp_root_;  // prefix of each study's temp folder (<prefix>-<orthanc id>)
  const study::StudyFilter filter_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  std::deque<StudyOutcome> last_;  // newest first, at most kKeptOutcomes
  std::size_t processed_ = 0;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: started after everything above is ready
};

}  // namespace alveo::orthanc_plugin
