// SPDX-License-Identifier: Apache-2.0
#include "net/association_policy.h"

#include <algorithm>

namespace alveo::net {

AssociationPolicy::AssociationPolicy(const DicomSettings& settings) : settings_(settings) {}

AssociationDecision AssociationPolicy::Decide(const std::string& called_ae, const std::string& calling_ae,
                                              const std::string& peer_host, int active_associations,
                                              bool stopping) const {
  if (stopping) return {RejectReason::kShuttingDown, "service is shutting down"};
  if (settings_.check_called_ae && called_ae != settings_.ae_title) {
    return {RejectReason::kCalledAeNotRecognized,
            "called AE '" + called_ae + "' is not '" + settings_.ae_title + "'"};
  }
  if (settings_.restrict_callers) {
    const auto caller = std::find_if(settings_.allowed_callers.begin(), settings_.allowed_callers.end(),
                                     [&](const AllowedCaller& c) { return c.ae_title == calling_ae; });
    if (caller == settings_.allowed_callers.end()) {
      return {RejectReason::kCallingAeNotRecognized, "calling AE '" + calling_ae + "' is not allowed"};
    }
    if (!caller->hosts.empty() &&
        std::find(caller->hosts.begin(), caller->hosts.end(), peer_host) == caller->hosts.end()) {
      return {RejectReason::kCallingAeNotRecognized,
              "calling AE '" + calling_ae + "' is not allowed from " + peer_host};
    }
  }
  if (active_associations >= settings_.max_associations) {
    return {RejectReason::kLocalLimitExceeded,
            "association limit reached (" + std::to_string(settings_.max_associations) + ")"};
  }
  return {};
}

}  // namespace alveo::net
