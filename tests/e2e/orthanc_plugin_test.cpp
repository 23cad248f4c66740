// SPDX-License-Identifier: Apache-2.0
// The Alveo Orthanc plugin (libAlveoOrthanc.so) inside a real Orthanc (Debian package `orthanc`):
// a flagged diffuse chest CT phantom sent with storescu becomes stable, the plugin analyses it on its
// own thread and stores a Comprehensive 3D SR into the same study (dciodvfy: no errors), as it does
// for a normal chest radiograph, and forwards both to a modality that comes up late (after an
// Orthanc restart: the pending forwards are resumed); an abdomen CT gets no SR; after the restart,
// POST /alveo/studies/{id}/analyze finds the SR already there and adds no duplicate. Skipped when Orthanc or the alveo binary is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "e2e_util.h"
#include "support/alveo_server.h"
#include "support/chromium.h"
#include "support/dicom_tools.h"
#include "support/http_client.h"
#include "support/net_util.h"
#include "support/orthanc_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

#ifndef ALVEO_ORTHANC_PLUGIN
#define ALVEO_ORTHANC_PLUGIN ""
#endif

namespace alveo::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kTimeout = seconds(180);
constexpr auto kPoll = milliseconds(200);

// IDs of the study's series whose Modality is SR.
std::vector<std::string> SrSeries(const OrthancServer& orthanc, const std::string& study_id) {
  std::vector<std::string> ids;
  const JsonValue series = OrthancJson(orthanc, "/studies/" + study_id + "/series");
  for (std::size_t i = 0; i < series.Size(); ++i) {
    if (series.At(i)["MainDicomTags"]["Modality"].AsString() == "SR") ids.push_back(series.At(i)["ID"].AsString());
  }
  return ids;
}

// The plugin's results for an Orthanc study, newest first. Storing the SR makes the study stable
// again later, so a "stored" may be followed by an "already_present" for the same study.
std::vector<JsonValue> Results(const OrthancServer& orthanc, const std::string& study_id) {
  std::vector<JsonValue> found;
  const JsonValue results = OrthancJson(orthanc, "/alveo/status")["last_results"];
  for (std::size_t i = 0; i < results.Size(); ++i) {
    if (results.At(i)["orthanc_id"].AsString() == study_id) found.push_back(results.At(i));
  }
  return found;
}

// The first (newest) result with this outcome, or a null value.
JsonValue ResultWithOutcome(const OrthancServer& orthanc, const std::string& study_id, const std::string& outcome) {
  for (const JsonValue& result : Results(orthanc, study_id)) {
    if (result["outcome"].AsString() == outcome) return result;
  }
  return JsonValue();
}

// A metric of Orthanc's Prometheus page ("name value [timestamp]"); nullopt when absent.
std::optional<double> OrthancMetric(const OrthancServer& orthanc, const std::string& name) {
  const HttpResponse page = orthanc.Get("/tools/metrics-prometheus");
  if (page.status != 200) return std::nullopt;
  std::istringstream lines(page.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + " ", 0) != 0) continue;
    std::istringstream fields(line.substr(name.size() + 1));
    double value = 0;
    if (fields >> value) return value;
  }
  return std::nullopt;
}

std::string LastOutcome(const OrthancServer& orthanc, const std::string& study_id) {
  const std::vector<JsonValue> results = Results(orthanc, study_id);
  return results.empty() ? "" : results.front()["outcome"].AsString();
}

// dciodvfy on the SR Orthanc holds: no "Error" line.
void ExpectValidSr(const OrthancServer& orthanc, const std::string& sr_id, const std::string& path) {
  const HttpResponse file = orthanc.Get("/instances/" + sr_id + "/file");
  ASSERT_EQ(file.status, 200) << file.Describe();
  ASSERT_TRUE(WriteFile(path, file.body));
  const ToolResult verified = RunTool({"dciodvfy", path}, seconds(60));
  ASSERT_TRUE(verified.error.empty()) << verified.Describe();
  const std::string report = verified.stdout_text + verified.stderr_text;
  EXPECT_EQ(report.find("Error"), std::string::npos) << report;
}

// The one SR instance of a study: its Orthanc ID and simplified tags.
struct StoredSr {
  std::string id;
  JsonValue tags;
};

StoredSr OnlySr(const OrthancServer& orthanc, const std::string& study_id) {
  const std::vector<std::string> sr_series = SrSeries(orthanc, study_id);
  EXPECT_EQ(sr_series.size(), 1u);
  if (sr_series.size() != 1) return {};
  const JsonValue sr_instances = OrthancJson(orthanc, "/series/" + sr_series[0] + "/instances");
  EXPECT_EQ(sr_instances.Size(), 1u) << sr_instances.ToString();
  if (sr_instances.Size() != 1) return {};
  const std::string id = sr_instances.At(0)["ID"].AsString();
  return {id, OrthancJson(orthanc, "/instances/" + id + "/tags?simplify")};
}

// A flagged chest CT and a normal chest radiograph each get one valid SR in their Orthanc study (the
// SR `alveo replay`, hence `alveo serve`, makes of the same files: same SOP Instance UID), an
// abdomen CT none. Each SR is also forwarded to a modality that is down at first: the plugin's
// store job fails; Orthanc restarts; the plugin resumes the forward and the SR arrives once the
// modality listens.
TEST(OrthancPluginTest, StableChestStudyGetsOneSrAndAbdomenNone) {
  if (!OrthancServer::Available()) GTEST_SKIP() << "Orthanc not installed";
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir work("orthanc-plugin");
  const Phantom chest = MakePhantom(work.MakeDir("chest"),
                                    {"--kind", "diffuse", "--modality", "CT", "--rows", "256", "--cols", "256",
                                     "--slices", "60", "--slice-spacing", "5"});
  ASSERT_FALSE(chest.files.empty());
  const Phantom film = MakePhantom(work.MakeDir("film"),
                                   {"--kind", "normal", "--modality", "DX", "--rows", "1000", "--cols", "800"});
  ASSERT_FALSE(film.files.empty());
  const SmallSeries abdomen = WriteSmallCtSeries(work.MakeDir("abdomen"), 8, "ABDOMEN");

  const int forward_port = FreeTcpPort();  // nothing listens there until the test starts storescp
  OrthancServerOptions options;
  options.plugins = {ALVEO_ORTHANC_PLUGIN};
  options.metrics = true;
  options.explorer = true;
  options.extra_config = R"("StableAge": 1, "DicomModalities": {"pacs": ["PACS", "127.0.0.1", )" +
                         std::to_string(forward_port) +
                         R"(]}, "Alveo": {"Enabled": true, "SrTemplate": "default", "ForwardToModalities": ["pacs"],
                            "ForwardRetrySeconds": 1})";
  OrthancServer orthanc(options);
  ASSERT_TRUE(orthanc.Start()) << orthanc.error();
  const JsonValue status = OrthancJson(orthanc, "/alveo/status");
  ASSERT_TRUE(status["version"].IsString()) << "the plugin did not answer /alveo/status";
  EXPECT_EQ(status["queue_length"].AsInt(), 0);

  ASSERT_NO_FATAL_FAILURE(StoreAll(orthanc.dicom_port(), orthanc.ae_title(), chest.files));
  ASSERT_NO_FATAL_FAILURE(StoreAll(orthanc.dicom_port(), orthanc.ae_title(), film.files));
  ASSERT_NO_FATAL_FAILURE(StoreAll(orthanc.dicom_port(), orthanc.ae_title(), abdomen.files));
  const std::string chest_id = OrthancStudyId(orthanc, chest.study_uid);
  const std::string film_id = OrthancStudyId(orthanc, film.study_uid);
  const std::string abdomen_id = OrthancStudyId(orthanc, abdomen.study_uid);
  ASSERT_FALSE(chest_id.empty());
  ASSERT_FALSE(film_id.empty());
  ASSERT_FALSE(abdomen_id.empty());

  // The studies become stable after StableAge; the plugin reports each one in /alveo/status.
  const bool settled = WaitUntil(
      [&] {
        return !SrSeries(orthanc, chest_id).empty() && !SrSeries(orthanc, film_id).empty() &&
               !LastOutcome(orthanc, abdomen_id).empty();
      },
      kTimeout, kPoll);
  ASSERT_TRUE(settled) << "plugin status: " << OrthancJson(orthanc, "/alveo/status").ToString();
  const JsonValue chest_result = ResultWithOutcome(orthanc, chest_id, "stored");
  const JsonValue film_result = ResultWithOutcome(orthanc, film_id, "stored");
  ASSERT_FALSE(chest_result.IsNull()) << OrthancJson(orthanc, "/alveo/status").ToString();
  ASSERT_FALSE(film_result.IsNull()) << OrthancJson(orthanc, "/alveo/status").ToString();
  EXPECT_EQ(chest_result["result_status"].AsString(), "flagged");
  EXPECT_EQ(chest_result["trigger"].AsString(), "stable");
  EXPECT_GE(chest_result["finished_at_ms"].AsInt(), chest_result["queued_at_ms"].AsInt());
  EXPECT_EQ(film_result["result_status"].AsString(), "not_flagged");
  for (const std::string& id : {chest_id, film_id}) {
    EXPECT_TRUE(ResultWithOutcome(orthanc, id, "error").IsNull()) << OrthancJson(orthanc, "/alveo/status").ToString();
  }
  EXPECT_EQ(LastOutcome(orthanc, abdomen_id), "ignored");
  EXPECT_TRUE(SrSeries(orthanc, abdomen_id).empty());
  // Orthanc Explorer: the plugin's script is served, and the chest study's page shows the action
  // and the plugin's newest result for the study (headless Chromium runs the page's scripts).
  const HttpResponse explorer_js = orthanc.Get("/plugins/explorer.js");
  ASSERT_EQ(explorer_js.status, 200) << explorer_js.Describe();
  EXPECT_NE(explorer_js.body.find("alveo-analyze"), std::string::npos);
  if (const std::string chromium = FindChromium(); chromium.empty()) {
    std::cerr << "Chromium not found (Debian package `chromium`): Orthanc Explorer page not checked\n";
  } else {
    const std::string url = "http://127.0.0.1:" + std::to_string(orthanc.http_port()) +
                            "/app/explorer.html#study?uuid=" + chest_id;
    const ToolResult dump = RunChromium(chromium, work.MakeDir("profile"), url, {"--dump-dom"});
    ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
    EXPECT_NE(dump.stdout_text.find("Analyse with Alveo"), std::string::npos) << dump.stdout_text.substr(0, 4000);
    EXPECT_NE(dump.stdout_text.find("Alveo: report"), std::string::npos) << dump.stdout_text.substr(0, 4000);
  }

  // The same counts in Orthanc's Prometheus metrics.
  EXPECT_EQ(OrthancMetric(orthanc, "alveo_studies_stored_total"), 2.0);
  EXPECT_EQ(OrthancMetric(orthanc, "alveo_results_flagged_total"), 1.0);
  EXPECT_GE(OrthancMetric(orthanc, "alveo_studies_ignored_total").value_or(0), 1.0);
  EXPECT_EQ(OrthancMetric(orthanc, "alveo_studies_error_total"), 0.0);
  EXPECT_GT(OrthancMetric(orthanc, "alveo_last_stable_to_stored_seconds").value_or(0), 0.0);

  // The same SR as the worker would make: `alveo replay` (same UIDs as serve) of the same files.
  for (const auto& [phantom, result] : {std::pair{&chest, &chest_result}, std::pair{&film, &film_result}}) {
    const std::string out = work.MakeDir("replay-" + phantom->study_uid.substr(phantom->study_uid.size() - 6));
    const ToolResult replayed = RunTool({AlveoServer::BinaryPath(), "replay", "--quiet", "--config",
                                         AlveoServer::DefaultConfigPath(), "--out", out, phantom->dir},
                                        seconds(180));
    ASSERT_EQ(replayed.exit_code, 0) << replayed.Describe();
    const JsonValue rows = ParseJson(ReadFile(out + "/summary.json").value_or(""))["studies"];
    ASSERT_EQ(rows.Size(), 1u) << rows.ToString();
    EXPECT_EQ(rows.At(0)["sr_sop_instance_uid"].AsString(), (*result)["sr_sop_instance_uid"].AsString());
    EXPECT_EQ(rows.At(0)["status"].AsString(), (*result)["result_status"].AsString());
  }

  const StoredSr chest_sr = OnlySr(orthanc, chest_id);
  ASSERT_FALSE(chest_sr.id.empty());
  EXPECT_EQ(chest_sr.tags["SOPClassUID"].AsString(), kComprehensive3dSr);
  EXPECT_EQ(chest_sr.tags["StudyInstanceUID"].AsString(), chest.study_uid);
  EXPECT_EQ(chest_sr.tags["SOPInstanceUID"].AsString(), chest_result["sr_sop_instance_uid"].AsString());
  EXPECT_EQ(chest_result["sr_orthanc_id"].AsString(), chest_sr.id);
  ASSERT_NO_FATAL_FAILURE(ExpectValidSr(orthanc, chest_sr.id, work.Path("chest-sr.dcm")));
  const StoredSr film_sr = OnlySr(orthanc, film_id);
  ASSERT_FALSE(film_sr.id.empty());
  EXPECT_EQ(film_sr.tags["StudyInstanceUID"].AsString(), film.study_uid);
  EXPECT_EQ(film_sr.tags["SOPInstanceUID"].AsString(), film_result["sr_sop_instance_uid"].AsString());
  ASSERT_NO_FATAL_FAILURE(ExpectValidSr(orthanc, film_sr.id, work.Path("film-sr.dcm")));

  // The forward target is down: Orthanc's store jobs fail and the plugin holds them for a retry.
  const auto forwards_failed = [&] {
    const JsonValue pending = OrthancJson(orthanc, "/alveo/status")["forwards"]["pending"];
    bool failed = false;
    for (std::size_t i = 0; i < pending.Size(); ++i) failed = failed || pending.At(i)["state"].AsString() == "Failure";
    return pending.Size() == 2 && failed;
  };
  ASSERT_TRUE(WaitUntil(forwards_failed, kTimeout, kPoll)) << OrthancJson(orthanc, "/alveo/status").ToString();

  // Same storage, new process (the test's Orthanc does not keep its jobs): the plugin resumes both
  // forwards from Orthanc's database with new jobs, and they succeed once the target listens.
  const std::size_t instances_before = OrthancJson(orthanc, "/studies/" + chest_id + "/instances").Size();
  ASSERT_EQ(orthanc.Stop(), 0);
  ASSERT_TRUE(orthanc.Start()) << orthanc.error();
  EXPECT_EQ(OrthancJson(orthanc, "/alveo/status")["forwards"]["pending"].Size(), 2u)
      << OrthancJson(orthanc, "/alveo/status").ToString();
  StorescpOptions pacs_options;
  pacs_options.port = forward_port;
  std::string pacs_error;
  const std::unique_ptr<StorescpPacs> pacs =
      StorescpPacs::Start(work.MakeDir("pacs"), work.MakeDir("pacs-logs"), pacs_options, &pacs_error);
  ASSERT_TRUE(pacs) << pacs_error;
  ASSERT_TRUE(pacs->WaitForStored(2, kTimeout)) << OrthancJson(orthanc, "/alveo/status").ToString();
  std::vector<std::string> forwarded;
  for (const std::string& file : pacs->StoredFiles()) {
    forwarded.push_back(DicomTagValue(file, "SOPInstanceUID").value_or(""));
  }
  std::sort(forwarded.begin(), forwarded.end());
  std::vector<std::string> expected{chest_result["sr_sop_instance_uid"].AsString(),
                                    film_result["sr_sop_instance_uid"].AsString()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(forwarded, expected);
  ASSERT_TRUE(WaitUntil([&] { return OrthancJson(orthanc, "/alveo/status")["forwards"]["succeeded"].AsInt() == 2; },
                        kTimeout, kPoll))
      << OrthancJson(orthanc, "/alveo/status").ToString();
  EXPECT_EQ(OrthancJson(orthanc, "/alveo/status")["forwards"]["pending"].Size(), 0u);

  // After the restart an explicit re-analysis finds the derived SR UID already stored.
  const HttpResponse queued = HttpRequest("POST", orthanc.http_port(), "/alveo/studies/" + chest_id + "/analyze", "{}");
  ASSERT_EQ(queued.status, 200) << queued.Describe();
  const auto analysed_by_request = [&] {
    for (const JsonValue& result : Results(orthanc, chest_id)) {
      if (result["trigger"].AsString() == "rest") return true;
    }
    return false;
  };
  ASSERT_TRUE(WaitUntil(analysed_by_request, kTimeout, kPoll)) << OrthancJson(orthanc, "/alveo/status").ToString();
  EXPECT_EQ(LastOutcome(orthanc, chest_id), "already_present") << OrthancJson(orthanc, "/alveo/status").ToString();
  EXPECT_EQ(OrthancJson(orthanc, "/studies/" + chest_id + "/instances").Size(), instances_before);
  EXPECT_EQ(SrSeries(orthanc, chest_id).size(), 1u);

  const HttpResponse missing = HttpRequest("POST", orthanc.http_port(), "/alveo/studies/0000-none/analyze", "{}");
  EXPECT_EQ(missing.status, 404) << missing.Describe();
}

// An invalid "Alveo" member stops Orthanc at start-up with a sentence naming the key.
TEST(OrthancPluginTest, InvalidConfigurationIsRefusedWithAClearError) {
  if (!OrthancServer::Available()) GTEST_SKIP() << "Orthanc not installed";
  OrthancServerOptions options;
  options.plugins = {ALVEO_ORTHANC_PLUGIN};
  options.extra_config = R"("Alveo": {"Enabled": "yes", "Colour": 1})";
  options.start_attempts = 1;
  options.dump_logs_on_failure = false;
  OrthancServer orthanc(options);
  ASSERT_FALSE(orthanc.Start());
  const std::string log = ReadFile(orthanc.stderr_log()).value_or("");  // stderr_log(): its path
  EXPECT_NE(log.find("Alveo.Enabled must be true or false"), std::string::npos) << log;
  EXPECT_NE(log.find("unknown key Alveo.Colour"), std::string::npos) << log;
}

}  // namespace
}  // namespace alveo::testing
