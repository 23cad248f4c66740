// SPDX-License-Identifier: Apache-2.0
// The decision rule, versioned, with every threshold and weight in rule.cpp's tables: from the
// measured evidence to flagged / not flagged, a certainty, and a ranked differential whose entries
// carry their SNOMED CT code and the measured reasons for their rank. Imaging cannot diagnose
// pulmonary hemorrhage; the rule scores a *pattern*. Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "classifier/decision/evidence.h"
#include "classifier/result.h"

namespace alveo::classifier {

inline constexpr char kRuleVersion[] = "alveo-dph-rule-1.1";

struct Decision {
  ResultStatus status = ResultStatus::kNotFlagged;
  double certainty = 0;  // 0-100
  bool diffuse_bilateral = false;
  std::vector<std::string> findings;  // named findings present (stable names, see kFindingNames)
  std::vector<DifferentialEntry> differential;
  std::vector<std::string> pattern_reasons;  // why the pattern is (not) flagged
  std::vector<std::pair<std::string, double>> evidence_features;  // derived values the rule used
};

Decision Decide(const PatternEvidence& evidence);

// Compact description of the rule's parameters for the SR's Algorithm Parameters and the logs.
std::string RuleParameters();

}  // namespace alveo::classifier
