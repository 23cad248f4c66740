// SPDX-License-Identifier: Apache-2.0
#include "core/study_types.h"

#include <array>

namespace alveo {

std::string_view PhaseName(StudyPhase phase) {
  static constexpr std::array<std::string_view, 6> kNames{"receiving", "complete", "processing",
                                                          "processed", "ignored",  "failed"};
  return kNames[static_cast<int>(phase)];
}

std::string_view CompletionReasonName(CompletionReason reason) {
  static constexpr std::array<std::string_view, 4> kNames{"quiet_period", "evidence", "forced",
                                                          "recovered"};
  return kNames[static_cast<int>(reason)];
}

std::string_view EventTypeName(StudyEventType type) {
  static constexpr std::array<std::string_view, 4> kNames{"complete", "processed", "failed", "ignored"};
  return kNames[static_cast<int>(type)];
}

}  // namespace alveo
