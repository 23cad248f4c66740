// SPDX-License-Identifier: Apache-2.0
// Malformed input reaches `alveo serve` through real DICOM associations: every case is answered with a
// failure status that names the reason, nothing of it is stored, and the server keeps serving.
#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <filesystem>
#include <fstream>

#include "e2e_util.h"
#include "support/dicom_tools.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

constexpr char kCtClass[] = "1.2.840.10008.5.1.4.1.1.2";

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
    ASSERT_TRUE(server_.Start()) << server_.error();
    series_ = WriteSmallCtSeries(dir_.Path("valid"), 2);
  }

  // Sends `bytes` as the dataset of one C-STORE whose command names `sop_class`/`sop_instance`.
  RawStoreStatus SendRaw(const std::string& bytes, const std::string& sop_instance, const std::string& sop_class = kCtClass) {
    const std::string path = dir_.Path("raw-" + std::to_string(++counter_) + ".bin");
    EXPECT_TRUE(WriteFile(path, bytes));
    RawStoreOptions options;
    options.sop_class_uid = sop_class;
    options.sop_instance_uid = sop_instance;
    const ToolResult result = RunRawStorescu(server_.dicom_port(), path, options);
    EXPECT_EQ(result.exit_code, kRawStoreCompleted) << result.Describe();
    const auto statuses = ParseRawStoreStatuses(result.stdout_text);
    EXPECT_EQ(statuses.size(), 1u) << result.Describe();
    return statuses.empty() ? RawStoreStatus{} : statuses.front();
  }

  // A valid dataset (no meta header) with one attribute changed by `edit`.
  std::string Tampered(const std::function<void(DcmDataset&)>& edit) {
    DcmFileFormat file;
    file.loadFile(series_.files[0].c_str());
    edit(*file.getDataset());
    const std::string path = dir_.Path("tampered-" + std::to_string(++counter_) + ".bin");
    file.getDataset()->saveFile(path.c_str(), EXS_LittleEndianExplicit);
    return *ReadFile(path);
  }

  void ExpectStillServing() {
    EXPECT_TRUE(RunEchoscu(server_.dicom_port()).ok());
    const ToolResult store = RunStorescu(server_.dicom_port(), {series_.files[1]});
    EXPECT_EQ(CountSuccesses(ParseStoreResponses(store.stderr_text)), 1u) << store.Describe();
  }

  TempDir dir_;
  AlveoServer server_;
  SmallSeries series_;
  int counter_ = 0;
};

TEST_F(BadInputTest, GarbageBytesAreRefusedAsUnparseable) {
  const RawStoreStatus status = SendRaw(std::string(4096, '\x7f') + "not dicom at all", "1.2.3.4");
  EXPECT_EQ(status.status, 0xC000);
  EXPECT_NE(status.comment.find("unparseable"), std::string::npos) << status.comment;
  EXPECT_TRUE(StoredInstanceFiles(server_).empty());
  ExpectStillServing();
}

TEST_F(BadInputTest, TruncatedDatasetIsRefused) {
  const std::string whole = Tampered([](DcmDataset&) {});
  const RawStoreStatus status = SendRaw(whole.substr(0, whole.size() - 700), series_.sop_uids[0]);
  EXPECT_EQ(status.status, 0xC000) << status.comment;
  EXPECT_TRUE(StoredInstanceFiles(server_).empty());
  ExpectStillServing();
}

TEST_F(BadInputTest, MissingUidsAreRefusedWithTheirName) {
  const RawStoreStatus no_sop =
      SendRaw(Tampered([](DcmDataset& ds) { ds.findAndDeleteElement(DCM_SOPInstanceUID); }), series_.sop_uids[0]);
  EXPECT_EQ(no_sop.status, 0xC001);
  EXPECT_NE(no_sop.comment.find("SOPInstanceUID"), std::string::npos) << no_sop.comment;
  const RawStoreStatus no_study =
      SendRaw(Tampered([](DcmDataset& ds) { ds.findAndDeleteElement(DCM_StudyInstanceUID); }), series_.sop_uids[0]);
  EXPECT_EQ(no_study.status, 0xC001);
  EXPECT_NE(no_study.comment.find("StudyInstanceUID"), std::string::npos) << no_study.comment;
  EXPECT_TRUE(StoredInstanceFiles(server_).empty());
  ExpectStillServing();
}

TEST_F(BadInputTest, HostileUidsAreRefusedAndNothingEscapesTheDataFolder) {
  const RawStoreStatus sop = SendRaw(
      Tampered([](DcmDataset& ds) { ds.putAndInsertString(DCM_SOPInstanceUID, "../../x"); }), "../../x");
  EXPECT_EQ(sop.status, 0xC002) << sop.comment;
  const RawStoreStatus study = SendRaw(
      Tampered([](DcmDataset& ds) { ds.putAndInsertString(DCM_StudyInstanceUID, "../../../../tmp/evil"); }),
      series_.sop_uids[0]);
  EXPECT_EQ(study.status, 0xC002) << study.comment;
  EXPECT_TRUE(StoredInstanceFiles(server_).empty());
  EXPECT_FALSE(std::filesystem::exists(server_.work_dir() + "/x"));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(server_.data_dir()).parent_path() / "x"));
  ExpectStillServing();
}

TEST_F(BadInputTest, DatasetThatContradictsItsCommandIsRefused) {
  const std::string valid = Tampered([](DcmDataset&) {});
  const RawStoreStatus wrong_class = SendRaw(valid, series_.sop_uids[0], UID_ComputedRadiographyImageStorage);
  EXPECT_EQ(wrong_class.status, 0xA900) << wrong_class.comment;
  const RawStoreStatus wrong_instance = SendRaw(valid, "1.2.3.999");
  EXPECT_EQ(wrong_instance.status, 0xC003) << wrong_instance.comment;
  EXPECT_TRUE(StoredInstanceFiles(server_).empty());
  ExpectStillServing();
}

TEST_F(BadInputTest, DuplicateInstanceIsStoredOnceAndAnsweredSuccess) {
  for (int round = 0; round < 2; ++round) {
    const ToolResult store = RunStorescu(server_.dicom_port(), {series_.files[0]});
    EXPECT_EQ(CountSuccesses(ParseStoreResponses(store.stderr_text)), 1u) << store.Describe();
  }
  EXPECT_EQ(StoredInstanceFiles(server_).size(), 1u);
  const auto study = WaitForStudy(server_, series_.study_uid, [](const JsonValue& s) {
    return s.Get("instance_count").AsInt() == 1;
  });
  ASSERT_TRUE(study.has_value());
}

}  // namespace
}  // namespace alveo::testing
