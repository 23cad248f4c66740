// SPDX-License-Identifier: Apache-2.0
// The Structured Report end to end with real tools: `alveo phantom` makes chest CT studies, storescu
// sends them into `alveo serve`, storescp processes act as the PACS and as the sending modality,
// and the SR must arrive: to configured destinations and to the sender, after the destination was
// down, after a kill -9 with a delivery pending (once), with the same UID when a study is replayed,
// with a Predecessor reference when a late instance re-opens the study, and also for a study that
// cannot be analysed. Every port is chosen at run time on loopback.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "e2e_util.h"
#include "support/alveo_server.h"
#include "support/dicom_tools.h"
#include "support/net_util.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr char kUtf8Name[] = "Müller^Jürgen";
constexpr auto kSrTimeout = seconds(90);

// A small but real chest CT (256x256, 5 mm slices) by `alveo phantom`.
Phantom SmallCtPhantom(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.end(), {"--rows", "256", "--cols", "256"});
  return MakePhantom(dir, args);
}

std::unique_ptr<StorescpPacs> StartPeer(const TempDir& dir, const std::string& name, const std::string& ae,
                                        int port = 0) {
  StorescpOptions options;
  options.ae_title = ae;
  options.port = port;
  options.log_name = name;
  std::string error;
  auto peer = StorescpPacs::Start(dir.MakeDir(name), dir.MakeDir("logs"), options, &error);
  EXPECT_TRUE(peer) << error;
  return peer;
}

std::string Destination(const std::string& name, const std::string& ae, int port) {
  return name + "=" + ae + "@127.0.0.1:" + std::to_string(port);
}

AlveoServerOptions ServerOptions(std::vector<std::string> args) {
  AlveoServerOptions options;
  options.extra_args = {"--quiet-period", "1", "--set", "delivery.initial_backoff_ms=200", "--set",
                        "delivery.max_backoff_ms=1000"};
  options.extra_args.insert(options.extra_args.end(), args.begin(), args.end());
  return options;
}

void Send(const AlveoServer& server, const std::vector<std::string>& files, std::vector<std::string> extra = {}) {
  StorescuOptions options;
  options.extra_args = std::move(extra);
  const ToolResult sent = RunStorescu(server.dicom_port(), files, options);
  ASSERT_EQ(sent.exit_code, 0) << sent.Describe();
  ASSERT_EQ(CountSuccesses(ParseStoreResponses(sent.stderr_text)), files.size()) << sent.Describe();
}

// The deliveries of a study as the API lists them.
std::vector<JsonValue> Deliveries(const AlveoServer& server, const std::string& study_uid) {
  const HttpResponse response = server.Get("/api/v1/deliveries?study=" + study_uid);
  EXPECT_EQ(response.status, 200) << response.body << response.error;
  std::vector<JsonValue> list;
  const JsonValue json = ParseJson(response.body);
  for (std::size_t i = 0; i < json["deliveries"].Size(); ++i) list.push_back(json["deliveries"].At(i));
  return list;
}

// Waits until the API lists `count` deliveries of the study satisfying `accept`.
bool WaitForDeliveries(const AlveoServer& server, const std::string& study_uid, std::size_t count,
                       const std::function<bool(const JsonValue&)>& accept, std::chrono::milliseconds timeout) {
  return WaitUntil(
      [&] {
        const auto list = Deliveries(server, study_uid);
        return std::count_if(list.begin(), list.end(), accept) >= static_cast<std::ptrdiff_t>(count);
      },
      timeout, std::chrono::milliseconds(100));
}

bool IsState(const JsonValue& delivery, const std::string& state) { return delivery["state"].AsString() == state; }

std::string Tag(const std::string& file, const std::string& tag) { return DicomTagValue(file, tag).value_or("<absent>"); }

class DeliveryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!AlveoServer::Available()) return;
    phantoms_ = new TempDir();
    diffuse_ = new Phantom(SmallCtPhantom(phantoms_->Path("diffuse"),
                                       {"--kind", "diffuse", "--slices", "60", "--slice-spacing", "5", "--seed", "7",
                                        "--patient-name", kUtf8Name, "--charset", "ISO_IR 192"}));
  }
  static void TearDownTestSuite() {
    delete diffuse_;
    delete phantoms_;
    diffuse_ = nullptr;
    phantoms_ = nullptr;
  }
  void SetUp() override {
    if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
    ASSERT_NE(diffuse_, nullptr);
    ASSERT_EQ(diffuse_->files.size(), 60u);
  }

  static TempDir* phantoms_;
  static Phantom* diffuse_;
  TempDir dir_;
};

TempDir* DeliveryTest::phantoms_ = nullptr;
Phantom* DeliveryTest::diffuse_ = nullptr;

TEST_F(DeliveryTest, SrReachesTheConfiguredPacsAndTheSender) {
  auto pacs = StartPeer(dir_, "pacs", "PACS");
  auto modality = StartPeer(dir_, "modality", kTestCallingAe);
  ASSERT_TRUE(pacs && modality);
  AlveoServer server(ServerOptions(
      {"--destination", Destination("pacs", "PACS", pacs->port()), "--destination", "sender", "--set",
       "delivery.sender_ports=[{\"ae_title\": \"" + std::string(kTestCallingAe) + "\", \"port\": " +
           std::to_string(modality->port()) + "}]"}));
  ASSERT_TRUE(server.Start()) << server.error();
  Send(server, diffuse_->files);

  ASSERT_TRUE(pacs->WaitForStored(1, kSrTimeout)) << "no SR at the PACS";
  ASSERT_TRUE(modality->WaitForStored(1, kSrTimeout)) << "no SR back at the sender";
  const std::string sr = pacs->StoredFiles()[0];
  EXPECT_EQ(Tag(sr, "SOPClassUID"), kComprehensive3dSr);
  EXPECT_EQ(Tag(sr, "StudyInstanceUID"), diffuse_->study_uid) << "the SR must join the images' study";
  EXPECT_NE(Tag(sr, "SeriesInstanceUID"), Tag(diffuse_->files[0], "SeriesInstanceUID"));
  EXPECT_EQ(Tag(sr, "VerificationFlag"), "UNVERIFIED");
  EXPECT_EQ(Tag(sr, "SpecificCharacterSet"), Tag(diffuse_->files[0], "SpecificCharacterSet"));
  EXPECT_EQ(Tag(sr, "PatientName"), Tag(diffuse_->files[0], "PatientName"));
  EXPECT_EQ(Tag(sr, "PatientName"), kUtf8Name);
  EXPECT_EQ(Tag(modality->StoredFiles()[0], "SOPInstanceUID"), Tag(sr, "SOPInstanceUID"));

  const ToolResult dump = RunTool({"dsrdump", "+Pl", sr}, seconds(30), DcmtkEnv());
  EXPECT_EQ(dump.exit_code, 0) << dump.Describe();
  EXPECT_NE(dump.stdout_text.find("Imaging Measurement Report"), std::string::npos) << dump.stdout_text;
  EXPECT_NE(dump.stdout_text.find("Possible diffuse pulmonary hemorrhage pattern"), std::string::npos)
      << "the diffuse phantom must be reported as flagged:\n" << dump.stdout_text;
  // Every analysed slice is referenced as evidence.
  const ToolResult dcmdump = RunDcmdump(sr);
  for (const auto& file : {diffuse_->files.front(), diffuse_->files.back()}) {
    EXPECT_NE(dcmdump.stdout_text.find(Tag(file, "SOPInstanceUID")), std::string::npos);
  }

  ASSERT_TRUE(WaitForDeliveries(server, diffuse_->study_uid, 2, [](const JsonValue& d) { return IsState(d, "delivered"); },
                                seconds(10)));
  std::map<std::string, JsonValue> by_destination;
  for (const auto& d : Deliveries(server, diffuse_->study_uid)) by_destination[d["destination"].AsString()] = d;
  ASSERT_EQ(by_destination.size(), 2u);
  EXPECT_EQ(by_destination["sender"]["ae_title"].AsString(), kTestCallingAe);
  EXPECT_EQ(by_destination["sender"]["port"].AsInt(), modality->port());
  EXPECT_EQ(by_destination["pacs"]["attempts"].AsInt(), 1);
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(DeliveryTest, DestinationDownIsRetriedUntilItComesUp) {
  const int port = FreeTcpPort();
  AlveoServer server(ServerOptions({"--destination", Destination("pacs", "PACS", port)}));
  ASSERT_TRUE(server.Start()) << server.error();
  Send(server, diffuse_->files);

  ASSERT_TRUE(WaitForDeliveries(
      server, diffuse_->study_uid, 1,
      [](const JsonValue& d) { return IsState(d, "pending") && d["attempts"].AsInt() >= 2; }, kSrTimeout))
      << "the SR should be retried while the PACS is down";
  const auto pending = Deliveries(server, diffuse_->study_uid);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_FALSE(pending[0]["last_error"].AsString().empty());

  auto pacs = StartPeer(dir_, "pacs", "PACS", port);
  ASSERT_TRUE(pacs);
  ASSERT_TRUE(pacs->WaitForStored(1, seconds(30))) << "not delivered once the PACS came up";
  ASSERT_TRUE(WaitForDeliveries(server, diffuse_->study_uid, 1, [](const JsonValue& d) { return IsState(d, "delivered"); },
                                seconds(10)));
  EXPECT_EQ(Tag(pacs->StoredFiles()[0], "StudyInstanceUID"), diffuse_->study_uid);
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(DeliveryTest, PendingDeliverySurvivesKill9AndIsDeliveredOnce) {
  const int port = FreeTcpPort();
  AlveoServer server(ServerOptions({"--destination", Destination("pacs", "PACS", port)}));
  ASSERT_TRUE(server.Start()) << server.error();
  Send(server, diffuse_->files);
  ASSERT_TRUE(WaitForDeliveries(
      server, diffuse_->study_uid, 1,
      [](const JsonValue& d) { return IsState(d, "pending") && d["attempts"].AsInt() >= 1; }, kSrTimeout));
  const std::string sr_uid = Deliveries(server, diffuse_->study_uid)[0]["sop_instance_uid"].AsString();
  server.Kill9();

  auto pacs = StartPeer(dir_, "pacs", "PACS", port);
  ASSERT_TRUE(pacs);
  ASSERT_TRUE(server.Restart()) << server.error();
  ASSERT_TRUE(pacs->WaitForStored(1, kSrTimeout)) << "the pending SR was lost by kill -9";
  ASSERT_TRUE(WaitForDeliveries(server, diffuse_->study_uid, 1, [](const JsonValue& d) { return IsState(d, "delivered"); },
                                seconds(10)));
  // Restart re-ran nothing that queued a second copy: one entry, delivered, the same SR.
  const auto deliveries = Deliveries(server, diffuse_->study_uid);
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0]["sop_instance_uid"].AsString(), sr_uid);
  EXPECT_EQ(Tag(pacs->StoredFiles()[0], "SOPInstanceUID"), sr_uid);
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(pacs->StoredFiles().size(), 1u) << "delivered more than once";
}

TEST_F(DeliveryTest, ReplayingAStudyGivesTheSameSrUid) {
  std::vector<std::string> uids;
  for (const char* name : {"first", "second"}) {
    const std::string results = dir_.Path(std::string("results-") + name);
    AlveoServer server(ServerOptions({"--results-dir", results}));
    ASSERT_TRUE(server.Start()) << server.error();
    Send(server, diffuse_->files);
    ASSERT_TRUE(WaitUntil([&] { return !ListFilesRecursive(results, ".dcm").empty(); }, kSrTimeout,
                          std::chrono::milliseconds(100)));
    const auto files = ListFilesRecursive(results, ".dcm");
    ASSERT_EQ(files.size(), 1u);
    uids.push_back(Tag(files[0], "SOPInstanceUID"));
    EXPECT_EQ(fs::path(files[0]).stem().string(), uids.back());
    // Sending the same instances again stores nothing new and queues no new SR.
    Send(server, diffuse_->files);
    EXPECT_EQ(server.Stop(), 0);
    EXPECT_EQ(ListFilesRecursive(results, ".dcm").size(), 1u);
  }
  EXPECT_EQ(uids[0], uids[1]);
  EXPECT_EQ(uids[0].rfind("2.25.", 0), 0u) << uids[0];
}

TEST_F(DeliveryTest, LateInstanceGivesANewSrThatReferencesThePreviousOne) {
  auto pacs = StartPeer(dir_, "pacs", "PACS");
  ASSERT_TRUE(pacs);
  AlveoServer server(ServerOptions({"--destination", Destination("pacs", "PACS", pacs->port())}));
  ASSERT_TRUE(server.Start()) << server.error();
  std::vector<std::string> first(diffuse_->files.begin(), diffuse_->files.end() - 1);
  Send(server, first);
  ASSERT_TRUE(pacs->WaitForStored(1, kSrTimeout));
  const std::string v1 = Tag(pacs->StoredFiles()[0], "SOPInstanceUID");

  Send(server, {diffuse_->files.back()});
  ASSERT_TRUE(pacs->WaitForStored(2, kSrTimeout)) << "no new SR after the study was re-opened";
  const std::string v2_file = pacs->StoredFiles()[1];
  EXPECT_NE(Tag(v2_file, "SOPInstanceUID"), v1);
  EXPECT_EQ(Tag(v2_file, "SeriesInstanceUID"), Tag(pacs->StoredFiles()[0], "SeriesInstanceUID"));
  const ToolResult dump = RunDcmdump(v2_file);
  const auto predecessor = dump.stdout_text.find("PredecessorDocumentsSequence");
  ASSERT_NE(predecessor, std::string::npos) << dump.stdout_text;
  EXPECT_NE(dump.stdout_text.find(v1, predecessor), std::string::npos) << "v2 must reference v1 " << v1;
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(DeliveryTest, OurSrRoutedBackIntoAlveoDoesNotStartALoop) {
  auto pacs = StartPeer(dir_, "pacs", "PACS");
  ASSERT_TRUE(pacs);
  AlveoServer server(ServerOptions({"--destination", Destination("pacs", "PACS", pacs->port())}));
  ASSERT_TRUE(server.Start()) << server.error();
  Send(server, diffuse_->files);
  ASSERT_TRUE(pacs->WaitForStored(1, kSrTimeout));
  const std::string sr = pacs->StoredFiles()[0];

  // A PACS routing rule sends the whole study back, our SR included: the study re-opens and is
  // analysed again (version 2), but the report is the same instance, so nothing new goes out.
  Send(server, {sr}, {"-R"});  // -R: propose the SR's own class (not in storescu's default list)
  ASSERT_TRUE(WaitForStudy(server, diffuse_->study_uid, [](const JsonValue& s) {
    return StateIs(s, "processed") && s["version"].AsInt() == 2;
  })) << "the study should be re-analysed once";
  const auto deliveries = Deliveries(server, diffuse_->study_uid);
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0]["sop_instance_uid"].AsString(), Tag(sr, "SOPInstanceUID"));
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(pacs->StoredFiles().size(), 1u) << "the SR routed back produced a new SR";
}

TEST_F(DeliveryTest, StudyThatCannotBeAnalysedStillGetsAnSrSayingWhy) {
  const Phantom thick = SmallCtPhantom(dir_.Path("thick"), {"--kind", "diffuse", "--slices", "30", "--slice-spacing", "8",
                                                         "--thickness", "8", "--seed", "11"});
  auto pacs = StartPeer(dir_, "pacs", "PACS");
  ASSERT_TRUE(pacs);
  AlveoServer server(ServerOptions({"--destination", Destination("pacs", "PACS", pacs->port())}));
  ASSERT_TRUE(server.Start()) << server.error();
  Send(server, thick.files);
  ASSERT_TRUE(pacs->WaitForStored(1, kSrTimeout));
  const ToolResult dump = RunTool({"dsrdump", "+Pl", pacs->StoredFiles()[0]}, seconds(30), DcmtkEnv());
  EXPECT_EQ(dump.exit_code, 0) << dump.Describe();
  EXPECT_NE(dump.stdout_text.find("Not analysable"), std::string::npos) << dump.stdout_text;
  EXPECT_NE(dump.stdout_text.find("Undetermined"), std::string::npos) << dump.stdout_text;
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace alveo::testing
