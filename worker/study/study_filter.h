// SPDX-License-Identifier: Apache-2.0
// Decides whether a complete study is analysed or only stored ("ignored"): modality in the
// configured list and a chest indication in BodyPartExamined / descriptions / protocol, per the
// configured case-insensitive patterns. Thread-safety: immutable after construction; Decide() is
// const and safe from any thread.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include "core/instance.h"
#include "core/settings.h"

namespace alveo::study {

struct FilterDecision {
  bool analyse = false;
  std::string reason;  // why (for the API and logs); never contains patient data
};

class StudyFilter {
 public:
  // REQUIRES: patterns compile (the config module validated them).
  explicit StudyFilter(const StudyFilterSettings& settings);
  FilterDecision Decide(const std::vector<StoredInstance>& instances) const;

 private:
  struct Pattern {
    std::string text;
    std::regex regex;
  };
  const Pattern* FirstMatch(const std::vector<Pattern>& patterns, const std::vector<std::string>& fields) const;

  StudyFilterSettings settings_;
  std::vector<Pattern> include_;
  std::vector<Pattern> exclude_;
};

}  // namespace alveo::study
