// SPDX-License-Identifier: Apache-2.0
// Mapping between journal records and the domain values they persist (stored instances and study
// events). Unknown fields are ignored on read so newer versions can add fields. Thread-safety: pure.
#pragma once

#include <optional>

#include "core/instance.h"
#include "core/study_types.h"
#include "spool/journal_codec.h"

namespace alveo::spool {

inline constexpr std::string_view kInstanceRecord = "instance";

JournalRecord ToRecord(const StoredInstance& instance);
std::optional<StoredInstance> InstanceFromRecord(const JournalRecord& record,
                                                 const std::string& study_key);

JournalRecord ToRecord(const StudyEvent& event);
// nullopt when the record is not a study event (or malformed).
std::optional<StudyEvent> EventFromRecord(const JournalRecord& record);

}  // namespace alveo::spool
