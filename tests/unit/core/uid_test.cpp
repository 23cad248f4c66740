// SPDX-License-Identifier: Apache-2.0
#include "core/uid.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace alveo {
namespace {

TEST(UidTest, AcceptsWellFormedUids) {
  EXPECT_TRUE(IsValidUid("1.2.840.10008.5.1.4.1.1.2"));
  EXPECT_TRUE(IsValidUid("2.25.329800735698586629295641978511506172918"));
  EXPECT_TRUE(IsValidUid(std::string(64, '1')));
}

TEST(UidTest, RejectsHostileOrMalformedUids) {
  EXPECT_FALSE(IsValidUid(""));
  EXPECT_FALSE(IsValidUid("../../x"));
  EXPECT_FALSE(IsValidUid("1.2/3"));
  EXPECT_FALSE(IsValidUid("1..2"));
  EXPECT_FALSE(IsValidUid(".1.2"));
  EXPECT_FALSE(IsValidUid("1.2."));
  EXPECT_FALSE(IsValidUid("1.2.abc"));
  EXPECT_FALSE(IsValidUid(std::string(65, '1')));
}

TEST(UidTest, TrimsDicomPadding) {
  EXPECT_EQ(TrimUid(std::string("1.2.3\0", 6)), "1.2.3");
  EXPECT_EQ(TrimUid("1.2.3 "), "1.2.3");
}

TEST(UidTest, KeysAreFixedLengthHexAndDistinct) {
  const std::string a = StudyKeyFor("1.2.3");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, StudyKeyFor("1.2.4"));
  EXPECT_NE(a, InstanceKeyFor("1.2.3"));  // domain-separated
  EXPECT_EQ(StudyKeyFor("../../x").find('/'), std::string::npos);
}

}  // namespace
}  // namespace alveo

namespace alveo {
namespace {

TEST(UidTest, DerivedUidsAreDeterministicValidAndDistinct) {
  const std::string a = DeriveUid("study-1|v1");
  EXPECT_EQ(a, DeriveUid("study-1|v1"));
  EXPECT_NE(a, DeriveUid("study-1|v2"));
  EXPECT_EQ(a.rfind("2.25.", 0), 0u);
  EXPECT_TRUE(IsValidUid(a)) << a;
  EXPECT_LE(a.size(), 44u);  // 2.25. + at most 39 digits
  EXPECT_NE(a[5], '0');      // no leading zero in the integer component
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string uid = DeriveUid("key-" + std::to_string(i));
    EXPECT_TRUE(IsValidUid(uid)) << uid;
    seen.insert(uid);
  }
  EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace alveo
