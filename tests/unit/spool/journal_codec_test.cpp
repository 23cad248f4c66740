// SPDX-License-Identifier: Apache-2.0
#include "spool/journal_codec.h"

#include <gtest/gtest.h>

namespace alveo::spool {
namespace {

TEST(JournalCodecTest, RoundTripsValuesWithSeparatorsAndControlBytes) {
  JournalRecord record;
  record.type = "instance";
  record.Add("desc", "a\tb\nc%d=e\\f");
  record.Add("empty", "");
  const std::string line = EncodeRecord(record);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto decoded = DecodeRecord(line);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->type, "instance");
  EXPECT_EQ(decoded->Get("desc"), "a\tb\nc%d=e\\f");
  EXPECT_TRUE(decoded->Has("empty"));
  EXPECT_EQ(decoded->Get("missing"), "");
}

TEST(JournalCodecTest, DetectsTornAndCorruptedLines) {
  JournalRecord record;
  record.type = "complete";
  record.Add("version", "1");
  const std::string line = EncodeRecord(record);
  EXPECT_FALSE(DecodeRecord(line.substr(0, line.size() - 3)).ok());  // torn
  std::string flipped = line;
  flipped[3] ^= 1;
  EXPECT_FALSE(DecodeRecord(flipped).ok());
  EXPECT_FALSE(DecodeRecord("").ok());
}

TEST(JournalCodecTest, Crc32MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);  // CRC-32/ISO-HDLC check value
}

}  // namespace
}  // namespace alveo::spool
