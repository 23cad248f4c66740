// SPDX-License-Identifier: Apache-2.0
#include "net/sop_classes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "core/uid.h"
#include "net/implementation.h"

namespace alveo::net {
namespace {

bool Contains(const std::vector<const char*>& uids, const std::string& uid) {
  return std::any_of(uids.begin(), uids.end(), [&](const char* u) { return uid == u; });
}

TEST(SopClassesTest, TheChestClassesOfTheIssueAreAccepted) {
  const auto uids = AbstractSyntaxesToAccept(false);
  for (const char* uid : {"1.2.840.10008.1.1", "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.2.1",
                          "1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1.1",
                          "1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.5.1.4.1.1.88.11", "1.2.840.10008.5.1.4.1.1.88.33",
                          "1.2.840.10008.5.1.4.1.1.88.34"}) {
    EXPECT_TRUE(Contains(uids, uid)) << uid;
  }
  EXPECT_FALSE(Contains(uids, "1.2.840.10008.5.1.4.1.1.4"));  // MR only when accepting all
  EXPECT_TRUE(Contains(AbstractSyntaxesToAccept(true), "1.2.840.10008.5.1.4.1.1.4"));
}

TEST(SopClassesTest, EveryTransferSyntaxOfTheIssueIsAccepted) {
  std::vector<std::string> accepted;
  for (const auto& ts : AcceptedTransferSyntaxes()) accepted.push_back(ts.uid);
  for (const char* uid : {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99",
                          "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
                          "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.5"}) {
    EXPECT_NE(std::find(accepted.begin(), accepted.end(), uid), accepted.end()) << uid;
  }
}

TEST(SopClassesTest, TheConformanceStatementListsEveryAcceptedUid) {
  std::ifstream file(std::string(ALVEO_SOURCE_DIR) + "/deploy/CONFORMANCE.md");
  ASSERT_TRUE(file.good()) << "deploy/CONFORMANCE.md is missing";
  std::stringstream text;
  text << file.rdbuf();
  for (const auto& sop : DefaultStorageSopClasses()) EXPECT_NE(text.str().find(sop.uid), std::string::npos) << sop.uid;
  for (const auto& ts : AcceptedTransferSyntaxes()) EXPECT_NE(text.str().find(ts.uid), std::string::npos) << ts.uid;
  EXPECT_NE(text.str().find(kImplementationClassUid), std::string::npos);
}

TEST(SopClassesTest, ImplementationClassUidIsDerivedAsDocumented) {
  EXPECT_EQ(DeriveUid("Alveo DICOM worker implementation class"), kImplementationClassUid);
  EXPECT_LE(std::string(kImplementationVersionName).size(), 16u);
}

}  // namespace
}  // namespace alveo::net
