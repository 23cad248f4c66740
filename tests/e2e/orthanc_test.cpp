// SPDX-License-Identifier: Apache-2.0
// Orthanc as the hospital PACS: a chest CT phantom is stored into a real Orthanc (Debian package
// `orthanc`) and into `alveo serve`, whose destination is that Orthanc. The Structured Report alveo
// delivers must join the images' study in Orthanc (one study, one patient, a second series with
// Modality SR, Comprehensive 3D SR, the same PatientID and PatientName, also for a UTF-8 name), and
// alveo's delivery API must list it as delivered. Skipped when /usr/sbin/Orthanc is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "e2e_util.h"
#include "support/alveo_server.h"
#include "support/dicom_tools.h"
#include "support/http_client.h"
#include "support/net_util.h"
#include "support/orthanc_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

using std::chrono::seconds;

constexpr char kUtf8Name[] = "Müller^Jürgen";
constexpr auto kSrTimeout = seconds(120);

// `alveo phantom`: a diffuse chest CT of 60 slices of 256x256, 5 mm apart, into `dir`.
Phantom ChestCt(const std::string& dir, const std::vector<std::string>& extra_args) {
  std::vector<std::string> args{"--kind", "diffuse", "--modality", "CT", "--rows", "256", "--cols", "256",
                                "--slices", "60", "--slice-spacing", "5"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return MakePhantom(dir, args);
}

// The study's deliveries as alveo's API lists them.
JsonValue Deliveries(const AlveoServer& server, const std::string& study_uid) {
  const HttpResponse response = server.Get("/api/v1/deliveries?study=" + study_uid);
  EXPECT_EQ(response.status, 200) << response.Describe() << response.error;
  return ParseJson(response.body)["deliveries"];
}

// What Orthanc holds after alveo delivered its SR for the phantom.
struct PacsView {
  JsonValue ct_tags;  // /instances/{first CT instance}/tags?simplify
  JsonValue sr_tags;  // /instances/{SR instance}/tags?simplify
};

class OrthancTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
    if (!OrthancServer::Available()) {
      GTEST_SKIP() << "Orthanc not installed (" << OrthancServer::BinaryPath()
                   << " is missing; Debian package `orthanc`, see deploy/install-deps.sh --tests)";
    }
  }

  // Stores the phantom into Orthanc (the PACS has the images) and into alveo serve (destination:
  // that Orthanc), waits until alveo reports the SR delivered, and checks that Orthanc filed it in
  // the images' study. Fills *view with the CT's and the SR's tags as Orthanc returns them.
  void DeliverThroughOrthanc(const Phantom& phantom, PacsView* view) {
    ASSERT_FALSE(phantom.files.empty());
    ASSERT_FALSE(phantom.study_uid.empty());
    OrthancServer orthanc;
    ASSERT_TRUE(orthanc.Start()) << orthanc.error();
    ASSERT_NO_FATAL_FAILURE(StoreAll(orthanc.dicom_port(), orthanc.ae_title(), phantom.files));
    ASSERT_EQ(OrthancJson(orthanc, "/studies").Size(), 1u) << "the CT is not in Orthanc";

    AlveoServer server(AlveoDeliveringTo(orthanc));
    ASSERT_TRUE(server.Start()) << server.error();
    ASSERT_NO_FATAL_FAILURE(StoreAll(server.dicom_port(), "ALVEO", phantom.files));

    // Delivered, or given up (dead), or no SR at all (the study failed): stop polling in each
    // case and look at the state.
    JsonValue deliveries;
    JsonValue study_state;
    const bool settled = WaitUntil(
        [&] {
          deliveries = Deliveries(server, phantom.study_uid);
          for (std::size_t i = 0; i < deliveries.Size(); ++i) {
            const std::string state = deliveries.At(i)["state"].AsString();
            if (state == "delivered" || state == "dead") return true;
          }
          const HttpResponse study = server.Get("/api/v1/studies/" + phantom.study_uid);
          if (study.status != 200) return false;
          study_state = ParseJson(study.body);
          return study_state["state"].IsString() && study_state["state"].AsString() == "failed";
        },
        kSrTimeout, std::chrono::milliseconds(100));
    ASSERT_TRUE(settled) << "no SR delivered to Orthanc within " << kSrTimeout.count()
                         << " s; deliveries: " << deliveries.ToString()
                         << "; study: " << study_state.ToString();
    ASSERT_GT(deliveries.Size(), 0u) << "alveo produced no SR; study: " << study_state.ToString();
    ASSERT_EQ(deliveries.Size(), 1u) << deliveries.ToString();
    const JsonValue delivery = deliveries.At(0);
    EXPECT_EQ(delivery["state"].AsString(), "delivered") << delivery.ToString();
    EXPECT_EQ(delivery["destination"].AsString(), "orthanc");
    EXPECT_EQ(delivery["ae_title"].AsString(), orthanc.ae_title());
    EXPECT_EQ(delivery["port"].AsInt(), orthanc.dicom_port());
    const std::string sr_uid = delivery["sop_instance_uid"].AsString();

    // Orthanc answered the C-STORE after indexing the SR, so it is visible now. Orthanc's study
    // identifier hashes PatientID and StudyInstanceUID: an SR with another PatientID would make a
    // second study (and a second patient) even with the same StudyInstanceUID.
    const JsonValue patients = OrthancJson(orthanc, "/patients");
    EXPECT_EQ(patients.Size(), 1u) << patients.ToString();
    const JsonValue studies = OrthancJson(orthanc, "/studies");
    ASSERT_EQ(studies.Size(), 1u) << "the SR did not join the images' study: " << studies.ToString();
    const JsonValue study = OrthancJson(orthanc, "/studies/" + studies.At(0).AsString());
    EXPECT_EQ(study["MainDicomTags"]["StudyInstanceUID"].AsString(), phantom.study_uid);
    const JsonValue series_ids = study["Series"];
    ASSERT_EQ(series_ids.Size(), 2u) << study.ToString();

    std::vector<JsonValue> sr_series;
    std::vector<JsonValue> ct_series;
    for (std::size_t i = 0; i < series_ids.Size(); ++i) {
      const JsonValue series = OrthancJson(orthanc, "/series/" + series_ids.At(i).AsString());
      const std::string modality = series["MainDicomTags"]["Modality"].AsString();
      (modality == "SR" ? sr_series : ct_series).push_back(series);
      if (modality != "SR") {
        EXPECT_EQ(modality, "CT") << series.ToString();
      }
    }
    ASSERT_EQ(sr_series.size(), 1u) << "no series with Modality SR: " << study.ToString();
    ASSERT_EQ(ct_series.size(), 1u);
    ASSERT_EQ(sr_series[0]["Instances"].Size(), 1u) << sr_series[0].ToString();
    EXPECT_EQ(ct_series[0]["Instances"].Size(), phantom.files.size());

    const std::string sr_instance = sr_series[0]["Instances"].At(0).AsString();
    const std::string ct_instance = ct_series[0]["Instances"].At(0).AsString();
    view->sr_tags = OrthancJson(orthanc, "/instances/" + sr_instance + "/tags?simplify");
    view->ct_tags = OrthancJson(orthanc, "/instances/" + ct_instance + "/tags?simplify");
    EXPECT_EQ(view->sr_tags["SOPClassUID"].AsString(), kComprehensive3dSr);
    EXPECT_EQ(view->sr_tags["SOPInstanceUID"].AsString(), sr_uid)
        << "Orthanc holds another SR than the one alveo reports delivered";
    EXPECT_EQ(view->sr_tags["StudyInstanceUID"].AsString(), phantom.study_uid);
    EXPECT_NE(view->sr_tags["SeriesInstanceUID"].AsString(),
              view->ct_tags["SeriesInstanceUID"].AsString());
    EXPECT_EQ(view->sr_tags["PatientID"].AsString(), view->ct_tags["PatientID"].AsString());
    EXPECT_EQ(view->sr_tags["PatientName"].AsString(), view->ct_tags["PatientName"].AsString());

    EXPECT_EQ(server.Stop(), 0);
    EXPECT_EQ(orthanc.Stop(), 0) << orthanc.error();
  }

  TempDir dir_;
};

TEST_F(OrthancTest, SrJoinsTheImagesStudyInOrthanc) {
  const Phantom phantom = ChestCt(dir_.Path("ct"), {"--seed", "21"});
  ASSERT_EQ(phantom.files.size(), 60u);
  PacsView view;
  ASSERT_NO_FATAL_FAILURE(DeliverThroughOrthanc(phantom, &view));
  EXPECT_FALSE(view.ct_tags["PatientID"].AsString().empty()) << view.ct_tags.ToString();
  EXPECT_FALSE(view.ct_tags["PatientName"].AsString().empty()) << view.ct_tags.ToString();
}

TEST_F(OrthancTest, Utf8PatientNameSurvivesThePacs) {
  const Phantom phantom = ChestCt(
      dir_.Path("ct"), {"--seed", "22", "--charset", "ISO_IR 192", "--patient-name", kUtf8Name});
  ASSERT_EQ(phantom.files.size(), 60u);
  PacsView view;
  ASSERT_NO_FATAL_FAILURE(DeliverThroughOrthanc(phantom, &view));
  // Orthanc decodes every string with the instance's Specific Character Set and answers UTF-8:
  // a wrong or missing character set in the SR would show here as a different name.
  EXPECT_EQ(view.ct_tags["PatientName"].AsString(), kUtf8Name) << view.ct_tags.ToString();
  EXPECT_EQ(view.sr_tags["PatientName"].AsString(), kUtf8Name) << view.sr_tags.ToString();
  EXPECT_EQ(view.sr_tags["SpecificCharacterSet"].AsString(),
            view.ct_tags["SpecificCharacterSet"].AsString());
}

}  // namespace
}  // namespace alveo::testing
