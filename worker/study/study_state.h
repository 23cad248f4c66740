// SPDX-License-Identifier: Apache-2.0
// The state machine of one study, from the first instance to a processed result, with time passed
// in (no clocks, no timers, no I/O): the pipeline owns a timer per study and calls OnDeadline() when
// Deadline() passes. Completion: quiet period after the last instance, or earlier on evidence once
// every association that delivered instances has been released (plus a short grace). A new instance
// after completion re-opens the study; its next completion is a new version.
// Thread-safety: none; the pipeline calls it only on the study's strand.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/settings.h"
#include "core/study_types.h"

namespace alveo::study {

class StudyState {
 public:
  StudyState(std::string study_key, std::string study_instance_uid, const StudySettings& settings);
  // Rebuilds the state from the journal: incomplete studies keep receiving (their quiet period runs
  // from the last instance), complete-but-unprocessed versions are returned by PendingManifest().
  static StudyState Restore(const RecoveredStudy& recovered, const StudySettings& settings);

  enum class AddResult { kAdded, kDuplicate, kReopened };
  AddResult AddInstance(const StoredInstance& instance, TimePoint now);
  void OnAssociationEnded(std::uint64_t association_id, bool released, TimePoint now);

  // When OnDeadline() should run next; nullopt when the study is not receiving.
  std::optional<TimePoint> Deadline() const;
  // Completes the study if its deadline has passed; returns the manifest of the new version.
  std::optional<StudyManifest> OnDeadline(TimePoint now);
  // Completes now whatever the evidence (REST "complete"); nullopt when not receiving.
  std::optional<StudyManifest> ForceComplete(TimePoint now);
  // The current version again, for an operator's reprocess: only when processed, failed or ignored.
  std::optional<StudyManifest> Reprocess(TimePoint now);

  // The manifest of a completed version that has no result yet (after a restart).
  std::optional<StudyManifest> PendingManifest() const;

  void MarkProcessing(int version);
  void MarkProcessed(int version, const ProcessOutcome& outcome, TimePoint now);
  void MarkIgnored(int version, const std::string& reason, TimePoint now);
  // The stored result document of the current version (restored from the spool at start).
  void SetResult(std::string result_json) { result_json_ = std::move(result_json); }

  StudyPhase phase() const { return phase_; }
  int completed_version() const { return completed_version_; }
  std::size_t instance_count() const { return instances_.size(); }
  const std::string& study_key() const { return study_key_; }
  const std::vector<StoredInstance>& instances() const { return instances_; }
  StudySummary Summary() const;

 private:
  StudyManifest MakeManifest(CompletionReason reason, TimePoint now) const;
  std::optional<StudyManifest> Complete(CompletionReason reason, TimePoint now);
  bool IsCurrent(int version) const { return version == completed_version_ && phase_ != StudyPhase::kReceiving; }

  std::string study_key_;
  std::string study_instance_uid_;
  StudySettings settings_;

  void Index(const StoredInstance& instance);

  std::vector<StoredInstance> instances_;
  std::unordered_set<std::string> sop_uids_;
  std::set<std::string> series_uids_;
  std::set<std::string> modalities_;
  std::string accession_number_;
  std::string study_date_;
  StudyPhase phase_ = StudyPhase::kReceiving;
  int completed_version_ = 0;
  TimePoint first_received_{};
  TimePoint last_received_{};
  std::optional<TimePoint> completed_at_;
  std::optional<CompletionReason> completion_reason_;
  std::optional<TimePoint> processed_at_;
  std::string detail_;
  std::string result_json_;

  std::set<std::uint64_t> open_associations_;   // delivered instances, not yet ended
  std::optional<TimePoint> released_at_;        // all delivering associations released, with evidence
};

}  // namespace alveo::study
