// SPDX-License-Identifier: Apache-2.0
// Worklist-priority notifications end to end: `alveo phantom` makes chest CT studies, storescu
// sends them into `alveo serve`, and receivers started by the test on loopback ports chosen at run
// time must see what the worklist would: a signed webhook POST and an HL7 ORU^R01 with priority S
// for a flagged diffuse study (answered AA), the ORU after retries when the MLLP receiver was down
// at first, a dead letter when it answers AR, and for a normal study nothing, unless every_result
// is on, and then no priority at all.
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>
#include <gtest/gtest.h>

#include "e2e_util.h"
#include "support/alveo_server.h"
#include "support/dicom_tools.h"
#include "support/net_util.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "unit/notify/receivers.h"

namespace alveo::testing {
namespace {

using std::chrono::seconds;

constexpr char kSecret[] = "e2e-webhook-secret-0123456789";
constexpr char kAccession[] = "ACC^7|X";  // HL7 delimiters on purpose: they must arrive escaped
constexpr auto kNotifyTimeout = seconds(90);

struct Phantom {
  std::vector<std::string> files;
  std::string study_uid;
};

Phantom MakePhantom(const std::string& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv{AlveoServer::BinaryPath(),
                                "phantom",
                                "--out",
                                dir,
                                "--threads",
                                "2",
                                "--rows",
                                "256",
                                "--cols",
                                "256",
                                "--slices",
                                "60",
                                "--slice-spacing",
                                "5"};
  argv.insert(argv.end(), args.begin(), args.end());
  const ToolResult made = RunTool(argv, seconds(120));
  EXPECT_EQ(made.exit_code, 0) << made.Describe();
  Phantom phantom{ListFilesRecursive(dir, ".dcm"), ""};
  if (!phantom.files.empty())
    phantom.study_uid = DicomTagValue(phantom.files[0], "StudyInstanceUID").value_or("");
  return phantom;
}

// HMAC-SHA256 as a webhook receiver computes it (Poco's HMACEngine; SHA2Engine lacks the block and
// digest size constants the template reads).
class Sha256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};
std::string ReceiverSignature(const std::string& body) {
  Poco::HMACEngine<Sha256Engine> hmac{std::string(kSecret)};
  hmac.update(body);
  return "sha256=" + Poco::DigestEngine::digestToHex(hmac.digest());
}

std::string WebhookList(int port) {
  return "notify.webhooks=[{\"name\":\"hook\",\"url\":\"http://127.0.0.1:" + std::to_string(port) +
         "/alveo/events\",\"secret\":\"" + kSecret + "\",\"timeout_seconds\":5}]";
}
std::string Hl7List(int port) {
  return "notify.hl7=[{\"name\":\"ris\",\"host\":\"127.0.0.1\",\"port\":" + std::to_string(port) +
         ",\"receiving_application\":\"RIS\",\"timeout_seconds\":5}]";
}

// The ORU segment named `name` (first), split into fields; empty if absent.
std::vector<std::string> Segment(const std::string& message, const std::string& name) {
  for (const auto& segment : Hl7Segments(message)) {
    if (segment.rfind(name + "|", 0) == 0) return Hl7Fields(segment);
  }
  return {};
}

// OBX-5 of the OBX whose identifier (OBX-3) starts with `code`.
std::string ObxValue(const std::string& message, const std::string& code) {
  for (const auto& segment : Hl7Segments(message)) {
    const auto fields = Hl7Fields(segment);
    if (fields[0] == "OBX" && fields.size() > 5 && fields[3].rfind(code + "^", 0) == 0)
      return fields[5];
  }
  return "<absent>";
}

// The notification queue's entries as stored on disk (spool::Outbox files under
// <data>/notify/outbox).
std::vector<JsonValue> QueueEntries(const AlveoServer& server) {
  std::vector<JsonValue> entries;
  for (const auto& file : ListFilesRecursive(server.data_dir() + "/notify/outbox", ".json")) {
    if (auto text = ReadFile(file)) entries.push_back(ParseJson(*text));
  }
  return entries;
}
bool WaitForQueueState(const AlveoServer& server, const std::string& state, std::size_t count) {
  return WaitUntil(
      [&] {
        const auto entries = QueueEntries(server);
        return std::count_if(entries.begin(), entries.end(), [&](const JsonValue& e) {
                 return e["state"].AsString() == state;
               }) == static_cast<std::ptrdiff_t>(count);
      },
      kNotifyTimeout, std::chrono::milliseconds(100));
}

class NotifyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!AlveoServer::Available()) return;
    phantoms_ = new TempDir();
    diffuse_ =
        new Phantom(MakePhantom(phantoms_->Path("diffuse"),
                                {"--kind", "diffuse", "--seed", "7", "--accession", kAccession}));
    normal_ =
        new Phantom(MakePhantom(phantoms_->Path("normal"), {"--kind", "normal", "--seed", "8"}));
  }
  static void TearDownTestSuite() {
    delete diffuse_;
    delete normal_;
    delete phantoms_;
    diffuse_ = normal_ = nullptr;
    phantoms_ = nullptr;
  }
  void SetUp() override {
    if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
    ASSERT_FALSE(diffuse_->files.empty());
    ASSERT_FALSE(normal_->files.empty());
  }

  // alveo serve with quick retries and these --set overrides.
  std::unique_ptr<AlveoServer> Start(const std::vector<std::string>& sets) {
    AlveoServerOptions options;
    options.extra_args = {"--quiet-period", "1",
                          "--set",          "notify.initial_backoff_ms=200",
                          "--set",          "notify.max_backoff_ms=1000"};
    for (const auto& set : sets) {
      options.extra_args.push_back("--set");
      options.extra_args.push_back(set);
    }
    auto server = std::make_unique<AlveoServer>(options);
    EXPECT_TRUE(server->Start()) << server->error();
    return server;
  }

  static void SendAndWaitProcessed(AlveoServer& server, const Phantom& phantom) {
    const ToolResult sent = RunStorescu(server.dicom_port(), phantom.files);
    ASSERT_EQ(sent.exit_code, 0) << sent.Describe();
    ASSERT_TRUE(WaitForStudy(
        server, phantom.study_uid, [](const JsonValue& s) { return StateIs(s, "processed"); },
        kNotifyTimeout));
  }

  static TempDir* phantoms_;
  static Phantom* diffuse_;
  static Phantom* normal_;
};

TempDir* NotifyTest::phantoms_ = nullptr;
Phantom* NotifyTest::diffuse_ = nullptr;
Phantom* NotifyTest::normal_ = nullptr;

TEST_F(NotifyTest, AFlaggedStudySendsASignedWebhookAndAStatOru) {
  WebhookReceiver hook;
  MllpReceiver ris([](const std::string& message) { return AckFor(message, "AA"); });
  auto server = Start({WebhookList(hook.port()), Hl7List(ris.port())});
  ASSERT_TRUE(server->IsRunning());
  ASSERT_NO_FATAL_FAILURE(SendAndWaitProcessed(*server, *diffuse_));

  ASSERT_TRUE(hook.WaitForRequests(1, kNotifyTimeout));
  const ReceivedRequest request = hook.requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.uri, "/alveo/events");
  EXPECT_EQ(request.Header("Content-Type"), "application/json");
  EXPECT_EQ(request.Header("X-Alveo-Signature"), ReceiverSignature(request.body))
      << "signature must verify";
  const JsonValue body = ParseJson(request.body);
  EXPECT_EQ(body["event"].AsString(), "study.flagged");
  EXPECT_EQ(request.Header("X-Alveo-Delivery"), body["id"].AsString());
  EXPECT_EQ(body["study_instance_uid"].AsString(), diffuse_->study_uid);
  EXPECT_EQ(body["accession_number"].AsString(), kAccession);
  EXPECT_EQ(body["modality"].AsString(), "CT");
  EXPECT_EQ(body["status"].AsString(), "flagged");
  EXPECT_GE(body["certainty"].AsDouble(), 70.0);
  EXPECT_EQ(body["priority"].AsString(), "STAT");
  EXPECT_FALSE(body["top_differential"]["code"].AsString().empty());
  EXPECT_EQ(body["top_differential"]["scheme"].AsString(), "SCT");
  const std::string sr_uid = body["sr_sop_instance_uid"].AsString();
  EXPECT_FALSE(sr_uid.empty());
  const JsonValue study = ParseJson(server->Get("/api/v1/studies/" + diffuse_->study_uid).body);
  EXPECT_DOUBLE_EQ(body["certainty"].AsDouble(), study["result"]["certainty"].AsDouble());

  ASSERT_TRUE(ris.WaitForMessages(1, kNotifyTimeout));
  const std::string oru = ris.messages().at(0);
  const auto msh = Segment(oru, "MSH");
  ASSERT_GT(msh.size(), 11u) << oru;
  EXPECT_EQ(msh[4], "RIS");
  EXPECT_EQ(msh[8], "ORU^R01^ORU_R01");
  EXPECT_EQ(msh[11], "2.5.1");
  EXPECT_EQ(Segment(oru, "PID").size(), 0u) << "no patient identifiers";
  const auto orc = Segment(oru, "ORC");
  const auto obr = Segment(oru, "OBR");
  ASSERT_EQ(obr.size(), 28u) << oru;
  ASSERT_GT(orc.size(), 7u) << oru;
  EXPECT_EQ(orc[3], "ACC\\S\\7\\F\\X");  // the accession number, HL7-escaped
  EXPECT_EQ(obr[3], "ACC\\S\\7\\F\\X");
  EXPECT_EQ(orc[7], "^^^^^S");
  EXPECT_EQ(obr[27], "^^^^^S");
  EXPECT_EQ(ObxValue(oru, "ALVEO-STATUS"), "flagged");
  EXPECT_EQ(ObxValue(oru, "110180"), diffuse_->study_uid);
  EXPECT_EQ(ObxValue(oru, "ALVEO-SR-UID"), sr_uid);

  ASSERT_TRUE(WaitForQueueState(*server, "delivered", 2));
  EXPECT_EQ(server->Stop(), 0);
  EXPECT_EQ(hook.requests().size(), 1u);
  EXPECT_EQ(ris.messages().size(), 1u);
}

TEST_F(NotifyTest, AnHl7ReceiverThatWasDownGetsTheOruAfterRetries) {
  const int port = FreeTcpPort();  // reserved, nothing listens yet: connections are refused
  auto server = Start({Hl7List(port)});
  ASSERT_TRUE(server->IsRunning());
  ASSERT_NO_FATAL_FAILURE(SendAndWaitProcessed(*server, *diffuse_));
  ASSERT_TRUE(server->WaitForLogLine(std::regex("to hl7 ris .*attempt 1 failed"), kNotifyTimeout));

  MllpReceiver ris([](const std::string& message) { return AckFor(message, "AA"); }, port);
  ASSERT_TRUE(ris.WaitForMessages(1, kNotifyTimeout));
  EXPECT_EQ(Segment(ris.messages().at(0), "OBR")[27], "^^^^^S");
  ASSERT_TRUE(WaitForQueueState(*server, "delivered", 1));
  const auto entries = QueueEntries(*server);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_GE(entries[0]["attempts"].AsInt(), 2);
  EXPECT_EQ(server->Stop(), 0);
}

TEST_F(NotifyTest, ARejectingReceiverMakesADeadLetter) {
  MllpReceiver ris(
      [](const std::string& message) { return AckFor(message, "AR", "unknown order"); });
  auto server = Start({Hl7List(ris.port())});
  ASSERT_TRUE(server->IsRunning());
  ASSERT_NO_FATAL_FAILURE(SendAndWaitProcessed(*server, *diffuse_));
  ASSERT_TRUE(WaitForQueueState(*server, "dead", 1));
  const auto entries = QueueEntries(*server);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["attempts"].AsInt(), 1) << "a rejection is not retried";
  EXPECT_NE(entries[0]["last_error"].AsString().find("unknown order"), std::string::npos);
  EXPECT_TRUE(
      server->WaitForLogLine(std::regex("NOT delivered to hl7 ris .*dead letter"), seconds(10)));
  EXPECT_EQ(server->Stop(), 0);
  EXPECT_EQ(ris.messages().size(), 1u);
}

TEST_F(NotifyTest, ANormalStudyNotifiesOnlyWithEveryResultAndThenWithoutPriority) {
  {
    WebhookReceiver hook;
    auto server = Start({WebhookList(hook.port())});
    ASSERT_TRUE(server->IsRunning());
    ASSERT_NO_FATAL_FAILURE(SendAndWaitProcessed(*server, *normal_));
    // The notification would have been queued before the study showed "processed".
    EXPECT_TRUE(QueueEntries(*server).empty());
    const JsonValue study = ParseJson(server->Get("/api/v1/studies/" + normal_->study_uid).body);
    EXPECT_EQ(study["result"]["status"].AsString(), "not_flagged");
    EXPECT_EQ(server->Stop(), 0);
    EXPECT_TRUE(hook.requests().empty());
  }
  WebhookReceiver hook;
  MllpReceiver ris([](const std::string& message) { return AckFor(message, "AA"); });
  auto server = Start({WebhookList(hook.port()), Hl7List(ris.port()), "notify.every_result=true"});
  ASSERT_TRUE(server->IsRunning());
  ASSERT_NO_FATAL_FAILURE(SendAndWaitProcessed(*server, *normal_));
  ASSERT_TRUE(hook.WaitForRequests(1, kNotifyTimeout));
  const ReceivedRequest request = hook.requests().at(0);
  EXPECT_EQ(request.Header("X-Alveo-Signature"), ReceiverSignature(request.body));
  const JsonValue body = ParseJson(request.body);
  EXPECT_EQ(body["event"].AsString(), "study.result");
  EXPECT_EQ(body["status"].AsString(), "not_flagged");
  EXPECT_TRUE(body["priority"].IsNull()) << "never \"ROUTINE\": " << request.body;
  ASSERT_TRUE(ris.WaitForMessages(1, kNotifyTimeout));
  const std::string oru = ris.messages().at(0);
  ASSERT_EQ(Segment(oru, "OBR").size(), 28u) << oru;
  EXPECT_EQ(Segment(oru, "OBR")[27], "") << "empty priority component";
  EXPECT_EQ(Segment(oru, "ORC")[7], "");
  EXPECT_EQ(ObxValue(oru, "ALVEO-STATUS"), "not_flagged");
  ASSERT_TRUE(WaitForQueueState(*server, "delivered", 2));
  EXPECT_EQ(server->Stop(), 0);
}

}  // namespace
}  // namespace alveo::testing
