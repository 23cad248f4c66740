// SPDX-License-Identifier: Apache-2.0
// Start-up and shut-down of `alveo serve`: configuration errors name the key and exit 2; the help
// texts document every flag; SIGTERM lets an association in flight finish, refuses new ones and
// exits 0.
#include <gtest/gtest.h>

#include <signal.h>

#include "e2e_util.h"
#include "support/dicom_tools.h"
#include "support/net_util.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

TEST(LifecycleTest, HelpDocumentsEveryFlag) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  const ToolResult main_help = RunTool({AlveoServer::BinaryPath(), "--help"});
  EXPECT_EQ(main_help.exit_code, 0);
  for (const char* word : {"serve", "classify", "replay", "version", "phantom"}) {
    EXPECT_NE(main_help.stdout_text.find(word), std::string::npos) << word;
  }
  const ToolResult serve_help = RunTool({AlveoServer::BinaryPath(), "serve", "--help"});
  EXPECT_EQ(serve_help.exit_code, 0);
  for (const char* flag : {"--config", "--port", "--aet", "--data-dir", "--http-port", "--quiet-period",
                           "--log-level", "--destination", "--results-dir", "--sr-template", "--set", "--print-config",
                           "--help"}) {
    EXPECT_NE(serve_help.stdout_text.find(flag), std::string::npos) << flag;
  }
  const ToolResult version = RunTool({AlveoServer::BinaryPath(), "version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.stdout_text.find("dcmtk 3.6.7"), std::string::npos) << version.stdout_text;
}

TEST(LifecycleTest, BadConfigurationIsRejectedNamingTheKey) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir dir;
  ASSERT_TRUE(WriteFile(dir.Path("bad.json"), R"({"dicom": {"port": 70000, "ae_titel": "X"}})"));
  const ToolResult bad = RunTool({AlveoServer::BinaryPath(), "serve", "--config", dir.Path("bad.json")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.stderr_text.find("dicom.port"), std::string::npos) << bad.stderr_text;
  EXPECT_NE(bad.stderr_text.find("dicom.ae_titel"), std::string::npos) << bad.stderr_text;
  const ToolResult bad_flag = RunTool({AlveoServer::BinaryPath(), "serve", "--quiet-period", "soon"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_NE(bad_flag.stderr_text.find("--quiet-period"), std::string::npos) << bad_flag.stderr_text;
  const ToolResult unknown = RunTool({AlveoServer::BinaryPath(), "serve", "--prot", "104"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.stderr_text.find("--prot"), std::string::npos) << unknown.stderr_text;
}

TEST(LifecycleTest, PrintConfigShowsTheOverriddenValues) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  const ToolResult printed = RunTool({AlveoServer::BinaryPath(), "serve", "--config", AlveoServer::DefaultConfigPath(),
                                      "--port", "4242", "--aet", "TESTAE", "--quiet-period", "2.5", "--print-config"});
  ASSERT_EQ(printed.exit_code, 0) << printed.Describe();
  const JsonValue config = ParseJson(printed.stdout_text);
  EXPECT_EQ(config.Get("dicom").Get("port").AsInt(), 4242);
  EXPECT_EQ(config.Get("dicom").Get("ae_title").AsString(), "TESTAE");
  EXPECT_EQ(config.Get("study").Get("quiet_period_ms").AsInt(), 2500);
}

TEST(LifecycleTest, SigtermFinishesTheAssociationInFlightAndExitsZero) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 1000);
  AlveoServer server;
  ASSERT_TRUE(server.Start()) << server.error();

  // 1000 instances keep one association busy for a few seconds.
  ProcessOptions sender;
  sender.env = DcmtkEnv();
  sender.argv = StorescuArgs(server.dicom_port(), {dir.Path("ct")}, StorescuOptions{});
  sender.log_dir = dir.path();
  sender.log_name = "storescu";
  sender.capture_stderr = true;
  auto storescu = Process::Start(sender);
  ASSERT_TRUE(storescu);
  ASSERT_TRUE(storescu->WaitForLine(std::regex("Received Store Response \\(Success\\)"), std::chrono::seconds(30),
                                    OutputStream::kStderr));
  ASSERT_TRUE(server.process()->Signal(SIGTERM));
  EXPECT_TRUE(server.WaitForLogLine(std::regex("stopping \\(finishing 1 association"), std::chrono::seconds(10)));

  const auto sent = storescu->Wait(std::chrono::seconds(120));
  ASSERT_TRUE(sent.has_value());
  EXPECT_TRUE(sent->ExitedWith(0)) << sent->ToString();
  EXPECT_EQ(CountSuccesses(ParseStoreResponses(storescu->Output(OutputStream::kStderr))), 1000u);
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(StoredInstanceFiles(server).size(), 1000u);  // every acknowledged instance is on disk
  EXPECT_TRUE(server.WaitForLogLine(std::regex("stopped cleanly"), std::chrono::seconds(1)));
}

TEST(LifecycleTest, AfterShutdownTheDicomPortRefusesConnections) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  AlveoServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  const int port = server.dicom_port();
  EXPECT_EQ(server.Stop(), 0);
  const ToolResult echo = RunEchoscu(port, {}, std::chrono::seconds(10));
  EXPECT_FALSE(echo.timed_out);
  EXPECT_FALSE(echo.ok());
}

}  // namespace
TEST(LifecycleTest, LogFileIsWrittenAndSecretsAreHidden) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir dir;
  const std::string log_file = dir.Path("alveo.log");
  AlveoServerOptions options;
  options.extra_args = {"--set", "log.file=" + log_file, "--set", "http.api_token=very-secret-token-0123456789"};
  AlveoServer server(options);
  ASSERT_TRUE(server.Start()) << server.error();
  ASSERT_EQ(RunEchoscu(server.dicom_port()).exit_code, 0);
  EXPECT_EQ(server.Stop(), 0);
  const std::string text = ReadFile(log_file).value_or("");
  EXPECT_NE(text.find("listening: DICOM"), std::string::npos) << text;
  EXPECT_NE(text.find("stopped cleanly"), std::string::npos) << text;
  EXPECT_NE(text.find("\"api_token\": \"(set; hidden)\""), std::string::npos) << text;
  EXPECT_EQ(text.find("very-secret-token-0123456789"), std::string::npos) << "the token leaked into the log";
}

}  // namespace alveo::testing
