// SPDX-License-Identifier: Apache-2.0
// What a worklist notification says about one analysed study version, and the two payloads built
// from it (pure, no I/O): the webhook's JSON body and the HL7 v2.5.1 ORU^R01 message. The priority
// rule lives here too: a priority is requested only for flagged studies, and never one lower than
// Alveo already requested for the same study. Thread-safety: plain values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "classifier/result.h"
#include "core/clock.h"
#include "core/settings.h"
#include "core/study_types.h"

namespace alveo::notify {

// Ordered: a higher value is more urgent. kNone means "no priority requested" (the receiver keeps
// whatever priority the order already has); it is what every not-flagged result carries.
enum class Priority { kNone = 0, kRoutine, kAsap, kStat };

// "STAT", "ASAP", "ROUTINE"; "" for kNone.
std::string_view PriorityName(Priority priority);
std::optional<Priority> ParsePriority(std::string_view name);
// HL7 table 0027 (Priority) codes: S, A, R; "" for kNone.
std::string_view Hl7PriorityCode(Priority priority);

// The priority a result maps to. Never lower a priority: only a flagged result requests one
// (certainty >= stat_min_certainty -> STAT, >= asap_min_certainty -> ASAP, otherwise ROUTINE);
// not_flagged and not_analysable results get kNone, never ROUTINE, because an ORU or webhook that
// said "routine" could downgrade an order a clinician had marked urgent.
Priority MapPriority(classifier::ResultStatus status, double certainty,
                     const NotifyPrioritySettings& thresholds);

// The priority to send when `already_requested` was sent for an earlier version of the same
// study: `mapped` if it is at least as urgent, otherwise kNone (a re-opened study that now looks
// less urgent must not ask the worklist to lower what we raised).
Priority NeverLower(Priority mapped, Priority already_requested);

struct CodedConcept {
  std::string code;
  std::string scheme;  // SCT
  std::string meaning;

  bool operator==(const CodedConcept&) const = default;
};

struct Notification {
  std::string id;  // NotificationId(...): 32 hex digits, stable for the same study version and SR
  std::string study_instance_uid;
  std::string study_key;
  int study_version = 0;
  std::string accession_number;  // from the study's instances ("" if none carries one)
  std::string modality;
  classifier::ResultStatus status = classifier::ResultStatus::kNotAnalysable;
  std::string reason;    // not_analysable: the reason name; "" otherwise
  double certainty = 0;  // 0-100, rounded to 0.1 so that a stored record reads back identical
  std::optional<double> opacity_percent;  // whole-lung opacity, rounded to 0.1
  std::optional<CodedConcept> top_differential;
  Priority priority = Priority::kNone;
  std::string sr_sop_instance_uid;  // "" when no SR was produced
  TimePoint created_at{};           // millisecond precision

  bool operator==(const Notification&) const = default;
};

// hex of the first 128 bits of SHA-256 over (study UID, version, SR UID, rule version, status),
// NUL-separated: processing the same study version again (a crash, a reprocess) yields the same
// id, so the queue keeps one notification and the receivers see the same idempotency key.
std::string NotificationId(std::string_view study_instance_uid, int study_version,
                           std::string_view sr_uid, std::string_view rule_version,
                           classifier::ResultStatus status);

// The notification for one analysed study version, priority from MapPriority (the notifier applies
// NeverLower against earlier versions).
Notification BuildNotification(const StudyManifest& manifest,
                               const classifier::ClassificationResult& result,
                               const std::string& sr_sop_instance_uid,
                               const NotifyPrioritySettings& thresholds, TimePoint now);

// "study.flagged" or "study.result".
std::string_view EventName(const Notification& notification);

// The webhook body: one JSON object (UTF-8, keys in a fixed order) with event, id, identifiers,
// status, certainty, priority ("STAT"/"ASAP"/"ROUTINE" or null), top_differential (or null),
// opacity_percent (or null), sr_sop_instance_uid and created_at (RFC 3339, UTC, milliseconds).
std::string WebhookBody(const Notification& notification);

// MSH-10 Message Control ID: 20 hex digits of SHA-256(notification id NUL channel name). The same
// notification on the same channel always carries the same control id, so a receiver that saw it
// before (our retry after a lost ACK) can recognise the duplicate.
std::string Hl7ControlId(std::string_view notification_id, std::string_view channel_name);

// Escapes text for an HL7 v2 field (v2.5.1 section 2.7.4): \ | ^ & ~ become \E\ \F\ \S\ \T\ \R\,
// control characters (CR, LF, ...) become \Xhh\.
std::string Hl7Escape(std::string_view text);

// The ORU^R01 (v2.5.1, original acknowledgement mode) for one channel, segments separated by CR:
//   MSH  our and the receiver's application/facility, MSH-7 = created_at, MSH-10 = Hl7ControlId
//   ORC  RE, filler order number (ORC-3) = accession number, ORC-7.6 priority
//   OBR  OBR-3 = accession number, OBR-4 = local service code, OBR-25 F, OBR-27.6 priority
//   OBX  status, certainty, top differential (CWE, SNOMED CT "SCT"), opacity, Study Instance UID
//        (DCM 110180), SR SOP Instance UID
// No PID: Alveo keeps no patient identifiers, and PID is optional in ORU^R01 from v2.5 on; the
// receiver matches on the accession number and the Study Instance UID. The priority components
// stay empty for kNone.
std::string BuildOruR01(const Notification& notification, const Hl7Settings& channel);

}  // namespace alveo::notify
