// SPDX-License-Identifier: Apache-2.0
#include "e2e_util.h"
#include "support/process.h"
#include "support/dicom_tools.h"
#include <gtest/gtest.h>
#include <algorithm>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <filesystem>

#include "support/net_util.h"
#include "support/temp_dir.h"

namespace alveo::testing {

std::string NewTestUid() {
  char uid[100];
  dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
  return uid;
}

SmallSeries WriteSmallCtSeries(const std::string& dir, int slices, const std::string& body_part,
                               std::optional<int> skip, const std::string& study_uid) {
  std::filesystem::create_directories(dir);
  SmallSeries series;
  series.study_uid = study_uid.empty() ? NewTestUid() : study_uid;
  series.series_uid = NewTestUid();
  std::vector<Uint16> pixels(32 * 32);
  for (int i = 0; i < slices; ++i) {
    if (skip && *skip == i) continue;
    const std::string sop = NewTestUid();
    DcmFileFormat file;
    DcmDataset* ds = file.getDataset();
    ds->putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
    ds->putAndInsertString(DCM_SOPClassUID, UID_CTImageStorage);
    ds->putAndInsertString(DCM_SOPInstanceUID, sop.c_str());
    ds->putAndInsertString(DCM_StudyInstanceUID, series.study_uid.c_str());
    ds->putAndInsertString(DCM_SeriesInstanceUID, series.series_uid.c_str());
    ds->putAndInsertString(DCM_FrameOfReferenceUID, series.study_uid.c_str());
    ds->putAndInsertString(DCM_PatientName, "E2E^Test");
    ds->putAndInsertString(DCM_PatientID, "E2E");
    ds->putAndInsertString(DCM_StudyDate, "20261127");
    ds->putAndInsertString(DCM_AccessionNumber, "ACC42");
    ds->putAndInsertString(DCM_Modality, "CT");
    ds->putAndInsertString(DCM_BodyPartExamined, body_part.c_str());
    ds->putAndInsertString(DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL");
    ds->putAndInsertString(DCM_InstanceNumber, std::to_string(i + 1).c_str());
    ds->putAndInsertString(DCM_AcquisitionNumber, "1");
    ds->putAndInsertString(DCM_ImagePositionPatient, ("-16\\-16\\" + std::to_string(-2.5 * i)).c_str());
    ds->putAndInsertString(DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
    ds->putAndInsertString(DCM_PixelSpacing, "1\\1");
    ds->putAndInsertString(DCM_SliceThickness, "2.5");
    ds->putAndInsertString(DCM_RescaleIntercept, "-1024");
    ds->putAndInsertString(DCM_RescaleSlope, "1");
    ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
    ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
    ds->putAndInsertUint16(DCM_Rows, 32);
    ds->putAndInsertUint16(DCM_Columns, 32);
    ds->putAndInsertUint16(DCM_BitsAllocated, 16);
    ds->putAndInsertUint16(DCM_BitsStored, 12);
    ds->putAndInsertUint16(DCM_HighBit, 11);
    ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
    for (std::size_t p = 0; p < pixels.size(); ++p) pixels[p] = static_cast<Uint16>((p * 7 + i * 13) % 4096);
    ds->putAndInsertUint16Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size()));
    const std::string path = dir + "/" + std::to_string(1000 + i) + ".dcm";
    file.saveFile(path.c_str(), EXS_LittleEndianExplicit);
    series.files.push_back(path);
    series.sop_uids.push_back(sop);
  }
  return series;
}

std::string WriteBareDataset(const std::string& part10_file, const std::string& out_path) {
  DcmFileFormat file;
  file.loadFile(part10_file.c_str());
  file.getDataset()->saveFile(out_path.c_str(), EXS_LittleEndianExplicit);
  return out_path;
}

bool StateIs(const JsonValue& study, const std::string& state) {
  return study.IsObject() && study.Get("state").IsString() && study.Get("state").AsString() == state;
}

std::optional<JsonValue> WaitForStudy(AlveoServer& server, const std::string& uid,
                                      const std::function<bool(const JsonValue&)>& accept,
                                      std::chrono::milliseconds timeout) {
  JsonValue last;
  const bool ok = WaitUntil(
      [&] {
        const HttpResponse response = server.Get("/api/v1/studies/" + uid);
        if (response.status != 200) return false;
        last = ParseJson(response.body);
        return accept(last);
      },
      timeout);
  if (!ok) return std::nullopt;
  return last;
}

std::optional<std::vector<unsigned char>> PixelBytes(const std::string& file) {
  DcmFileFormat format;
  if (format.loadFile(file.c_str()).bad()) return std::nullopt;
  const Uint8* data = nullptr;
  unsigned long count = 0;
  if (format.getDataset()->findAndGetUint8Array(DCM_PixelData, data, &count).bad() || data == nullptr) {
    return std::nullopt;
  }
  return std::vector<unsigned char>(data, data + count);
}

std::vector<std::string> StoredInstanceFiles(const AlveoServer& server) {
  std::vector<std::string> instances;
  for (auto& file : ListFilesRecursive(server.data_dir() + "/studies", ".dcm")) {
    // Alveo's own reports (sr-v<N>.dcm) live in the study folder too; they are not received data.
    if (std::filesystem::path(file).filename().string().rfind("sr-", 0) == 0) continue;
    instances.push_back(std::move(file));
  }
  return instances;
}

std::string SopInstanceUidOf(const std::string& file) {
  DcmFileFormat format;
  OFString uid;
  if (format.loadFile(file.c_str()).good()) format.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid);
  return uid.c_str();
}

Phantom MakePhantom(const std::string& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv{AlveoServer::BinaryPath(), "phantom", "--out", dir, "--threads", "2"};
  argv.insert(argv.end(), args.begin(), args.end());
  const ToolResult made = RunTool(argv, std::chrono::seconds(120));
  EXPECT_EQ(made.exit_code, 0) << made.Describe();
  Phantom phantom{dir, ListFilesRecursive(dir, ".dcm"), ""};
  std::sort(phantom.files.begin(), phantom.files.end());
  if (!phantom.files.empty()) phantom.study_uid = DicomTagValue(phantom.files[0], "StudyInstanceUID").value_or("");
  return phantom;
}

void StoreAll(int port, const std::string& called_ae, const std::vector<std::string>& files) {
  StorescuOptions options;
  options.ae.called_ae = called_ae;
  const ToolResult sent = RunStorescu(port, files, options);
  ASSERT_EQ(sent.exit_code, 0) << sent.Describe();
  ASSERT_EQ(CountSuccesses(ParseStoreResponses(sent.stdout_text + "\n" + sent.stderr_text)), files.size())
      << sent.Describe();
}

AlveoServerOptions AlveoDeliveringTo(const OrthancServer& orthanc) {
  AlveoServerOptions options;
  options.extra_args = {"--quiet-period", "1", "--destination",
                        "orthanc=" + orthanc.ae_title() + "@" + kLoopback + ":" + std::to_string(orthanc.dicom_port())};
  return options;
}

JsonValue OrthancJson(const OrthancServer& orthanc, const std::string& path) {
  return orthanc.GetJson(path).value_or(JsonValue());
}

std::string OrthancStudyId(const OrthancServer& orthanc, const std::string& study_uid) {
  const HttpResponse found =
      HttpRequest("POST", orthanc.http_port(), "/tools/lookup", study_uid, {{"Content-Type", "text/plain"}});
  if (found.status != 200) return "";
  const JsonValue hits = ParseJson(found.body);
  return hits.Size() == 1 ? hits.At(0)["ID"].AsString() : "";
}

}  // namespace alveo::testing
