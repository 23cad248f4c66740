// SPDX-License-Identifier: Apache-2.0
// Study assembly through the real server: early completion on evidence, the quiet period when the data
// show a gap, re-opening by a late instance, the study filter, and the study API itself.
#include <gtest/gtest.h>

#include "e2e_util.h"
#include "support/dicom_tools.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

class AssemblyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
    AlveoServerOptions options;
    options.extra_args = {"--quiet-period", "2"};
    server_ = std::make_unique<AlveoServer>(options);
    ASSERT_TRUE(server_->Start()) << server_->error();
  }
  void TearDown() override {
    if (server_ && server_->IsRunning()) {
      EXPECT_EQ(server_->Stop(), 0);
    }
  }
  void Send(const std::vector<std::string>& files) {
    const ToolResult store = RunStorescu(server_->dicom_port(), files);
    ASSERT_EQ(CountSuccesses(ParseStoreResponses(store.stderr_text)), files.size()) << store.Describe();
  }
  JsonValue WaitForState(const std::string& uid, const std::string& state, int version = 1) {
    const auto study = WaitForStudy(*server_, uid, [&](const JsonValue& s) {
      return StateIs(s, state) && s.Get("version").AsInt() == version;
    });
    EXPECT_TRUE(study.has_value()) << "study never reached " << state << " v" << version << ": "
                                   << server_->Get("/api/v1/studies/" + uid).body;
    return study.value_or(JsonValue());
  }

  TempDir dir_;
  std::unique_ptr<AlveoServer> server_;
};

TEST_F(AssemblyTest, ContiguousCtCompletesOnEvidenceWithoutWaitingForTheQuietPeriod) {
  const SmallSeries series = WriteSmallCtSeries(dir_.Path("ct"), 12);
  Send(series.files);
  const JsonValue study = WaitForState(series.study_uid, "processed");
  EXPECT_EQ(study.Get("completion_reason").AsString(), "evidence");
  EXPECT_EQ(study.Get("instance_count").AsInt(), 12);
  EXPECT_EQ(study.Get("series_count").AsInt(), 1);
  EXPECT_EQ(study.Get("accession_number").AsString(), "ACC42");
  EXPECT_EQ(study.Get("study_date").AsString(), "20261127");
  EXPECT_FALSE(study.Has("patient_name"));
  // The classifier's result is attached (this tiny synthetic series is not a chest it can read).
  ASSERT_TRUE(study.Get("result").IsObject()) << study.ToString();
  EXPECT_EQ(study.Get("result").Get("study_instance_uid").AsString(), series.study_uid);
  EXPECT_EQ(study.Get("result").Get("status").AsString(), "not_analysable");
  EXPECT_EQ(study.Get("detail").AsString().rfind("not_analysable", 0), 0u) << study.Get("detail").AsString();
}

TEST_F(AssemblyTest, ASeriesWithAGapWaitsForTheQuietPeriod) {
  const SmallSeries series = WriteSmallCtSeries(dir_.Path("ct"), 12, "CHEST", 6);
  Send(series.files);
  const JsonValue study = WaitForState(series.study_uid, "processed");
  EXPECT_EQ(study.Get("completion_reason").AsString(), "quiet_period");
}

TEST_F(AssemblyTest, ALateInstanceReopensTheStudyAsANewVersion) {
  const SmallSeries first = WriteSmallCtSeries(dir_.Path("ct1"), 6);
  Send(first.files);
  WaitForState(first.study_uid, "processed", 1);
  const SmallSeries late = WriteSmallCtSeries(dir_.Path("ct2"), 3, "CHEST", std::nullopt, first.study_uid);
  Send(late.files);
  const JsonValue study = WaitForState(first.study_uid, "processed", 2);
  EXPECT_EQ(study.Get("instance_count").AsInt(), 9);
  EXPECT_EQ(study.Get("series_count").AsInt(), 2);
}

TEST_F(AssemblyTest, NonChestStudiesAreStoredButIgnored) {
  const SmallSeries head = WriteSmallCtSeries(dir_.Path("head"), 4, "HEAD");
  Send(head.files);
  const JsonValue study = WaitForState(head.study_uid, "ignored");
  EXPECT_NE(study.Get("detail").AsString().find("no chest indication"), std::string::npos);
  EXPECT_EQ(StoredInstanceFiles(*server_).size(), 4u);
}

TEST_F(AssemblyTest, TheStudyListAndUnknownStudiesAnswerJson) {
  const SmallSeries series = WriteSmallCtSeries(dir_.Path("ct"), 3);
  Send(series.files);
  WaitForState(series.study_uid, "processed");
  const HttpResponse list = server_->Get("/api/v1/studies");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.Header("Content-Type"), "application/json");
  const JsonValue studies = ParseJson(list.body);
  ASSERT_EQ(studies.Get("count").AsInt(), 1);
  const std::string key = studies.Get("studies").At(0).Get("study_key").AsString();
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(server_->Get("/api/v1/studies/" + key).status, 200);  // by key as well as by UID
  const HttpResponse missing = server_->Get("/api/v1/studies/1.2.3.4");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ParseJson(missing.body).Get("error").Get("code").AsString(), "not_found");
  EXPECT_EQ(server_->Http("POST", "/api/v1/studies", "{}").status, 405);
  EXPECT_EQ(server_->Get("/healthz").status, 200);
}

}  // namespace
}  // namespace alveo::testing
