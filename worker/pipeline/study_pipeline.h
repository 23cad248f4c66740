// SPDX-License-Identifier: Apache-2.0
// Orchestration between the storage SCP and the processor: receives stored instances (InstanceSink),
// keeps one study::StudyState per study on its own strand with a steady_timer for completion, runs
// complete studies through the filter and the StudyProcessor on the compute pool, journals every
// state change, applies retention, and answers the read-only StudyCatalog for the API.
// Threads: io-N run the strands and timers (never block); cls-N run filter + processor + journal
// writes. Thread-safety: every public method is safe from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/ports.h"
#include "core/settings.h"
#include "spool/spool.h"
#include "study/study_filter.h"

namespace alveo::pipeline {

struct PipelineCounters {
  std::atomic<std::uint64_t> instances{0};
  std::atomic<std::uint64_t> studies_completed{0};
  std::atomic<std::uint64_t> studies_processed{0};
  std::atomic<std::uint64_t> studies_failed{0};
  std::atomic<std::uint64_t> studies_ignored{0};
  std::atomic<std::uint64_t> studies_removed{0};
};

// The stored result document of a study version, in the study's spool folder.
std::string ResultFileName(int version);

class StudyPipeline final : public InstanceSink, public StudyCatalog, public StudyControl {
 public:
  StudyPipeline(const Settings& settings, spool::Spool& spool, StudyProcessor& processor, const Clock& clock);
  ~StudyPipeline() override;
  StudyPipeline(const StudyPipeline&) = delete;
  StudyPipeline& operator=(const StudyPipeline&) = delete;

  // Retention keeps a study whose folder is still needed (`in_use(study_key)` true: an SR delivery
  // is pending) and tries again at the next sweep. Set before Start(); called on compute threads.
  void HoldRetentionWhile(std::function<bool(const std::string& study_key)> in_use);

  // Restores the recovered studies (re-arming timers, re-queueing complete-but-unprocessed
  // versions) and starts the io and compute threads.
  void Start(std::vector<RecoveredStudy> recovered);
  // Stops timers and threads; lets a running processor call finish. Anything not journaled as done
  // is resumed from the journal at the next start.
  void Stop();

  void OnInstanceStored(const StoredInstance& instance) override;
  void OnAssociationEnded(std::uint64_t association_id, bool released) override;

  std::vector<StudySummary> ListStudies() const override;
  std::optional<StudySummary> FindStudy(const std::string& uid_or_key) const override;

  Status CompleteNow(const std::string& uid_or_key) override;
  Status Reprocess(const std::string& uid_or_key) override;

  const PipelineCounters& counters() const { return counters_; }

  // One retention pass, as the timer runs every spool.retention_sweep_minutes: each processed or
  // ignored study finished before now - spool.retention_hours (and not held) is deleted on a
  // compute thread. Returns at once; the deletions follow. Public so that tests need not wait for
  // the timer.
  void SweepRetention();

 private:
  struct Entry;
  using EntryPtr = std::shared_ptr<Entry>;

  EntryPtr FindOrCreate(const StoredInstance& instance);
  EntryPtr Find(const std::string& uid_or_key) const;
  void AddOnStrand(const EntryPtr& entry, const StoredInstance& instance);
  void Arm(const EntryPtr& entry);
  void OnTimer(const EntryPtr& entry);
  void Dispatch(const EntryPtr& entry, StudyManifest manifest, bool journal_completion);
  // Runs `action` on the study's strand and waits for it; false from the action is kConflict.
  Status OnStrandNow(const std::string& uid_or_key, const char* what, std::function<bool(const EntryPtr&)> action);
  void RunJob(const EntryPtr& entry, const StudyManifest& manifest, bool journal_completion);
  void Publish(Entry& entry);
  void ScheduleRetention();
  void RetireOnStrand(const EntryPtr& entry, std::size_t removed_count);

  struct Impl;
  const Settings& settings_;
  spool::Spool& spool_;
  StudyProcessor& processor_;
  const Clock& clock_;
  study::StudyFilter filter_;
  std::unique_ptr<Impl> impl_;
  PipelineCounters counters_;
  std::function<bool(const std::string&)> retention_hold_;  // set before Start(), then read-only
  std::atomic<bool> stopped_{false};

  mutable std::mutex registry_mutex_;
  std::unordered_map<std::string, EntryPtr> by_key_;                          // guarded
  std::unordered_map<std::string, std::string> key_by_uid_;                   // guarded
  std::unordered_map<std::uint64_t, std::set<std::string>> assoc_studies_;    // guarded
};

}  // namespace alveo::pipeline
