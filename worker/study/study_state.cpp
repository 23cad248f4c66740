// SPDX-License-Identifier: Apache-2.0
#include "study/study_state.h"

#include <algorithm>

#include "study/completion_evidence.h"

namespace alveo::study {

StudyState::StudyState(std::string study_key, std::string study_instance_uid, const StudySettings& settings)
    : study_key_(std::move(study_key)),
      study_instance_uid_(std::move(study_instance_uid)),
      settings_(settings) {}

StudyState StudyState::Restore(const RecoveredStudy& recovered, const StudySettings& settings) {
  StudyState state(recovered.study_key, recovered.study_instance_uid, settings);
  for (const auto& instance : recovered.instances) {
    if (!state.sop_uids_.insert(instance.meta.sop_instance_uid).second) continue;
    state.instances_.push_back(instance);
    state.Index(instance);
    const TimePoint at = instance.provenance.received_at;
    if (state.instances_.size() == 1 || at < state.first_received_) state.first_received_ = at;
    state.last_received_ = std::max(state.last_received_, at);
  }
  std::size_t completed_count = 0;
  for (const auto& event : recovered.events) {
    if (event.type == StudyEventType::kComplete) {
      state.completed_version_ = event.version;
      state.completed_at_ = event.at;
      state.completion_reason_ = event.reason;
      state.phase_ = StudyPhase::kComplete;
      state.processed_at_.reset();
      state.detail_.clear();
      completed_count = event.instance_count;
    } else if (event.version == state.completed_version_) {
      state.phase_ = event.type == StudyEventType::kProcessed ? StudyPhase::kProcessed
                     : event.type == StudyEventType::kFailed  ? StudyPhase::kFailed
                                                              : StudyPhase::kIgnored;
      state.processed_at_ = event.at;
      state.detail_ = event.detail;
    }
  }
  // Instances that arrived after the last completion re-opened the study before the restart.
  if (state.completed_version_ == 0 || state.instances_.size() > completed_count) {
    state.phase_ = StudyPhase::kReceiving;
  }
  return state;
}

void StudyState::Index(const StoredInstance& instance) {
  series_uids_.insert(instance.meta.series_instance_uid);
  if (!instance.meta.modality.empty()) modalities_.insert(instance.meta.modality);
  if (accession_number_.empty()) accession_number_ = instance.meta.accession_number;
  if (study_date_.empty()) study_date_ = instance.meta.study_date;
}

StudyState::AddResult StudyState::AddInstance(const StoredInstance& instance, TimePoint now) {
  open_associations_.insert(instance.provenance.association_id);
  if (!sop_uids_.insert(instance.meta.sop_instance_uid).second) return AddResult::kDuplicate;
  if (instances_.empty()) first_received_ = now;
  instances_.push_back(instance);
  Index(instance);
  last_received_ = now;
  released_at_.reset();
  if (phase_ == StudyPhase::kReceiving) return AddResult::kAdded;
  phase_ = StudyPhase::kReceiving;
  detail_.clear();
  return AddResult::kReopened;
}

void StudyState::OnAssociationEnded(std::uint64_t association_id, bool released, TimePoint now) {
  if (open_associations_.erase(association_id) == 0) return;
  if (!released) {
    released_at_.reset();  // an aborted transfer will likely be retried: wait for the quiet period
    return;
  }
  if (open_associations_.empty() && phase_ == StudyPhase::kReceiving && settings_.early_completion &&
      HasCompletionEvidence(instances_)) {
    released_at_ = now;
  }
}

std::optional<TimePoint> StudyState::Deadline() const {
  if (phase_ != StudyPhase::kReceiving || instances_.empty()) return std::nullopt;
  TimePoint deadline = last_received_ + Millis(settings_.quiet_period_ms);
  if (released_at_) {
    deadline = std::min(deadline, *released_at_ + Millis(settings_.early_completion_grace_ms));
  }
  return deadline;
}

std::optional<StudyManifest> StudyState::OnDeadline(TimePoint now) {
  const auto deadline = Deadline();
  if (!deadline || now < *deadline) return std::nullopt;
  const bool quiet = now >= last_received_ + Millis(settings_.quiet_period_ms);
  return Complete(quiet ? CompletionReason::kQuietPeriod : CompletionReason::kEvidence, now);
}

std::optional<StudyManifest> StudyState::ForceComplete(TimePoint now) {
  if (phase_ != StudyPhase::kReceiving || instances_.empty()) return std::nullopt;
  return Complete(CompletionReason::kForced, now);
}

std::optional<StudyManifest> StudyState::Reprocess(TimePoint now) {
  const bool done = phase_ == StudyPhase::kProcessed || phase_ == StudyPhase::kFailed || phase_ == StudyPhase::kIgnored;
  if (!done || completed_version_ == 0) return std::nullopt;
  phase_ = StudyPhase::kComplete;
  processed_at_.reset();
  detail_.clear();
  return MakeManifest(CompletionReason::kForced, now);
}

std::optional<StudyManifest> StudyState::Complete(CompletionReason reason, TimePoint now) {
  ++completed_version_;
  phase_ = StudyPhase::kComplete;
  completed_at_ = now;
  completion_reason_ = reason;
  processed_at_.reset();
  released_at_.reset();
  detail_.clear();
  result_json_.clear();
  return MakeManifest(reason, now);
}

StudyManifest StudyState::MakeManifest(CompletionReason reason, TimePoint now) const {
  StudyManifest manifest;
  manifest.study_key = study_key_;
  manifest.study_instance_uid = study_instance_uid_;
  manifest.version = completed_version_;
  manifest.reason = reason;
  manifest.completed_at = now;
  manifest.instances = instances_;
  return manifest;
}

std::optional<StudyManifest> StudyState::PendingManifest() const {
  if (phase_ != StudyPhase::kComplete && phase_ != StudyPhase::kProcessing) return std::nullopt;
  StudyManifest manifest = MakeManifest(CompletionReason::kRecovered, completed_at_.value_or(last_received_));
  return manifest;
}

void StudyState::MarkProcessing(int version) {
  if (IsCurrent(version)) phase_ = StudyPhase::kProcessing;
}

void StudyState::MarkProcessed(int version, const ProcessOutcome& outcome, TimePoint now) {
  if (!IsCurrent(version)) return;  // a newer version superseded it
  phase_ = outcome.ok ? StudyPhase::kProcessed : StudyPhase::kFailed;
  processed_at_ = now;
  detail_ = outcome.summary;
  result_json_ = outcome.result_json;
}

void StudyState::MarkIgnored(int version, const std::string& reason, TimePoint now) {
  if (!IsCurrent(version)) return;
  phase_ = StudyPhase::kIgnored;
  processed_at_ = now;
  detail_ = reason;
}

StudySummary StudyState::Summary() const {
  StudySummary summary;
  summary.study_key = study_key_;
  summary.study_instance_uid = study_instance_uid_;
  summary.phase = phase_;
  summary.version = completed_version_;
  summary.instance_count = instances_.size();
  summary.series_count = series_uids_.size();
  summary.modalities.assign(modalities_.begin(), modalities_.end());
  summary.accession_number = accession_number_;
  summary.study_date = study_date_;
  summary.first_received = first_received_;
  summary.last_received = last_received_;
  summary.completed_at = completed_at_;
  summary.completion_reason = completion_reason_;
  summary.processed_at = processed_at_;
  summary.detail = detail_;
  summary.result_json = phase_ == StudyPhase::kReceiving ? std::string() : result_json_;
  return summary;
}

}  // namespace alveo::study
