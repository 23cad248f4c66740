// SPDX-License-Identifier: Apache-2.0
// Every DICOM file of the shared development data (../shared/data; skipped when absent) decodes
// without crashing: CT as single-slice series with plausible HU, radiographs as films, and
// everything else (SR, ...) fails with a clean Status.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dicom/instance_reader.h"
#include "dicom/pixel_decoder.h"
#include "dicom/study_scanner.h"

namespace alveo::dicom {
namespace {

namespace fs = std::filesystem;

fs::path SharedData() { return fs::path(ALVEO_SHARED_DATA_DIR); }

std::vector<std::string> DicomFiles() {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(SharedData())) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && ext == ".dcm") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool IsFilm(const InstanceMeta& meta) {
  const std::string& m = meta.modality;
  return meta.rows > 0 && (m == "CR" || m == "DX" || m == "OT" ||
                           meta.sop_class_uid.rfind("1.2.840.10008.5.1.4.1.1.7", 0) == 0);
}

struct HuStats {
  double air_fraction = 0.0;   // share of voxels in [-1100, -900]
  double soft_fraction = 0.0;  // share in [0, 80]
  int air_peak = 0;            // most frequent value in (-1020, -500) (10 HU bins; -1024 is the
                               // floor of padding / unsigned storage, not air)
  int fat_peak = 0;            // most frequent value in [-200, -50)
  int soft_peak = 0;           // most frequent value in [-50, 150)
  int min = 0, median = 0, max = 0;
};

int Peak(const std::vector<std::int16_t>& values, int low, int high) {
  std::vector<int> bins(static_cast<std::size_t>((high - low) / 10), 0);
  for (std::int16_t hu : values) {
    if (hu >= low && hu < high) ++bins[static_cast<std::size_t>((hu - low) / 10)];
  }
  return low + 10 * static_cast<int>(std::max_element(bins.begin(), bins.end()) - bins.begin()) + 5;
}

HuStats Stats(const Volume& v) {
  HuStats s;
  std::vector<std::int16_t> sorted = v.voxels;
  std::sort(sorted.begin(), sorted.end());
  s.min = sorted.front();
  s.max = sorted.back();
  s.median = sorted[sorted.size() / 2];
  for (std::int16_t hu : v.voxels) {
    if (hu >= -1100 && hu <= -900) s.air_fraction += 1.0;
    if (hu >= 0 && hu <= 80) s.soft_fraction += 1.0;
  }
  s.air_fraction /= static_cast<double>(v.voxels.size());
  s.soft_fraction /= static_cast<double>(v.voxels.size());
  s.air_peak = Peak(v.voxels, -1019, -499);
  s.fat_peak = Peak(v.voxels, -200, -50);
  s.soft_peak = Peak(v.voxels, -50, 150);
  return s;
}

TEST(SharedDataTest, EveryFileDecodesOrFailsCleanly) {
  if (!fs::is_directory(SharedData())) GTEST_SKIP() << SharedData() << " not present";
  int ct = 0, films = 0, others = 0;
  for (const std::string& path : DicomFiles()) {
    const std::string name = fs::relative(path, SharedData()).string();
    Result<InstanceMeta> meta = ReadInstanceMeta(path);
    ASSERT_TRUE(meta.ok()) << name << ": " << meta.status().ToString();
    if (meta->modality == "CT" && meta->rows > 0) {
      ++ct;
      Result<DecodedCt> d = DecodeCtSeriesWithReport({DicomSource::File(path)});
      ASSERT_TRUE(d.ok()) << name << ": " << d.status().ToString();
      const HuStats s = Stats(d->volume);
      std::printf(
          "  CT %-52s %-9.9s air %4.1f%% peak %5d | fat peak %4d | soft %4.1f%% peak %3d | "
          "min %5d median %5d max %4d | padding %llu\n",
          name.c_str(), meta->image_type.c_str(), 100.0 * s.air_fraction, s.air_peak, s.fat_peak,
          100.0 * s.soft_fraction, s.soft_peak, s.min, s.median, s.max,
          static_cast<unsigned long long>(d->report.padding_voxels));
      // Air near -1000 HU, fat near -100, soft tissue 0-80: both vendor conventions (GE signed,
      // intercept -1024, padding -2000; Siemens unsigned 12-bit, intercept -1024) give HU. A
      // wrong sign or intercept would move these peaks by hundreds or thousands of HU.
      // (Peaks are printed, not asserted: lung can outnumber outside air in a slice.)
      EXPECT_GE(s.fat_peak, -150) << name;
      EXPECT_LE(s.fat_peak, -50) << name;
      EXPECT_GT(s.air_fraction, 0.05) << name;
      EXPECT_GT(s.soft_fraction, 0.02) << name;
    } else if (IsFilm(*meta)) {
      ++films;
      Result<Radiograph> r = DecodeRadiograph(DicomSource::File(path));
      ASSERT_TRUE(r.ok()) << name << ": " << r.status().ToString();
      const auto [lo, hi] = std::minmax_element(r->image.pixels.begin(), r->image.pixels.end());
      std::printf("  XR %-44s %-11s %2d bits %4dx%-4d spacing %.3f view %-3s values %.0f..%.0f\n",
                  name.c_str(), r->photometric.c_str(), r->bits_stored, r->image.width,
                  r->image.height, r->spacing_x_mm, r->view_position.c_str(), *lo, *hi);
      EXPECT_LT(*lo, *hi) << name;
    } else {
      ++others;
      const Status film = DecodeRadiograph(DicomSource::File(path)).status();
      const Status volume = DecodeCtSeries({DicomSource::File(path)}).status();
      // SR, RWVM: no pixel data; SEG: 1-bit frames we do not decode.
      std::printf("  -- %-44s %-4s %s\n", name.c_str(), meta->modality.c_str(),
                  film.ToString().c_str());
      EXPECT_FALSE(film.ok()) << name;
      EXPECT_FALSE(volume.ok()) << name;
      EXPECT_TRUE(film.code() == ErrorCode::kCorruptPixelData ||
                  film.code() == ErrorCode::kUnsupportedEncoding)
          << name << ": " << film.ToString();
    }
  }
  std::printf("  %d CT slices, %d radiographs, %d non-image files\n", ct, films, others);
  EXPECT_GT(ct + films, 0);
}

TEST(SharedDataTest, MonochromeOneChestIsBrightWhereDense) {
  const fs::path file = SharedData() / "cxr/fodicom_CR-MONO1-10-chest.dcm";
  if (!fs::exists(file)) GTEST_SKIP() << file << " not present";
  Result<Radiograph> r = DecodeRadiograph(DicomSource::File(file.string()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->photometric, "MONOCHROME1");
  EXPECT_EQ(r->bits_stored, 10);
  EXPECT_EQ(r->image.width, 440);
  // After inversion the mediastinum (centre column, middle rows) is brighter than the lungs
  // (a quarter of the width to either side).
  auto mean = [&](int x0, int x1, int y0, int y1) {
    double sum = 0.0;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) sum += r->image.At(x, y);
    return sum / ((x1 - x0) * (y1 - y0));
  };
  const double mediastinum = mean(200, 240, 150, 250);
  const double right_lung = mean(90, 130, 150, 250);
  const double left_lung = mean(310, 350, 150, 250);
  std::printf("  MONOCHROME1 chest: mediastinum %.0f, lungs %.0f / %.0f\n", mediastinum, right_lung,
              left_lung);
  EXPECT_GT(mediastinum, right_lung);
  EXPECT_GT(mediastinum, left_lung);
}

TEST(SharedDataTest, ScannerFindsTheStudies) {
  if (!fs::is_directory(SharedData())) GTEST_SKIP() << SharedData() << " not present";
  ScanReport report;
  Result<std::vector<ScannedStudy>> studies = ScanPaths({SharedData().string()}, report);
  ASSERT_TRUE(studies.ok()) << studies.status().ToString();
  std::printf("  %zu studies, %zu instances, %zu files skipped\n", studies->size(),
              report.instances, report.skipped.size());
  for (const SkippedFile& s : report.skipped)
    std::printf("    skipped %s: %s\n", s.path.c_str(), s.reason.c_str());
  EXPECT_GT(studies->size(), 5u);
}

}  // namespace
}  // namespace alveo::dicom
