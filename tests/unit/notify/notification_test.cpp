// SPDX-License-Identifier: Apache-2.0
// The pure side of notifications: priority mapping and the "never lower" rule, ids, HL7 escaping,
// the ORU^R01 segments and fields, the webhook body, and the HMAC-SHA256 signature against the
// RFC 4231 vectors.
#include "notify/notification.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "notify/signature.h"
#include "support/http_client.h"
#include "unit/notify/receivers.h"

namespace alveo::notify {
namespace {

using classifier::ResultStatus;
using testing::Hl7Fields;
using testing::Hl7Segments;

const NotifyPrioritySettings kThresholds{70, 40};

StudyManifest Manifest(const std::string& accession = "ACC-1") {
  StudyManifest manifest;
  manifest.study_key = "k3y";
  manifest.study_instance_uid = "1.2.826.0.1.3680043.8.498.1";
  manifest.version = 2;
  StoredInstance instance;
  instance.meta.accession_number = "";  // the first instance carries none; the second does
  instance.meta.modality = "CT";
  manifest.instances.push_back(instance);
  instance.meta.accession_number = accession;
  manifest.instances.push_back(instance);
  return manifest;
}

classifier::ClassificationResult Flagged(double certainty = 90.04) {
  classifier::ClassificationResult result;
  result.study_instance_uid = "1.2.826.0.1.3680043.8.498.1";
  result.modality = "CT";
  result.status = ResultStatus::kFlagged;
  result.certainty = certainty;
  result.rule_version = "alveo-dph-rule-1.1";
  result.total = classifier::LungMeasures{};
  result.total->opacity_percent = 41.26;
  classifier::DifferentialEntry top;
  top.rank = 1;
  top.code = "233604007";
  top.scheme = "SCT";
  top.meaning = "Pneumonia ^ & | ~ \\ test";
  result.differential.push_back(top);
  return result;
}

Hl7Settings Channel() {
  Hl7Settings channel;
  channel.name = "ris";
  channel.host = "127.0.0.1";
  channel.sending_facility = "RAD";
  channel.receiving_application = "RIS";
  channel.receiving_facility = "HOSP";
  return channel;
}

TimePoint At() { return FromUnixMillis(1704190500123); }  // 2024-01-02T10:15:00.123Z

TEST(NotifyPriorityTest, FlaggedMapsByCertaintyAndNothingElseAsksForAPriority) {
  EXPECT_EQ(MapPriority(ResultStatus::kFlagged, 90, kThresholds), Priority::kStat);
  EXPECT_EQ(MapPriority(ResultStatus::kFlagged, 70, kThresholds), Priority::kStat);  // "at least"
  EXPECT_EQ(MapPriority(ResultStatus::kFlagged, 69.9, kThresholds), Priority::kAsap);
  EXPECT_EQ(MapPriority(ResultStatus::kFlagged, 40, kThresholds), Priority::kAsap);
  EXPECT_EQ(MapPriority(ResultStatus::kFlagged, 39.9, kThresholds), Priority::kRoutine);
  // Never lower a priority: not flagged / not analysable get none at all, never ROUTINE.
  EXPECT_EQ(MapPriority(ResultStatus::kNotFlagged, 95, kThresholds), Priority::kNone);
  EXPECT_EQ(MapPriority(ResultStatus::kNotAnalysable, 0, kThresholds), Priority::kNone);
  EXPECT_EQ(PriorityName(Priority::kNone), "");
  EXPECT_EQ(Hl7PriorityCode(Priority::kStat), "S");
  EXPECT_EQ(Hl7PriorityCode(Priority::kAsap), "A");
  EXPECT_EQ(Hl7PriorityCode(Priority::kRoutine), "R");
  EXPECT_EQ(Hl7PriorityCode(Priority::kNone), "");
  for (const Priority p : {Priority::kNone, Priority::kRoutine, Priority::kAsap, Priority::kStat}) {
    EXPECT_EQ(ParsePriority(PriorityName(p)), p);
  }
  EXPECT_FALSE(ParsePriority("URGENT"));
}

TEST(NotifyPriorityTest, NeverLowerWhatWasAlreadyRequestedForTheStudy) {
  EXPECT_EQ(NeverLower(Priority::kAsap, Priority::kStat), Priority::kNone);
  EXPECT_EQ(NeverLower(Priority::kRoutine, Priority::kAsap), Priority::kNone);
  EXPECT_EQ(NeverLower(Priority::kStat, Priority::kStat),
            Priority::kStat);  // repeating is not lowering
  EXPECT_EQ(NeverLower(Priority::kStat, Priority::kAsap), Priority::kStat);
  EXPECT_EQ(NeverLower(Priority::kRoutine, Priority::kNone), Priority::kRoutine);
  EXPECT_EQ(NeverLower(Priority::kNone, Priority::kStat), Priority::kNone);
}

TEST(NotificationTest, BuiltFromManifestAndResultWithRoundedValues) {
  const Notification n = BuildNotification(Manifest(), Flagged(), "2.25.77", kThresholds,
                                           At() + std::chrono::microseconds(456));
  EXPECT_EQ(n.id.size(), 32u);
  EXPECT_EQ(n.id, NotificationId("1.2.826.0.1.3680043.8.498.1", 2, "2.25.77", "alveo-dph-rule-1.1",
                                 ResultStatus::kFlagged));
  EXPECT_NE(n.id, NotificationId("1.2.826.0.1.3680043.8.498.1", 3, "2.25.77", "alveo-dph-rule-1.1",
                                 ResultStatus::kFlagged));
  EXPECT_NE(n.id, NotificationId("1.2.826.0.1.3680043.8.498.1", 2, "", "alveo-dph-rule-1.1",
                                 ResultStatus::kFlagged));
  EXPECT_EQ(n.accession_number, "ACC-1");
  EXPECT_EQ(n.modality, "CT");
  EXPECT_EQ(n.study_version, 2);
  EXPECT_DOUBLE_EQ(n.certainty, 90.0);
  ASSERT_TRUE(n.opacity_percent);
  EXPECT_DOUBLE_EQ(*n.opacity_percent, 41.3);
  EXPECT_EQ(n.priority, Priority::kStat);
  EXPECT_EQ(n.created_at, At());  // millisecond precision, as stored
  ASSERT_TRUE(n.top_differential);
  EXPECT_EQ(n.top_differential->code, "233604007");
  EXPECT_EQ(EventName(n), "study.flagged");
}

TEST(NotificationTest, WebhookBodyCarriesEveryFieldAndNullPriorityWhenNotFlagged) {
  const Notification flagged =
      BuildNotification(Manifest(), Flagged(), "2.25.77", kThresholds, At());
  const testing::JsonValue body = testing::ParseJson(WebhookBody(flagged));
  EXPECT_EQ(body["event"].AsString(), "study.flagged");
  EXPECT_EQ(body["id"].AsString(), flagged.id);
  EXPECT_EQ(body["study_instance_uid"].AsString(), "1.2.826.0.1.3680043.8.498.1");
  EXPECT_EQ(body["study_key"].AsString(), "k3y");
  EXPECT_EQ(body["accession_number"].AsString(), "ACC-1");
  EXPECT_EQ(body["modality"].AsString(), "CT");
  EXPECT_EQ(body["status"].AsString(), "flagged");
  EXPECT_TRUE(body["reason"].IsNull());
  EXPECT_DOUBLE_EQ(body["certainty"].AsDouble(), 90.0);
  EXPECT_EQ(body["priority"].AsString(), "STAT");
  EXPECT_EQ(body["top_differential"]["code"].AsString(), "233604007");
  EXPECT_EQ(body["top_differential"]["scheme"].AsString(), "SCT");
  EXPECT_EQ(body["top_differential"]["meaning"].AsString(), "Pneumonia ^ & | ~ \\ test");
  EXPECT_DOUBLE_EQ(body["opacity_percent"].AsDouble(), 41.3);
  EXPECT_EQ(body["sr_sop_instance_uid"].AsString(), "2.25.77");
  EXPECT_EQ(body["created_at"].AsString(), "2024-01-02T10:15:00.123Z");
  EXPECT_EQ(body.Size(), 14u) << body.ToString();

  classifier::ClassificationResult normal;
  normal.status = ResultStatus::kNotFlagged;
  normal.certainty = 3;
  const Notification quiet = BuildNotification(Manifest(), normal, "", kThresholds, At());
  const testing::JsonValue quiet_body = testing::ParseJson(WebhookBody(quiet));
  EXPECT_EQ(quiet_body["event"].AsString(), "study.result");
  EXPECT_TRUE(quiet_body["priority"].IsNull())
      << "never lower a priority: no \"ROUTINE\" for a normal study";
  EXPECT_TRUE(quiet_body["top_differential"].IsNull());
  EXPECT_TRUE(quiet_body["opacity_percent"].IsNull());
  EXPECT_TRUE(quiet_body["sr_sop_instance_uid"].IsNull());
}

TEST(Hl7EscapeTest, DelimitersAndControlCharactersAreEscaped) {
  EXPECT_EQ(Hl7Escape("plain text 1.2.3"), "plain text 1.2.3");
  EXPECT_EQ(Hl7Escape("a|b^c&d~e\\f"), "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f");
  EXPECT_EQ(Hl7Escape("\\F\\"), "\\E\\F\\E\\");  // an escape sequence in the data stays data
  EXPECT_EQ(Hl7Escape("line1\rline2\n"), "line1\\X0D\\line2\\X0A\\");
  EXPECT_EQ(Hl7Escape("Müller"), "Müller");  // UTF-8 passes (MSH-18 says UNICODE UTF-8)
}

TEST(OruR01Test, SegmentsAndFieldsForAStatStudy) {
  const Notification n =
      BuildNotification(Manifest("A|1^2"), Flagged(), "2.25.77", kThresholds, At());
  const std::string message = BuildOruR01(n, Channel());
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_EQ(message.back(), '\r');
  const auto segments = Hl7Segments(message);
  ASSERT_GE(segments.size(), 4u);
  std::vector<std::string> names;
  for (const auto& segment : segments) names.push_back(segment.substr(0, 3));
  EXPECT_EQ(names, (std::vector<std::string>{"MSH", "ORC", "OBR", "OBX", "OBX", "OBX", "OBX", "OBX",
                                             "OBX"}));

  const auto msh = Hl7Fields(segments[0]);  // msh[n - 1] is MSH-n
  EXPECT_EQ(segments[0].substr(0, 9), "MSH|^~\\&|");
  EXPECT_EQ(msh[2], "ALVEO");
  EXPECT_EQ(msh[3], "RAD");
  EXPECT_EQ(msh[4], "RIS");
  EXPECT_EQ(msh[5], "HOSP");
  EXPECT_EQ(msh[6], "20240102101500.123+0000");
  EXPECT_EQ(msh[8], "ORU^R01^ORU_R01");
  EXPECT_EQ(msh[9], Hl7ControlId(n.id, "ris"));
  EXPECT_EQ(msh[9].size(), 20u);
  EXPECT_NE(msh[9], Hl7ControlId(n.id, "other-channel"));
  EXPECT_EQ(msh[10], "P");
  EXPECT_EQ(msh[11], "2.5.1");
  EXPECT_EQ(msh[17], "UNICODE UTF-8");

  const auto orc = Hl7Fields(segments[1]);
  EXPECT_EQ(orc[1], "RE");
  EXPECT_EQ(orc[3], "A\\F\\1\\S\\2");  // filler order number = accession number, escaped
  EXPECT_EQ(orc[5], "CM");
  EXPECT_EQ(orc[7], "^^^^^S");  // ORC-7.6 priority
  const auto obr = Hl7Fields(segments[2]);
  ASSERT_EQ(obr.size(), 28u);
  EXPECT_EQ(obr[1], "1");
  EXPECT_EQ(obr[3], "A\\F\\1\\S\\2");
  EXPECT_EQ(obr[4], "ALVEO-DPH^Diffuse pulmonary hemorrhage pattern screen^L");
  EXPECT_EQ(obr[7], "20240102101500.123+0000");
  EXPECT_EQ(obr[25], "F");
  EXPECT_EQ(obr[27], "^^^^^S");  // OBR-27.6 priority

  std::map<std::string, std::vector<std::string>> obx;  // by observation identifier's code
  for (std::size_t i = 3; i < segments.size(); ++i) {
    auto fields = Hl7Fields(segments[i]);
    EXPECT_EQ(fields[1], std::to_string(i - 2));  // set ids 1..n
    EXPECT_EQ(fields[11], "F");
    obx[fields[3].substr(0, fields[3].find('^'))] = fields;
  }
  EXPECT_EQ(obx["ALVEO-STATUS"][2], "ST");
  EXPECT_EQ(obx["ALVEO-STATUS"][5], "flagged");
  EXPECT_EQ(obx["ALVEO-STATUS"][8], "A");
  EXPECT_EQ(obx["ALVEO-CERTAINTY"][2], "NM");
  EXPECT_EQ(obx["ALVEO-CERTAINTY"][5], "90.0");
  EXPECT_EQ(obx["ALVEO-CERTAINTY"][6], "%^percent^UCUM");
  EXPECT_EQ(obx["ALVEO-DIFF1"][2], "CWE");
  EXPECT_EQ(obx["ALVEO-DIFF1"][5], "233604007^Pneumonia \\S\\ \\T\\ \\F\\ \\R\\ \\E\\ test^SCT");
  EXPECT_EQ(obx["ALVEO-OPACITY"][5], "41.3");
  EXPECT_EQ(obx["110180"][3], "110180^Study Instance UID^DCM");
  EXPECT_EQ(obx["110180"][5], "1.2.826.0.1.3680043.8.498.1");
  EXPECT_EQ(obx["ALVEO-SR-UID"][5], "2.25.77");
  EXPECT_EQ(message.find("PID|"), std::string::npos) << "no patient identifiers";
  EXPECT_EQ(BuildOruR01(n, Channel()), message) << "retries send the same bytes";
}

TEST(OruR01Test, NotFlaggedAndNotAnalysableCarryNoPriority) {
  classifier::ClassificationResult normal;
  normal.status = ResultStatus::kNotFlagged;
  normal.certainty = 12;
  const auto segments = Hl7Segments(
      BuildOruR01(BuildNotification(Manifest(), normal, "", kThresholds, At()), Channel()));
  ASSERT_GE(segments.size(), 3u);
  EXPECT_EQ(Hl7Fields(segments[1])[7], "");   // ORC-7 empty: never lower a priority
  EXPECT_EQ(Hl7Fields(segments[2])[27], "");  // OBR-27 empty
  EXPECT_EQ(Hl7Fields(segments[3])[5], "not_flagged");
  EXPECT_EQ(Hl7Fields(segments[3])[8], "N");

  classifier::ClassificationResult unreadable;
  unreadable.status = ResultStatus::kNotAnalysable;
  unreadable.reason = classifier::NotAnalysableReason::kNoImages;
  const Notification n = BuildNotification(Manifest(), unreadable, "", kThresholds, At());
  EXPECT_EQ(n.reason, "no_images");
  const std::string message = BuildOruR01(n, Channel());
  EXPECT_NE(message.find("|ALVEO-REASON^Reason not analysable^L||no_images|"), std::string::npos)
      << message;
  EXPECT_EQ(message.find("ALVEO-CERTAINTY"), std::string::npos);
  EXPECT_EQ(message.find("ALVEO-SR-UID"), std::string::npos);
  EXPECT_EQ(Hl7Fields(Hl7Segments(message)[2])[27], "");
}

// RFC 4231 section 4: HMAC-SHA-256 test cases 1, 2 (the key "Jefe") and 6 (a key longer than the
// block, hashed first).
TEST(SignatureTest, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256Hex(std::string(131, '\xaa'),
                          "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace alveo::notify
