// SPDX-License-Identifier: Apache-2.0
// Association policy seen from real DCMTK tools: called-AE check, calling-AE allow-list with host
// pinning, and the concurrency limit answered with a clean transient rejection.
#include <gtest/gtest.h>

#include "e2e_util.h"
#include "support/dicom_tools.h"
#include "support/net_util.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

constexpr char kCtClass[] = "1.2.840.10008.5.1.4.1.1.2";

TEST(AssociationTest, EchoSucceedsAndAWrongCalledAeIsRejected) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  AlveoServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  EXPECT_TRUE(RunEchoscu(server.dicom_port()).ok());
  AeOptions wrong;
  wrong.called_ae = "NOT_ALVEO";
  const ToolResult rejected = RunEchoscu(server.dicom_port(), wrong);
  EXPECT_FALSE(rejected.ok());
  EXPECT_NE(rejected.stderr_text.find("Called AE Title Not Recognized"), std::string::npos) << rejected.Describe();
  EXPECT_EQ(server.Stop(), 0);
}

TEST(AssociationTest, AllowListRejectsUnknownCallersAndCallersFromOtherHosts) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  AlveoServerOptions options;
  options.extra_args = {"--set", "dicom.restrict_callers=true", "--set",
                        R"(dicom.allowed_callers=[{"ae_title":"CT01","hosts":["127.0.0.1"]},)"
                        R"({"ae_title":"FARAWAY","hosts":["192.0.2.10"]}])"};
  AlveoServer server(options);
  ASSERT_TRUE(server.Start()) << server.error();
  AeOptions known;
  known.calling_ae = "CT01";
  EXPECT_TRUE(RunEchoscu(server.dicom_port(), known).ok());
  AeOptions unknown;
  unknown.calling_ae = "INTRUDER";
  const ToolResult intruder = RunEchoscu(server.dicom_port(), unknown);
  EXPECT_FALSE(intruder.ok());
  EXPECT_NE(intruder.stderr_text.find("Calling AE Title Not Recognized"), std::string::npos) << intruder.Describe();
  AeOptions pinned;
  pinned.calling_ae = "FARAWAY";  // allowed, but only from 192.0.2.10
  EXPECT_FALSE(RunEchoscu(server.dicom_port(), pinned).ok());
  EXPECT_TRUE(server.WaitForLogLine(std::regex("INTRUDER.*rejected.*not allowed"), std::chrono::seconds(5)));
  EXPECT_EQ(server.Stop(), 0);
}

TEST(AssociationTest, BeyondTheLimitAssociationsAreRejectedTransientlyNeverHung) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir dir;
  AlveoServerOptions options;
  options.extra_args = {"--set", "dicom.max_associations=2"};
  AlveoServer server(options);
  ASSERT_TRUE(server.Start()) << server.error();
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 1);
  const std::string dataset = WriteBareDataset(series.files[0], dir.Path("ds.bin"));

  // Two associations that stay open until the test creates the release file.
  const std::string release = dir.Path("release");
  std::vector<std::unique_ptr<Process>> holders;
  for (int i = 0; i < 2; ++i) {
    RawStoreOptions hold;
    hold.sop_class_uid = kCtClass;
    hold.sop_instance_uid = series.sop_uids[0];
    hold.count = 0;
    hold.extra_args = {"--hold-until", release};
    ProcessOptions process;
    process.argv = RawStorescuArgs(server.dicom_port(), dataset, hold);
    process.log_dir = dir.path();
    process.log_name = "holder-" + std::to_string(i);
    process.capture_stdout = true;
    holders.push_back(Process::Start(process));
    ASSERT_TRUE(holders.back());
    ASSERT_TRUE(holders.back()->WaitForLine(std::regex("^holding"), std::chrono::seconds(20)));
  }

  const ToolResult third = RunEchoscu(server.dicom_port(), {}, std::chrono::seconds(20));
  EXPECT_FALSE(third.timed_out) << "a rejected association must be answered, not left hanging";
  EXPECT_FALSE(third.ok());
  EXPECT_NE(third.stderr_text.find("Local Limit Exceeded"), std::string::npos) << third.Describe();
  EXPECT_NE(third.stderr_text.find("Transient"), std::string::npos) << third.Describe();

  ASSERT_TRUE(WriteFile(release, "go"));
  for (auto& holder : holders) {
    const auto status = holder->Wait(std::chrono::seconds(20));
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(status->ExitedWith(0)) << status->ToString();
  }
  // Slots are free again once the holders released.
  EXPECT_TRUE(WaitUntil([&] { return RunEchoscu(server.dicom_port()).ok(); }, std::chrono::seconds(10)));
  EXPECT_EQ(server.Stop(), 0);
}

TEST(AssociationTest, SixteenConcurrentAssociationsAreServedTogether) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir dir;
  AlveoServer server;  // default limit: 32
  ASSERT_TRUE(server.Start()) << server.error();
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 16);
  const std::string release = dir.Path("release");
  std::vector<std::unique_ptr<Process>> senders;
  for (int i = 0; i < 16; ++i) {
    const std::string dataset = WriteBareDataset(series.files[i], dir.Path("ds" + std::to_string(i) + ".bin"));
    RawStoreOptions store;
    store.sop_class_uid = kCtClass;
    store.sop_instance_uid = series.sop_uids[i];
    store.extra_args = {"--hold-until", release};
    ProcessOptions process;
    process.argv = RawStorescuArgs(server.dicom_port(), dataset, store);
    process.log_dir = dir.path();
    process.log_name = "sender-" + std::to_string(i);
    process.capture_stdout = true;
    senders.push_back(Process::Start(process));
    ASSERT_TRUE(senders.back());
  }
  // All 16 stored their instance and are still associated at the same time.
  for (auto& sender : senders) {
    ASSERT_TRUE(sender->WaitForLine(std::regex("^status=0x0000"), std::chrono::seconds(30)));
    ASSERT_TRUE(sender->WaitForLine(std::regex("^holding"), std::chrono::seconds(30)));
  }
  const HttpResponse health = server.Get("/healthz");
  EXPECT_EQ(ParseJson(health.body).Get("active_associations").AsInt(), 16) << health.body;
  EXPECT_TRUE(RunEchoscu(server.dicom_port()).ok());  // a 17th is still welcome
  ASSERT_TRUE(WriteFile(release, "go"));
  for (auto& sender : senders) {
    const auto status = sender->Wait(std::chrono::seconds(20));
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(status->ExitedWith(0)) << status->ToString();
  }
  EXPECT_EQ(StoredInstanceFiles(server).size(), 16u);
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace alveo::testing
