// SPDX-License-Identifier: Apache-2.0
// The Orthanc Lua routing recipe (deploy/orthanc/alveo-route.lua, the shipped file) between a real
// Orthanc (Debian package `orthanc`) and a running `alveo serve` whose destination is that Orthanc:
// a flagged diffuse chest CT and an abdomen CT stored into Orthanc are forwarded once the studies
// are stable (the script does not filter on body part: alveo ignores the abdomen), alveo's
// Comprehensive 3D SR comes back into the chest study (one SR, dciodvfy without errors), and when
// the study becomes stable again after the SR arrived the script sends nothing: alveo received each
// image exactly once. After an Orthanc restart on the same storage, a new series added to a routed
// study is sent alone (the "AlveoRouted" metadata survived). Skipped when Orthanc or the alveo
// binary is absent.
#include <chrono>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "e2e_util.h"
#include "support/alveo_server.h"
#include "support/dicom_tools.h"
#include "support/http_client.h"
#include "support/net_util.h"
#include "support/orthanc_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

#ifndef ALVEO_ROUTE_LUA
#define ALVEO_ROUTE_LUA ""
#endif

namespace alveo::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Not the script's default ("alveo"): proves the script reads "AlveoRouting" from Orthanc's config.
constexpr char kRouteModality[] = "alveo-worker";
constexpr char kAlveoAet[] = "ALVEO";
constexpr auto kTimeout = seconds(180);
constexpr auto kPoll = milliseconds(200);
constexpr std::size_t kChestSlices = 40;
constexpr std::size_t kAbdomenSlices = 8;

// The study's series (expanded: MainDicomTags, Instances) with this Modality.
std::vector<JsonValue> SeriesWithModality(const OrthancServer& orthanc, const std::string& study_id,
                                          const std::string& modality) {
  std::vector<JsonValue> found;
  const JsonValue series = OrthancJson(orthanc, "/studies/" + study_id + "/series");
  for (std::size_t i = 0; i < series.Size(); ++i) {
    if (series.At(i)["MainDicomTags"]["Modality"].AsString() == modality)
      found.push_back(series.At(i));
  }
  return found;
}

// Every change in Orthanc's /changes feed, oldest first.
std::vector<JsonValue> Changes(const OrthancServer& orthanc) {
  std::vector<JsonValue> all;
  std::int64_t since = 0;
  for (int page = 0; page < 1000; ++page) {
    const JsonValue answer =
        OrthancJson(orthanc, "/changes?since=" + std::to_string(since) + "&limit=1000");
    const JsonValue changes = answer["Changes"];
    for (std::size_t i = 0; i < changes.Size(); ++i) all.push_back(changes.At(i));
    if (!answer["Done"].IsBool() || answer["Done"].AsBool() || changes.Size() == 0) break;
    since = answer["Last"].AsInt();
  }
  return all;
}

// The script's log lines about one Orthanc study in the current Orthanc run, in order.
std::vector<std::string> RouteLines(const OrthancServer& orthanc, const std::string& study_id) {
  std::vector<std::string> lines;
  std::istringstream log(ReadFile(orthanc.stderr_log()).value_or(""));
  const std::string needle = "alveo-route: study " + study_id + ":";
  for (std::string line; std::getline(log, line);) {
    if (line.find(needle) != std::string::npos) lines.push_back(line);
  }
  return lines;
}

bool LogHas(const OrthancServer& orthanc, const std::string& text) {
  return ReadFile(orthanc.stderr_log()).value_or("").find(text) != std::string::npos;
}

// Registers (or updates) the routing target in the running Orthanc. The modality is not in the
// configuration file because alveo's DICOM port is only known once alveo runs, and alveo needs
// Orthanc's port first (its SR destination).
void RegisterTarget(const OrthancServer& orthanc, int port) {
  const std::string body = std::string(R"({"AET": ")") + kAlveoAet + R"(", "Host": ")" + kLoopback +
                           R"(", "Port": )" + std::to_string(port) + "}";
  const HttpResponse put =
      HttpRequest("PUT", orthanc.http_port(), std::string("/modalities/") + kRouteModality, body);
  ASSERT_EQ(put.status, 200) << put.Describe();
}

void RegisterAlveo(const OrthancServer& orthanc, const AlveoServer& alveo) {
  RegisterTarget(orthanc, alveo.dicom_port());
}

// The DicomModalityStore jobs of the current Orthanc run.
std::vector<JsonValue> StoreJobs(const OrthancServer& orthanc) {
  std::vector<JsonValue> found;
  const JsonValue jobs = OrthancJson(orthanc, "/jobs?expand");
  for (std::size_t i = 0; i < jobs.Size(); ++i) {
    if (jobs.At(i)["Type"].AsString() == "DicomModalityStore") found.push_back(jobs.At(i));
  }
  return found;
}

// The value of the sample `name_and_labels` (exactly as printed) in Prometheus text.
std::optional<double> Metric(const AlveoServer& alveo, const std::string& name_and_labels) {
  const HttpResponse metrics = alveo.Get("/metrics");
  if (metrics.status != 200) return std::nullopt;
  std::istringstream text(metrics.body);
  for (std::string line; std::getline(text, line);) {
    if (line.size() > name_and_labels.size() &&
        line.compare(0, name_and_labels.size(), name_and_labels) == 0 &&
        line[name_and_labels.size()] == ' ') {
      return std::stod(line.substr(name_and_labels.size() + 1));
    }
  }
  return std::nullopt;
}

std::optional<double> ReceivedOk(const AlveoServer& alveo) {
  return Metric(alveo, R"(alveo_instances_received_total{result="ok",status="0x0000"})");
}

JsonValue AlveoStudy(const AlveoServer& alveo, const std::string& study_uid) {
  const HttpResponse response = alveo.Get("/api/v1/studies/" + study_uid);
  return response.status == 200 ? ParseJson(response.body) : JsonValue();
}

// Number of the study's instances in Orthanc that carry the script's "AlveoRouted" metadata.
std::size_t RoutedInstances(const OrthancServer& orthanc, const JsonValue& series) {
  std::size_t routed = 0;
  for (std::size_t i = 0; i < series["Instances"].Size(); ++i) {
    const JsonValue metadata =
        OrthancJson(orthanc, "/instances/" + series["Instances"].At(i).AsString() + "/metadata?expand");
    if (metadata["AlveoRouted"].IsString()) ++routed;
  }
  return routed;
}

TEST(OrthancRouteTest, LuaRoutesChestImagesOnceAndTheSrComesBack) {
  if (!OrthancServer::Available()) GTEST_SKIP() << "Orthanc not installed";
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  ASSERT_TRUE(ReadFile(ALVEO_ROUTE_LUA).has_value()) << "missing script " << ALVEO_ROUTE_LUA;
  TempDir work("orthanc-route");
  const Phantom chest =
      MakePhantom(work.MakeDir("chest"), {"--kind", "diffuse", "--modality", "CT", "--rows", "256",
                                          "--cols", "256", "--slices", "40"});
  ASSERT_EQ(chest.files.size(), kChestSlices);
  const SmallSeries abdomen =
      WriteSmallCtSeries(work.MakeDir("abdomen"), static_cast<int>(kAbdomenSlices), "ABDOMEN");

  OrthancServerOptions orthanc_options;
  orthanc_options.lua_scripts = {ALVEO_ROUTE_LUA};
  orthanc_options.extra_config =
      std::string(R"("StableAge": 2, "UserMetadata": {"AlveoRouted": 4242}, )") +
      R"("AlveoRouting": {"Modality": ")" + kRouteModality + R"("})";
  OrthancServer orthanc(orthanc_options);
  ASSERT_TRUE(orthanc.Start()) << orthanc.error();
  ASSERT_TRUE(
      LogHas(orthanc, std::string("alveo-route: loaded; stable CT/CR/DX images go to modality \"") +
                          kRouteModality + "\""))
      << "the script did not load: " << orthanc.stderr_log();

  AlveoServer alveo(AlveoDeliveringTo(orthanc));
  ASSERT_TRUE(alveo.Start()) << alveo.error();
  ASSERT_NO_FATAL_FAILURE(RegisterAlveo(orthanc, alveo));

  ASSERT_NO_FATAL_FAILURE(StoreAll(orthanc.dicom_port(), orthanc.ae_title(), chest.files));
  ASSERT_NO_FATAL_FAILURE(StoreAll(orthanc.dicom_port(), orthanc.ae_title(), abdomen.files));
  const std::string chest_id = OrthancStudyId(orthanc, chest.study_uid);
  const std::string abdomen_id = OrthancStudyId(orthanc, abdomen.study_uid);
  ASSERT_FALSE(chest_id.empty());
  ASSERT_FALSE(abdomen_id.empty());

  // Orthanc routes both stable studies; alveo analyses the chest CT, delivers its SR into Orthanc,
  // and keeps the abdomen as ignored (its own study filter).
  JsonValue chest_in_alveo;
  JsonValue abdomen_in_alveo;
  const bool settled = WaitUntil(
      [&] {
        chest_in_alveo = AlveoStudy(alveo, chest.study_uid);
        abdomen_in_alveo = AlveoStudy(alveo, abdomen.study_uid);
        return !SeriesWithModality(orthanc, chest_id, "SR").empty() &&
               StateIs(abdomen_in_alveo, "ignored");
      },
      kTimeout, kPoll);
  ASSERT_TRUE(settled) << "chest in alveo: " << chest_in_alveo.ToString()
                       << "\nabdomen in alveo: " << abdomen_in_alveo.ToString()
                       << "\nOrthanc jobs: " << OrthancJson(orthanc, "/jobs?expand").ToString();

  // The SR's arrival made the chest study unstable: wait for Orthanc's StableStudy change after the
  // SR series appeared, then for the script to have handled every StableStudy of the study.
  const std::string sr_series_id =
      SeriesWithModality(orthanc, chest_id, "SR").at(0)["ID"].AsString();
  std::size_t stable_events = 0;
  const bool stable_again = WaitUntil(
      [&] {
        std::int64_t sr_seq = -1;
        bool after_sr = false;
        stable_events = 0;
        for (const JsonValue& change : Changes(orthanc)) {
          if (change["ChangeType"].AsString() == "NewSeries" &&
              change["ID"].AsString() == sr_series_id) {
            sr_seq = change["Seq"].AsInt();
          }
          if (change["ChangeType"].AsString() == "StableStudy" &&
              change["ID"].AsString() == chest_id) {
            ++stable_events;
            after_sr = after_sr || (sr_seq >= 0 && change["Seq"].AsInt() > sr_seq);
          }
        }
        return after_sr;
      },
      kTimeout, kPoll);
  ASSERT_TRUE(stable_again) << "no StableStudy after the SR arrived: "
                            << OrthancJson(orthanc, "/changes?limit=1000").ToString();
  ASSERT_GE(stable_events, 2u);
  std::vector<std::string> lines;
  ASSERT_TRUE(
      WaitUntil([&] { return (lines = RouteLines(orthanc, chest_id)).size() >= stable_events; },
                kTimeout, kPoll))
      << "the script logged " << lines.size() << " of " << stable_events << " stable events";
  EXPECT_EQ(lines.size(), stable_events);
  EXPECT_NE(
      lines.front().find("routing " + std::to_string(kChestSlices) + " instances of 1 series"),
      std::string::npos)
      << lines.front();
  EXPECT_NE(lines.back().find("nothing new to route (" + std::to_string(kChestSlices) +
                              " already routed"),
            std::string::npos)
      << lines.back();
  EXPECT_NE(lines.back().find("series not sent: SR x1"), std::string::npos) << lines.back();
  const std::vector<std::string> abdomen_lines = RouteLines(orthanc, abdomen_id);
  ASSERT_EQ(abdomen_lines.size(), 1u);
  EXPECT_NE(abdomen_lines[0].find("routing " + std::to_string(kAbdomenSlices) + " instances"),
            std::string::npos)
      << abdomen_lines[0];

  // Orthanc: one store job per study, both successful, 48 instances in all, nothing else sent.
  const std::vector<JsonValue> jobs = StoreJobs(orthanc);
  ASSERT_EQ(jobs.size(), 2u) << OrthancJson(orthanc, "/jobs?expand").ToString();
  std::int64_t instances_sent = 0;
  for (const JsonValue& job : jobs) {
    EXPECT_EQ(job["State"].AsString(), "Success") << job.ToString();
    EXPECT_EQ(job["Content"]["RemoteAet"].AsString(), kAlveoAet) << job.ToString();
    EXPECT_EQ(job["Content"]["FailedInstancesCount"].AsInt(), 0) << job.ToString();
    instances_sent += job["Content"]["InstancesCount"].AsInt();
  }
  EXPECT_EQ(instances_sent, static_cast<std::int64_t>(kChestSlices + kAbdomenSlices));

  // The images' study holds the CT series, all marked routed, and exactly one SR, never routed.
  const std::vector<JsonValue> ct_series = SeriesWithModality(orthanc, chest_id, "CT");
  ASSERT_EQ(ct_series.size(), 1u);
  EXPECT_EQ(ct_series[0]["Instances"].Size(), kChestSlices);
  EXPECT_EQ(RoutedInstances(orthanc, ct_series[0]), kChestSlices);
  const std::vector<JsonValue> sr_series = SeriesWithModality(orthanc, chest_id, "SR");
  ASSERT_EQ(sr_series.size(), 1u);
  ASSERT_EQ(sr_series[0]["Instances"].Size(), 1u) << sr_series[0].ToString();
  EXPECT_EQ(RoutedInstances(orthanc, sr_series[0]), 0u) << "the SR was routed back to alveo";
  EXPECT_EQ(OrthancJson(orthanc, "/studies").Size(), 2u) << "the SR made a study of its own";
  const std::string sr_id = sr_series[0]["Instances"].At(0).AsString();
  const JsonValue sr_tags = OrthancJson(orthanc, "/instances/" + sr_id + "/tags?simplify");
  EXPECT_EQ(sr_tags["SOPClassUID"].AsString(), kComprehensive3dSr);
  EXPECT_EQ(sr_tags["StudyInstanceUID"].AsString(), chest.study_uid);
  EXPECT_TRUE(SeriesWithModality(orthanc, abdomen_id, "SR").empty());

  // alveo: every image arrived exactly once; one SR, delivered to Orthanc.
  chest_in_alveo = AlveoStudy(alveo, chest.study_uid);
  EXPECT_EQ(chest_in_alveo["state"].AsString(), "processed") << chest_in_alveo.ToString();
  EXPECT_EQ(chest_in_alveo["version"].AsInt(), 1) << chest_in_alveo.ToString();
  EXPECT_EQ(chest_in_alveo["instance_count"].AsInt(), static_cast<std::int64_t>(kChestSlices));
  EXPECT_EQ(chest_in_alveo["result_status"].AsString(), "flagged") << chest_in_alveo.ToString();
  EXPECT_EQ(abdomen_in_alveo["instance_count"].AsInt(), static_cast<std::int64_t>(kAbdomenSlices));
  EXPECT_EQ(ReceivedOk(alveo), static_cast<double>(kChestSlices + kAbdomenSlices));
  EXPECT_EQ(Metric(alveo, "alveo_instances_duplicate_total"), 0.0);
  const JsonValue deliveries =
      ParseJson(alveo.Get("/api/v1/deliveries?study=" + chest.study_uid).body)["deliveries"];
  ASSERT_EQ(deliveries.Size(), 1u) << deliveries.ToString();
  EXPECT_EQ(deliveries.At(0)["state"].AsString(), "delivered") << deliveries.ToString();
  EXPECT_EQ(deliveries.At(0)["sop_instance_uid"].AsString(), sr_tags["SOPInstanceUID"].AsString());
  EXPECT_EQ(ParseJson(alveo.Get("/api/v1/deliveries?study=" + abdomen.study_uid).body)["deliveries"]
                .Size(),
            0u);

  const HttpResponse file = orthanc.Get("/instances/" + sr_id + "/file");
  ASSERT_EQ(file.status, 200) << file.Describe();
  const std::string sr_path = work.Path("sr.dcm");
  ASSERT_TRUE(WriteFile(sr_path, file.body));
  const ToolResult verified = RunTool({"dciodvfy", sr_path}, seconds(60));
  ASSERT_TRUE(verified.error.empty()) << verified.Describe();
  const std::string report = verified.stdout_text + verified.stderr_text;
  EXPECT_EQ(report.find("Error"), std::string::npos) << report;

  // Same storage, new Orthanc process (the runtime modality is registered again): a new series in
  // the routed abdomen study is sent alone; the first series keeps its metadata and stays put.
  ASSERT_EQ(orthanc.Stop(), 0) << orthanc.error();
  ASSERT_TRUE(orthanc.Start()) << orthanc.error();
  ASSERT_NO_FATAL_FAILURE(RegisterAlveo(orthanc, alveo));
  const SmallSeries late =
      WriteSmallCtSeries(work.MakeDir("abdomen-late"), static_cast<int>(kAbdomenSlices), "ABDOMEN",
                         std::nullopt, abdomen.study_uid);
  ASSERT_NO_FATAL_FAILURE(StoreAll(orthanc.dicom_port(), orthanc.ae_title(), late.files));
  ASSERT_EQ(OrthancStudyId(orthanc, abdomen.study_uid), abdomen_id);
  const std::string delivered_line =
      ": study " + abdomen_id + ": " + std::to_string(kAbdomenSlices) + " instances delivered";
  ASSERT_TRUE(WaitUntil([&] { return LogHas(orthanc, delivered_line); }, kTimeout, kPoll))
      << "the new series was not routed; script lines: " << RouteLines(orthanc, abdomen_id).size();
  const std::vector<std::string> late_lines = RouteLines(orthanc, abdomen_id);
  ASSERT_EQ(late_lines.size(), 1u);
  EXPECT_NE(
      late_lines[0].find("routing " + std::to_string(kAbdomenSlices) + " instances of 1 series"),
      std::string::npos)
      << late_lines[0];
  EXPECT_NE(late_lines[0].find("(" + std::to_string(kAbdomenSlices) + " already routed"),
            std::string::npos)
      << late_lines[0];
  ASSERT_TRUE(WaitUntil(
      [&] { return ReceivedOk(alveo) == static_cast<double>(kChestSlices + 2 * kAbdomenSlices); },
      kTimeout, kPoll))
      << "alveo received " << ReceivedOk(alveo).value_or(-1) << " instances";
  EXPECT_EQ(Metric(alveo, "alveo_instances_duplicate_total"), 0.0);
  EXPECT_TRUE(WaitUntil(
      [&] {
        abdomen_in_alveo = AlveoStudy(alveo, abdomen.study_uid);
        return abdomen_in_alveo["instance_count"].IsNumber() &&
               abdomen_in_alveo["instance_count"].AsInt() ==
                   static_cast<std::int64_t>(2 * kAbdomenSlices);
      },
      kTimeout, kPoll))
      << abdomen_in_alveo.ToString();
  EXPECT_EQ(SeriesWithModality(orthanc, chest_id, "SR").size(), 1u);

  EXPECT_EQ(alveo.Stop(), 0);
  EXPECT_EQ(orthanc.Stop(), 0) << orthanc.error();
}

// alveo serve is down when the first chest study becomes stable: the routing job fails and the
// script keeps the study. Once alveo runs, the next stable event of another study routes both, and
// both SRs come back into Orthanc.
TEST(OrthancRouteTest, AFailedRoutingIsRetriedAtTheNextStableStudy) {
  if (!OrthancServer::Available()) GTEST_SKIP() << "Orthanc not installed";
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir work("orthanc-route-retry");
  const std::vector<std::string> ct_args{"--kind", "diffuse", "--modality", "CT", "--rows", "256",
                                         "--cols", "256", "--slices", "40"};
  std::vector<std::string> second_args = ct_args;
  second_args.insert(second_args.end(), {"--seed", "77"});
  const Phantom first = MakePhantom(work.MakeDir("first"), ct_args);
  const Phantom second = MakePhantom(work.MakeDir("second"), second_args);
  ASSERT_EQ(first.files.size(), kChestSlices);
  ASSERT_NE(first.study_uid, second.study_uid);

  OrthancServerOptions orthanc_options;
  orthanc_options.lua_scripts = {ALVEO_ROUTE_LUA};
  orthanc_options.extra_config =
      std::string(R"("StableAge": 1, "UserMetadata": {"AlveoRouted": 4242}, )") +
      R"("AlveoRouting": {"Modality": ")" + kRouteModality + R"("})";
  OrthancServer orthanc(orthanc_options);
  ASSERT_TRUE(orthanc.Start()) << orthanc.error();
  ASSERT_NO_FATAL_FAILURE(RegisterTarget(orthanc, FreeTcpPort()));  // nothing listens there

  ASSERT_NO_FATAL_FAILURE(StoreAll(orthanc.dicom_port(), orthanc.ae_title(), first.files));
  const std::string first_id = OrthancStudyId(orthanc, first.study_uid);
  ASSERT_FALSE(first_id.empty());
  const std::string failed_line = "study " + first_id + ": ERROR: sending " + std::to_string(kChestSlices);
  ASSERT_TRUE(WaitUntil([&] { return LogHas(orthanc, failed_line); }, kTimeout, kPoll))
      << "the first routing job did not fail: " << OrthancJson(orthanc, "/jobs?expand").ToString();

  AlveoServer alveo(AlveoDeliveringTo(orthanc));
  ASSERT_TRUE(alveo.Start()) << alveo.error();
  ASSERT_NO_FATAL_FAILURE(RegisterAlveo(orthanc, alveo));
  ASSERT_NO_FATAL_FAILURE(StoreAll(orthanc.dicom_port(), orthanc.ae_title(), second.files));
  const std::string second_id = OrthancStudyId(orthanc, second.study_uid);
  ASSERT_FALSE(second_id.empty());

  const bool both_back = WaitUntil(
      [&] {
        return !SeriesWithModality(orthanc, first_id, "SR").empty() &&
               !SeriesWithModality(orthanc, second_id, "SR").empty();
      },
      kTimeout, kPoll);
  ASSERT_TRUE(both_back) << "first in alveo: " << AlveoStudy(alveo, first.study_uid).ToString()
                         << "\nsecond in alveo: " << AlveoStudy(alveo, second.study_uid).ToString()
                         << "\nOrthanc jobs: " << OrthancJson(orthanc, "/jobs?expand").ToString();
  EXPECT_TRUE(LogHas(orthanc, "study " + first_id + ": routing " + std::to_string(kChestSlices) +
                                  " instances of 1 series"))
      << "no retry line for the first study";
  EXPECT_TRUE(LogHas(orthanc, "retry after a failure"));
  EXPECT_EQ(AlveoStudy(alveo, first.study_uid)["instance_count"].AsInt(), static_cast<std::int64_t>(kChestSlices));
  EXPECT_EQ(AlveoStudy(alveo, second.study_uid)["instance_count"].AsInt(), static_cast<std::int64_t>(kChestSlices));
  const std::vector<JsonValue> ct_series = SeriesWithModality(orthanc, first_id, "CT");
  ASSERT_EQ(ct_series.size(), 1u);
  EXPECT_EQ(RoutedInstances(orthanc, ct_series[0]), kChestSlices);

  EXPECT_EQ(alveo.Stop(), 0);
  EXPECT_EQ(orthanc.Stop(), 0) << orthanc.error();
}

}  // namespace
}  // namespace alveo::testing
