// SPDX-License-Identifier: Apache-2.0
// ScanPaths: groups phantom studies found in nested folders, skips and reports what is not an
// image instance, and fails on paths that do not exist or cannot be read.
#include "dicom/study_scanner.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "unit/dicom/dicom_test_util.h"
#include <unistd.h>

namespace alveo::dicom {
namespace {

using testing::ScratchDir;

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

bool Skipped(const ScanReport& report, const std::string& name, const std::string& reason) {
  for (const SkippedFile& s : report.skipped) {
    if (std::filesystem::path(s.path).filename() == name && s.reason.rfind(reason, 0) == 0) {
      return true;
    }
  }
  return false;
}

TEST(StudyScannerTest, GroupsStudiesAndSkipsWhatIsNotAnImage) {
  ScratchDir root("scan");
  phantom::WriteOptions ct_options;
  ct_options.identity.study_instance_uid = "1.2.826.0.1.3680043.10.5.1";
  const auto ct_files = testing::WriteCt(testing::SmallCt(4, 32), ct_options, root / "b/ct");
  phantom::WriteOptions film_options;
  film_options.identity.study_instance_uid = "1.2.826.0.1.3680043.10.5.2";
  film_options.meta_header = false;  // a bare dataset is still found
  phantom::RadiographOptions film;
  film.columns = 64;
  film.rows = 80;
  const auto written = phantom::WriteRadiograph(film, film_options, root / "a/film");
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  WriteText(root / "README", "not DICOM\n");
  // A DICOMDIR: Part 10 header whose Media Storage SOP Class is the directory class.
  std::string dicomdir(128, '\0');
  dicomdir += "DICM";
  dicomdir += std::string("\x02\x00\x02\x00UI\x14\x00", 8) + "1.2.840.10008.1.3.10";
  WriteText(root / "DICOMDIR", dicomdir);
  // Reverse the CT file names so that sorting has to use the Instance Number.
  for (std::size_t i = 0; i < ct_files.size(); ++i) {
    std::string name = std::to_string(9 - i);
    name.insert(name.begin(), 'z');  // (not "z" + ...: GCC 12 -Wrestrict false positive)
    std::filesystem::rename(ct_files[i], root / "b/ct" / (name + ".dcm"));
  }

  ScanReport report;
  Result<std::vector<ScannedStudy>> studies =
      ScanPaths({root.path().string(), (root / "a").string()}, report);
  ASSERT_TRUE(studies.ok()) << studies.status().ToString();
  ASSERT_EQ(studies->size(), 2u);
  // By first path met: a/film/... before b/ct/...
  EXPECT_EQ((*studies)[0].study_instance_uid, "1.2.826.0.1.3680043.10.5.2");
  EXPECT_EQ((*studies)[1].study_instance_uid, "1.2.826.0.1.3680043.10.5.1");
  ASSERT_EQ((*studies)[0].instances.size(), 1u);
  EXPECT_EQ((*studies)[0].instances[0].meta.modality, "DX");
  const auto& ct = (*studies)[1].instances;
  ASSERT_EQ(ct.size(), 4u);
  for (std::size_t i = 0; i < ct.size(); ++i) {
    EXPECT_EQ(ct[i].meta.instance_number, static_cast<int>(i) + 1);
    EXPECT_EQ(ct[i].meta.modality, "CT");
  }
  EXPECT_EQ(report.instances, 5u);
  EXPECT_TRUE(Skipped(report, "README", "not DICOM"));
  EXPECT_TRUE(Skipped(report, "DICOMDIR", "DICOMDIR"));
  EXPECT_TRUE(Skipped(report, "truth.json", "not DICOM"));
  // a/ given twice (inside root and on its own): each file is examined once.
  EXPECT_EQ(report.files_examined, 4u + 2u /* truth.json */ + 1u + 1u + 1u);
}

TEST(StudyScannerTest, MissingPathIsAnError) {
  ScanReport report;
  const auto r = ScanPaths({"/nonexistent/alveo-scan"}, report);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/alveo-scan"), std::string::npos);
}

TEST(StudyScannerTest, UnreadableFileIsAnError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  ScratchDir root("scan-perm");
  WriteText(root / "secret.dcm", "x");
  std::filesystem::permissions(root / "secret.dcm", std::filesystem::perms::none);
  ScanReport report;
  const auto r = ScanPaths({root.path().string()}, report);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
  EXPECT_NE(r.status().message().find("secret.dcm"), std::string::npos);
}

TEST(StudyScannerTest, BrokenDicomIsSkippedWithItsReason) {
  ScratchDir root("scan-broken");
  const auto files =
      testing::WriteCt(testing::SmallCt(2, 32), phantom::WriteOptions{}, root.path());
  std::vector<std::uint8_t> bytes = testing::ReadBytes(files[1]);
  bytes.resize(400);  // inside the header: no study to put it in
  testing::WriteBytes(files[1], bytes);
  ScanReport report;
  const auto r = ScanPaths({root.path().string()}, report);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].instances.size(), 1u);
  EXPECT_TRUE(Skipped(report, "0002.dcm", "unreadable DICOM"));
}

TEST(StudyScannerTest, FileCutInsidePixelDataStaysInItsStudy) {
  // The header is complete, so the study must hear about it (decoding then reports corrupt pixel
  // data) rather than be analysed without it.
  ScratchDir root("scan-cut");
  const auto files =
      testing::WriteCt(testing::SmallCt(2, 32), phantom::WriteOptions{}, root.path());
  std::vector<std::uint8_t> bytes = testing::ReadBytes(files[1]);
  bytes.resize(bytes.size() - 500);
  testing::WriteBytes(files[1], bytes);
  ScanReport report;
  const auto r = ScanPaths({root.path().string()}, report);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].instances.size(), 2u);
  EXPECT_FALSE(Skipped(report, "0002.dcm", ""));
}

TEST(StudyScannerTest, EmptyFolderGivesNoStudies) {
  ScratchDir root("scan-empty");
  ScanReport report;
  const auto r = ScanPaths({root.path().string()}, report);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(report.files_examined, 0u);
}

}  // namespace
}  // namespace alveo::dicom
