// SPDX-License-Identifier: Apache-2.0
// Durability through real crashes: kill -9 in the middle of a study loses no acknowledged instance and
// the study completes after a restart; below the disk watermark every C-STORE is refused with 0xA700.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "e2e_util.h"
#include "support/dicom_tools.h"
#include "support/net_util.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

std::set<std::string> StoredSopUids(const AlveoServer& server) {
  std::set<std::string> uids;
  for (const auto& file : StoredInstanceFiles(server)) uids.insert(SopInstanceUidOf(file));
  return uids;
}

TEST(DurabilityTest, KillNineMidStudyLosesNoAcknowledgedInstance) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 300);
  AlveoServerOptions options;
  options.extra_args = {"--quiet-period", "3", "--set", "study.early_completion=false"};
  AlveoServer server(options);
  ASSERT_TRUE(server.Start()) << server.error();

  // 1. The first 100 slices, all acknowledged.
  const std::vector<std::string> first(series.files.begin(), series.files.begin() + 100);
  const ToolResult part1 = RunStorescu(server.dicom_port(), first);
  ASSERT_EQ(CountSuccesses(ParseStoreResponses(part1.stderr_text)), 100u) << part1.Describe();

  // 2. The rest, killed in the middle of the transfer.
  std::vector<std::string> rest(series.files.begin() + 100, series.files.end());
  ProcessOptions sender;
  sender.argv = StorescuArgs(server.dicom_port(), rest, StorescuOptions{});
  sender.log_dir = dir.path();
  sender.log_name = "storescu-killed";
  sender.capture_stderr = true;
  auto storescu = Process::Start(sender);
  ASSERT_TRUE(storescu);
  ASSERT_TRUE(storescu->WaitForLine(std::regex("Received Store Response \\(Success\\)"), std::chrono::seconds(30),
                                    OutputStream::kStderr));
  server.Kill9();
  ASSERT_TRUE(storescu->Wait(std::chrono::seconds(60)).has_value());
  const auto responses = ParseStoreResponses(storescu->Output(OutputStream::kStderr));
  const std::size_t acked_in_part2 = CountSuccesses(responses);
  ASSERT_GT(acked_in_part2, 0u);

  // Every acknowledged instance is on disk, before and after the restart.
  std::set<std::string> acked(series.sop_uids.begin(), series.sop_uids.begin() + 100 + acked_in_part2);
  const auto stored_after_crash = StoredSopUids(server);
  for (const auto& uid : acked) EXPECT_TRUE(stored_after_crash.count(uid)) << uid << " was acknowledged but lost";

  ASSERT_TRUE(server.Restart()) << server.error();
  const auto resumed = WaitForStudy(server, series.study_uid, [&](const JsonValue& s) {
    return s.Get("instance_count").AsInt() >= static_cast<int>(acked.size());
  });
  ASSERT_TRUE(resumed.has_value());
  EXPECT_TRUE(StateIs(*resumed, "receiving")) << resumed->ToString();  // its quiet period resumed
  EXPECT_TRUE(std::filesystem::is_empty(server.data_dir() + "/incoming"));

  // 3. The sender retries the whole study; duplicates are answered Success and stored once.
  const ToolResult retry = RunStorescu(server.dicom_port(), series.files);
  EXPECT_EQ(CountSuccesses(ParseStoreResponses(retry.stderr_text)), 300u) << retry.Describe();
  const auto done = WaitForStudy(server, series.study_uid, [](const JsonValue& s) { return StateIs(s, "processed"); });
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->Get("instance_count").AsInt(), 300);
  EXPECT_EQ(done->Get("version").AsInt(), 1);
  EXPECT_EQ(StoredSopUids(server).size(), 300u);
  EXPECT_EQ(server.Stop(), 0);
}

TEST(DurabilityTest, AStudyCompletedBeforeACrashIsNotCompletedTwice) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 5);
  AlveoServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  ASSERT_TRUE(RunStorescu(server.dicom_port(), series.files).ok());
  ASSERT_TRUE(WaitForStudy(server, series.study_uid, [](const JsonValue& s) { return StateIs(s, "processed"); }));
  server.Kill9();
  ASSERT_TRUE(server.Restart()) << server.error();
  const auto study = WaitForStudy(server, series.study_uid, [](const JsonValue& s) { return s.IsObject(); });
  ASSERT_TRUE(study.has_value());
  EXPECT_TRUE(StateIs(*study, "processed")) << study->ToString();
  EXPECT_EQ(study->Get("version").AsInt(), 1);
  EXPECT_EQ(server.Stop(), 0);
}

TEST(DurabilityTest, BelowTheDiskWatermarkStoresAreRefusedWithOutOfResources) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 3);
  AlveoServerOptions options;
  options.extra_args = {"--set", "spool.min_free_mb=16777216"};  // 16 TiB: more than any test disk
  AlveoServer server(options);
  ASSERT_TRUE(server.Start()) << server.error();
  StorescuOptions no_halt;
  no_halt.no_halt = true;
  const ToolResult store = RunStorescu(server.dicom_port(), series.files, no_halt);
  const auto responses = ParseStoreResponses(store.stderr_text);
  ASSERT_EQ(responses.size(), 3u) << store.Describe();
  for (const auto& response : responses) EXPECT_EQ(response.status, "Refused: OutOfResources");
  EXPECT_TRUE(StoredInstanceFiles(server).empty());
  EXPECT_TRUE(server.WaitForLogLine(std::regex("0xa700.*disk_full"), std::chrono::seconds(5)));
  EXPECT_TRUE(RunEchoscu(server.dicom_port()).ok());
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace alveo::testing
