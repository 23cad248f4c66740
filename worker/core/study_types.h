// SPDX-License-Identifier: Apache-2.0
// Study-level values shared between the assembler, the pipeline, the processor port and the API.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/instance.h"

namespace alveo {

enum class StudyPhase {
  kReceiving,   // instances arriving; quiet-period timer armed
  kComplete,    // complete and queued for processing
  kProcessing,  // on the compute pool
  kProcessed,   // the processor finished this version
  kIgnored,     // complete but not selected by the study filter (stored, not analysed)
  kFailed,      // the processor failed on this version; inputs kept
};
std::string_view PhaseName(StudyPhase phase);

enum class CompletionReason { kQuietPeriod, kEvidence, kForced, kRecovered };
std::string_view CompletionReasonName(CompletionReason reason);

// A complete study version handed to the processor.
struct StudyManifest {
  std::string study_key;
  std::string study_instance_uid;
  int version = 1;  // 1 for the first completion; +1 each time a late instance re-opens the study
  CompletionReason reason = CompletionReason::kQuietPeriod;
  TimePoint completed_at{};
  std::vector<StoredInstance> instances;
};

// What the processor reports back for one manifest.
struct ProcessOutcome {
  bool ok = true;
  std::string summary;      // one line for the API and logs
  std::string result_json;  // the full result document (classifier JSON), stored with the study
};

// A state change of a study, journaled so that state survives restarts.
enum class StudyEventType { kComplete, kProcessed, kFailed, kIgnored };
std::string_view EventTypeName(StudyEventType type);

struct StudyEvent {
  StudyEventType type = StudyEventType::kComplete;
  int version = 0;
  TimePoint at{};
  CompletionReason reason = CompletionReason::kQuietPeriod;  // kComplete only
  std::string detail;                                        // summary, failure or ignore reason
  std::size_t instance_count = 0;  // kComplete: instances in that version (detects re-opening)
};

// Everything the spool's journal knows about one study, read back at start.
struct RecoveredStudy {
  std::string study_key;
  std::string study_instance_uid;
  std::vector<StoredInstance> instances;  // in journal order; only instances whose file exists
  std::vector<StudyEvent> events;         // in journal order
};

// What the API shows about a study: no patient names or IDs.
struct StudySummary {
  std::string study_key;
  std::string study_instance_uid;
  StudyPhase phase = StudyPhase::kReceiving;
  int version = 0;  // last completed version (0 = never completed)
  std::size_t instance_count = 0;
  std::size_t series_count = 0;
  std::vector<std::string> modalities;
  std::string accession_number;
  std::string study_date;
  TimePoint first_received{};
  TimePoint last_received{};
  std::optional<TimePoint> completed_at;
  std::optional<CompletionReason> completion_reason;
  std::optional<TimePoint> processed_at;
  std::string detail;       // ignore reason, process summary or failure
  std::string result_json;  // the last result document of the current version ("" if none)
};

}  // namespace alveo
