// SPDX-License-Identifier: Apache-2.0
// MLLP framing (HL7 v2.5.1 Appendix C) and ACK reading: frames split across reads, noise before the
// start block, MSA-1 codes in original and enhanced mode and what each means for delivery.
#include "notify/mllp.h"

#include <string>

#include <gtest/gtest.h>

namespace alveo::notify {
namespace {

TEST(MllpTest, FrameWrapsTheMessageInStartAndEndBlocks) {
  EXPECT_EQ(MllpFrame("MSH|x\r"), std::string("\x0bMSH|x\r\x1c\x0d"));
  EXPECT_EQ(MllpFrame(""), std::string("\x0b\x1c\x0d"));
}

TEST(MllpTest, ExtractWaitsForTheWholeFrameAndSkipsNoise) {
  const std::string frame = MllpFrame("MSH|a\rMSA|AA|1\r");
  for (std::size_t cut = 0; cut < frame.size(); ++cut) {
    EXPECT_FALSE(ExtractMllpFrame(frame.substr(0, cut))) << "complete after " << cut << " bytes";
  }
  const auto whole = ExtractMllpFrame("junk" + frame + "\x0bMSH|next");
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->message, "MSH|a\rMSA|AA|1\r");
  EXPECT_EQ(whole->consumed, 4 + frame.size());
}

TEST(AckTest, ParsesMsaInOriginalAndEnhancedMode) {
  const auto ack = ParseAck("MSH|^~\\&|RIS||ALVEO||20240101||ACK|9|P|2.5.1\rMSA|AA|ctrl-1\r");
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(ack->code, "AA");
  EXPECT_EQ(ack->control_id, "ctrl-1");
  EXPECT_TRUE(AckOutcome(*ack, "ctrl-1").ok());

  // Another field separator (MSH-1 defines it), LF line ends, a component in MSA-1, lower case.
  const auto enhanced = ParseAck("MSH#^~\\&#RIS\nMSA#ca^x#ctrl-2#fine\n");
  ASSERT_TRUE(enhanced.ok());
  EXPECT_EQ(enhanced->code, "CA");
  EXPECT_EQ(enhanced->text, "fine");
  EXPECT_TRUE(AckOutcome(*enhanced, "ctrl-2").ok());
}

TEST(AckTest, RejectIsPermanentErrorIsTransient) {
  const auto outcome = [](const std::string& code, const std::string& control_id = "c") {
    const auto ack = ParseAck("MSH|^~\\&\rMSA|" + code + "|" + control_id + "|why\rERR|||207\r");
    EXPECT_TRUE(ack.ok());
    return ack.ok() ? AckOutcome(*ack, "c") : ack.status();
  };
  EXPECT_EQ(outcome("AR").code(), ErrorCode::kPeerRejected);
  EXPECT_EQ(outcome("CR").code(), ErrorCode::kPeerRejected);
  EXPECT_NE(outcome("AR").message().find("why"), std::string::npos);
  EXPECT_EQ(outcome("AE").code(), ErrorCode::kPeerUnavailable);
  EXPECT_EQ(outcome("CE").code(), ErrorCode::kPeerUnavailable);
  EXPECT_EQ(outcome("ZZ").code(), ErrorCode::kPeerUnavailable);
  EXPECT_EQ(outcome("AA", "other").code(),
            ErrorCode::kPeerUnavailable);  // not the ACK of our message
  EXPECT_TRUE(outcome("AA").ok());
}

TEST(AckTest, ErrTextIsUsedWhenMsaHasNone) {
  const auto ack = ParseAck("MSH|^~\\&\rMSA|AE|c\rERR|^^^207&Application internal error\r");
  ASSERT_TRUE(ack.ok());
  EXPECT_NE(ack->text.find("Application internal error"), std::string::npos);
}

TEST(AckTest, MalformedAnswersAreErrors) {
  EXPECT_EQ(ParseAck("").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseAck("HTTP/1.1 400 Bad Request\r\n").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseAck("MSH|^~\\&|RIS\r").status().code(), ErrorCode::kInvalidArgument);  // no MSA
}

}  // namespace
}  // namespace alveo::notify
