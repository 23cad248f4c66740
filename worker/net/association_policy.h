// SPDX-License-Identifier: Apache-2.0
// Who may associate: called AE title, calling AE allow-list with host pinning, concurrency limit.
// Returns what to answer in PS3.8 terms (A-ASSOCIATE-RJ result/source/reason) so the SCP only
// translates. Thread-safety: immutable after construction; Decide() is const.
#pragma once

#include <string>

#include "core/settings.h"

namespace alveo::net {

enum class RejectReason {
  kNone,
  kCalledAeNotRecognized,   // permanent, service user, reason 7
  kCallingAeNotRecognized,  // permanent, service user, reason 3
  kLocalLimitExceeded,      // transient, service provider (presentation), reason 2
  kShuttingDown,            // transient, service provider (presentation), reason 1 (congestion)
};

struct AssociationDecision {
  RejectReason reject = RejectReason::kNone;
  std::string why;  // for the log line
  bool accepted() const { return reject == RejectReason::kNone; }
};

class AssociationPolicy {
 public:
  explicit AssociationPolicy(const DicomSettings& settings);
  AssociationDecision Decide(const std::string& called_ae, const std::string& calling_ae,
                             const std::string& peer_host, int active_associations, bool stopping) const;

 private:
  const DicomSettings& settings_;
};

}  // namespace alveo::net
