// SPDX-License-Identifier: Apache-2.0
#include "net/association_policy.h"

#include <gtest/gtest.h>

namespace alveo::net {
namespace {

DicomSettings Restricted() {
  DicomSettings settings;
  settings.restrict_callers = true;
  settings.allowed_callers = {{"CT01", {"10.0.0.5"}}, {"PACS", {}}};
  settings.max_associations = 2;
  return settings;
}

TEST(AssociationPolicyTest, AcceptsAKnownCallerFromItsHost) {
  const DicomSettings settings = Restricted();
  const AssociationPolicy policy(settings);
  EXPECT_TRUE(policy.Decide("ALVEO", "CT01", "10.0.0.5", 0, false).accepted());
  EXPECT_TRUE(policy.Decide("ALVEO", "PACS", "192.0.2.1", 0, false).accepted());  // no host pin
}

TEST(AssociationPolicyTest, RejectsUnknownCallersAndPinnedCallersFromOtherHosts) {
  const DicomSettings settings = Restricted();
  const AssociationPolicy policy(settings);
  EXPECT_EQ(policy.Decide("ALVEO", "EVIL", "10.0.0.5", 0, false).reject, RejectReason::kCallingAeNotRecognized);
  EXPECT_EQ(policy.Decide("ALVEO", "CT01", "10.0.0.6", 0, false).reject, RejectReason::kCallingAeNotRecognized);
}

TEST(AssociationPolicyTest, ChecksTheCalledAeTitleUnlessDisabled) {
  DicomSettings settings;
  const AssociationPolicy policy(settings);
  EXPECT_EQ(policy.Decide("OTHER", "X", "h", 0, false).reject, RejectReason::kCalledAeNotRecognized);
  settings.check_called_ae = false;
  EXPECT_TRUE(policy.Decide("OTHER", "X", "h", 0, false).accepted());
}

TEST(AssociationPolicyTest, LimitAndShutdownAreTransientRejections) {
  const DicomSettings settings = Restricted();
  const AssociationPolicy policy(settings);
  EXPECT_EQ(policy.Decide("ALVEO", "PACS", "h", 2, false).reject, RejectReason::kLocalLimitExceeded);
  EXPECT_EQ(policy.Decide("ALVEO", "PACS", "h", 0, true).reject, RejectReason::kShuttingDown);
}

}  // namespace
}  // namespace alveo::net
