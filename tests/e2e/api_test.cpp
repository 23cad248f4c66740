// SPDX-License-Identifier: Apache-2.0
// The operator's HTTP side of `alveo serve`, end to end: /readyz, /metrics (checked by Prometheus'
// own `promtool check metrics` when installed, and for the figures a study must move), study list
// filters and pagination, the study detail with its SR deliveries, and the bearer-token actions
// (complete, reprocess, retry of a dead delivery) with their 401/403/404/409 answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <regex>
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

using std::chrono::seconds;

constexpr char kToken[] = "test-token-0123456789abcdef";

HttpResponse Post(const AlveoServer& server, const std::string& path, const std::string& token) {
  HttpHeaders headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return server.Http("POST", path, "", headers);
}

std::string ErrorCodeOf(const HttpResponse& response) { return ParseJson(response.body)["error"]["code"].AsString(); }

// The value of the first sample of `name` with exactly these labels ("" for none) in metrics text.
std::optional<double> MetricValue(const std::string& text, const std::string& name_and_labels) {
  std::size_t at = 0;
  while ((at = text.find(name_and_labels + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + name_and_labels.size() + 1));
    ++at;
  }
  return std::nullopt;
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  }

  // A server with the token set and the given extra arguments; a diffuse CT sent and processed.
  void StartAndSend(std::vector<std::string> args = {}) {
    AlveoServerOptions options;
    options.extra_args = {"--quiet-period", "1", "--set", std::string("http.api_token=") + kToken};
    options.extra_args.insert(options.extra_args.end(), args.begin(), args.end());
    server_ = std::make_unique<AlveoServer>(options);
    ASSERT_TRUE(server_->Start()) << server_->error();
    files_ = MakePhantom(dir_.Path("ct"), {"--kind", "diffuse", "--seed", "21", "--rows", "256", "--cols", "256",
                                           "--slices", "60", "--slice-spacing", "5"})
                 .files;
    ASSERT_FALSE(files_.empty());
    study_uid_ = DicomTagValue(files_[0], "StudyInstanceUID").value_or("");
    const ToolResult sent = RunStorescu(server_->dicom_port(), files_);
    ASSERT_EQ(sent.exit_code, 0) << sent.Describe();
    ASSERT_TRUE(WaitForStudy(*server_, study_uid_, [](const JsonValue& s) { return StateIs(s, "processed"); }));
  }

  TempDir dir_;
  std::unique_ptr<AlveoServer> server_;
  std::vector<std::string> files_;
  std::string study_uid_;
};

TEST_F(ApiTest, ReadyzAndMetricsReflectAProcessedStudy) {
  ASSERT_NO_FATAL_FAILURE(StartAndSend());
  const HttpResponse ready = server_->Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_TRUE(ParseJson(ready.body)["ready"].AsBool());

  const HttpResponse metrics = server_->Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.Header("Content-Type").find("text/plain; version=0.0.4"), std::string::npos);
  const std::string& text = metrics.body;
  EXPECT_EQ(MetricValue(text, "alveo_instances_received_total{result=\"ok\",status=\"0x0000\"}"),
            static_cast<double>(files_.size()))
      << text;
  EXPECT_EQ(MetricValue(text, "alveo_results_total{status=\"flagged\"}"), 1.0) << text;
  EXPECT_EQ(MetricValue(text, "alveo_sr_total{result=\"built\"}"), 1.0) << text;
  EXPECT_EQ(MetricValue(text, "alveo_studies{state=\"processed\"}"), 1.0) << text;
  EXPECT_EQ(MetricValue(text, "alveo_analysis_seconds_count"), 1.0) << text;
  EXPECT_EQ(MetricValue(text, "alveo_associations_total{result=\"accepted\"}"), 1.0) << text;
  EXPECT_GT(MetricValue(text, "alveo_spool_committed_bytes_total").value_or(0), 0.0) << text;

  const ToolResult which = RunTool({"sh", "-c", "command -v promtool"}, seconds(10));
  std::string promtool = which.exit_code == 0 ? which.stdout_text : "";
  promtool.erase(std::remove(promtool.begin(), promtool.end(), '\n'), promtool.end());
  if (promtool.empty()) {
    std::cerr << "promtool not installed (Debian package prometheus): format check skipped\n";
  } else {
    const std::string file = dir_.Path("metrics.txt");
    ASSERT_TRUE(WriteFile(file, text));
    const ToolResult checked = RunTool({"sh", "-c", promtool + " check metrics < " + file}, seconds(30));
    EXPECT_EQ(checked.exit_code, 0) << checked.Describe();
  }
  EXPECT_EQ(server_->Stop(), 0);
}

TEST_F(ApiTest, StudyListFiltersAndPages) {
  ASSERT_NO_FATAL_FAILURE(StartAndSend());
  const auto list = [&](const std::string& query) { return ParseJson(server_->Get("/api/v1/studies" + query).body); };
  const JsonValue flagged = list("?flag=flagged&modality=CT&state=processed");
  ASSERT_EQ(flagged["total"].AsInt(), 1) << flagged.ToString();
  const JsonValue study = flagged["studies"].At(0);
  EXPECT_EQ(study["study_instance_uid"].AsString(), study_uid_);
  EXPECT_EQ(study["result_status"].AsString(), "flagged");
  EXPECT_GT(study["certainty"].AsDouble(), 0.0);
  EXPECT_FALSE(study["top_differential"].AsString().empty());
  EXPECT_EQ(list("?flag=not_flagged")["total"].AsInt(), 0);
  EXPECT_EQ(list("?modality=DX")["total"].AsInt(), 0);
  EXPECT_EQ(list("?state=receiving")["total"].AsInt(), 0);
  const JsonValue page = list("?offset=1&limit=5");
  EXPECT_EQ(page["total"].AsInt(), 1);
  EXPECT_EQ(page["count"].AsInt(), 0);
  EXPECT_EQ(server_->Get("/api/v1/studies?limit=0").status, 400);
  EXPECT_EQ(server_->Get("/api/v1/studies?offset=x").status, 400);

  const JsonValue detail = ParseJson(server_->Get("/api/v1/studies/" + study_uid_).body);
  EXPECT_EQ(detail["result"]["status"].AsString(), "flagged");
  EXPECT_TRUE(detail["deliveries"].IsArray());
  EXPECT_EQ(server_->Stop(), 0);
}

TEST_F(ApiTest, ActionsNeedTheBearerToken) {
  ASSERT_NO_FATAL_FAILURE(StartAndSend());
  const std::string reprocess = "/api/v1/studies/" + study_uid_ + "/reprocess";
  const HttpResponse none = Post(*server_, reprocess, "");
  EXPECT_EQ(none.status, 401) << none.body;
  EXPECT_EQ(ErrorCodeOf(none), "unauthenticated");
  const HttpResponse wrong = Post(*server_, reprocess, "not-the-token-0123456789");
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  EXPECT_EQ(ErrorCodeOf(wrong), "forbidden");
  EXPECT_EQ(Post(*server_, "/api/v1/studies/1.2.3.4/reprocess", kToken).status, 404);
  // Completing a processed study is a conflict; reprocessing it runs the analysis again.
  const HttpResponse complete = Post(*server_, "/api/v1/studies/" + study_uid_ + "/complete", kToken);
  EXPECT_EQ(complete.status, 409) << complete.body;
  EXPECT_EQ(ErrorCodeOf(complete), "conflict");
  const std::string before = ParseJson(server_->Get("/api/v1/studies/" + study_uid_).body)["processed_at"].AsString();
  const HttpResponse accepted = Post(*server_, reprocess, kToken);
  EXPECT_EQ(accepted.status, 202) << accepted.body;
  ASSERT_TRUE(WaitForStudy(*server_, study_uid_, [&](const JsonValue& s) {
    return StateIs(s, "processed") && s["processed_at"].AsString() != before;
  }));
  EXPECT_EQ(ParseJson(server_->Get("/api/v1/studies/" + study_uid_).body)["version"].AsInt(), 1);
  EXPECT_EQ(server_->Get(reprocess).status, 405);
  EXPECT_EQ(server_->Stop(), 0);
}

TEST_F(ApiTest, ActionsAreDisabledWithoutAConfiguredToken) {
  AlveoServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  const HttpResponse response = Post(server, "/api/v1/studies/1.2.3/complete", kToken);
  EXPECT_EQ(response.status, 403) << response.body;
  EXPECT_NE(response.body.find("api_token"), std::string::npos);
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(ApiTest, ADeadDeliveryIsRetriedOnRequest) {
  const int port = FreeTcpPort();
  ASSERT_NO_FATAL_FAILURE(StartAndSend({"--destination", "pacs=PACS@127.0.0.1:" + std::to_string(port), "--set",
                                        "delivery.max_attempts=1"}));
  JsonValue dead;
  ASSERT_TRUE(WaitUntil(
      [&] {
        const JsonValue list = ParseJson(server_->Get("/api/v1/deliveries?study=" + study_uid_).body)["deliveries"];
        if (list.Size() != 1 || list.At(0)["state"].AsString() != "dead") return false;
        dead = list.At(0);
        return true;
      },
      seconds(60), std::chrono::milliseconds(100)));
  const std::string retry = "/api/v1/deliveries/" + dead["id"].AsString() + "/retry";
  EXPECT_EQ(Post(*server_, "/api/v1/deliveries/0000/retry", kToken).status, 404);

  StorescpOptions options;
  options.port = port;
  std::string error;
  auto pacs = StorescpPacs::Start(dir_.MakeDir("pacs"), dir_.MakeDir("logs"), options, &error);
  ASSERT_TRUE(pacs) << error;
  const HttpResponse accepted = Post(*server_, retry, kToken);
  EXPECT_EQ(accepted.status, 202) << accepted.body;
  ASSERT_TRUE(pacs->WaitForStored(1, seconds(30)));
  ASSERT_TRUE(WaitUntil(
      [&] {
        const JsonValue list = ParseJson(server_->Get("/api/v1/deliveries?study=" + study_uid_).body)["deliveries"];
        return list.Size() == 1 && list.At(0)["state"].AsString() == "delivered";
      },
      seconds(10), std::chrono::milliseconds(50)));
  const HttpResponse again = Post(*server_, retry, kToken);
  EXPECT_EQ(again.status, 409) << "only dead deliveries can be retried: " << again.body;
  EXPECT_EQ(server_->Stop(), 0);
}

}  // namespace
}  // namespace alveo::testing
