// SPDX-License-Identifier: Apache-2.0
// DecodeCtSeries on hand-made datasets: stored-value layout (Bits Stored, High Bit, sign),
// padding, rescale and clamping; and every way a series can be rejected.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include "dicom/pixel_decoder.h"
#include "unit/dicom/dicom_test_util.h"

namespace alveo::dicom {
namespace {

using testing::ScratchDir;
using testing::SyntheticImage;
using testing::Words;
using testing::WriteSynthetic;

// One 4x1 slice with the given words; decodes it and returns the HU.
struct Decoded {
  Status status;
  std::vector<std::int16_t> hu;
  CtDecodeReport report;
};

Decoded DecodeOne(SyntheticImage image, const std::vector<std::uint16_t>& words) {
  ScratchDir dir("pixels");
  image.rows = 1;
  image.columns = static_cast<int>(words.size());
  image.pixels = Words(words);
  WriteSynthetic(image, dir / "a.dcm");
  Result<DecodedCt> d = DecodeCtSeriesWithReport({DicomSource::File((dir / "a.dcm").string())});
  Decoded out;
  if (!d.ok()) {
    out.status = d.status();
    return out;
  }
  out.hu = d->volume.voxels;
  out.report = d->report;
  return out;
}

std::function<void(DcmDataset&)> Rescale(const char* slope, const char* intercept) {
  return [=](DcmDataset& ds) {
    ds.putAndInsertString(DCM_RescaleSlope, slope);
    ds.putAndInsertString(DCM_RescaleIntercept, intercept);
  };
}

TEST(CtPixelsTest, UnsignedTwelveBitsIgnoreHighBitsAndRescale) {
  SyntheticImage image;
  image.bits_stored = 12;
  image.high_bit = 11;
  image.extra = Rescale("1", "-1024");
  // 0xF000 bits are not part of the stored value (overlay garbage, PS3.5 8.1.1).
  const Decoded d = DecodeOne(image, {0, 1024, 0xF000 | 1064, 4095});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.hu, (std::vector<std::int16_t>{-1024, 0, 40, 3071}));
}

TEST(CtPixelsTest, SignedTwelveBitsAreSignExtended) {
  SyntheticImage image;
  image.bits_stored = 12;
  image.high_bit = 11;
  image.pixel_representation = 1;
  image.extra = Rescale("1", "0");
  // 0x0FFF = -1 in 12-bit two's complement; 0x0C18 = -1000; 0x07FF = 2047; high bits ignored.
  const Decoded d = DecodeOne(image, {0x0FFF, 0x0C18, 0x07FF, 0xF000 | 40});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.hu, (std::vector<std::int16_t>{-1, -1000, 2047, 40}));
}

TEST(CtPixelsTest, HighBitBelowTheTopShiftsTheValue) {
  SyntheticImage image;
  image.bits_stored = 12;
  image.high_bit = 15;  // stored value in bits 4..15
  image.extra = Rescale("1", "-1024");
  const Decoded d = DecodeOne(image, {1024 << 4, (1064 << 4) | 0xF, 0, 4095 << 4});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.hu, (std::vector<std::int16_t>{0, 40, -1024, 3071}));
}

TEST(CtPixelsTest, GeSignedPaddingBecomesAir) {
  SyntheticImage image;
  image.pixel_representation = 1;
  image.extra = [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_RescaleSlope, "1");
    ds.putAndInsertString(DCM_RescaleIntercept, "-1024");
    ds.putAndInsertSint16(DCM_PixelPaddingValue, -2000);
  };
  const auto pad = static_cast<std::uint16_t>(-2000);
  const Decoded d = DecodeOne(image, {pad, 0, 1064, pad});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.hu, (std::vector<std::int16_t>{-1024, -1024, 40, -1024}));
  EXPECT_EQ(d.report.padding_voxels, 2u);
}

TEST(CtPixelsTest, PaddingRangeLimitCoversARange) {
  SyntheticImage image;
  image.bits_stored = 12;
  image.high_bit = 11;
  image.extra = [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_RescaleIntercept, "-1024");
    ds.putAndInsertString(DCM_RescaleSlope, "1");
    ds.putAndInsertUint16(DCM_PixelPaddingValue, 10);
    ds.putAndInsertUint16(DCM_PixelPaddingRangeLimit, 0);
  };
  const Decoded d = DecodeOne(image, {0, 5, 10, 11});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.hu, (std::vector<std::int16_t>{-1024, -1024, -1024, -1013}));
  EXPECT_EQ(d.report.padding_voxels, 3u);
}

TEST(CtPixelsTest, PaddingValueOutsideBitsStoredMatchesTheRawWord) {
  SyntheticImage image;
  image.bits_stored = 12;
  image.high_bit = 11;
  image.extra = [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_RescaleIntercept, "-1024");
    ds.putAndInsertUint16(DCM_PixelPaddingValue, 0xF830);  // -2000 written into 16 bits
  };
  const Decoded d = DecodeOne(image, {0xF830, 0x0830, 1024, 1024});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.hu, (std::vector<std::int16_t>{-1024, 0x830 - 1024, 0, 0}));
  EXPECT_EQ(d.report.padding_voxels, 1u);
}

TEST(CtPixelsTest, FractionalRescaleRoundsAndOutOfRangeClamps) {
  SyntheticImage image;
  image.extra = Rescale("2.5", "-1000.25");
  const Decoded d = DecodeOne(image, {0, 401, 20000, 65535});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.hu, (std::vector<std::int16_t>{-1000, 2, 32767, 32767}));
  EXPECT_EQ(d.report.clamped_voxels, 2u);
}

TEST(CtPixelsTest, EightBitCtDecodes) {
  ScratchDir dir("eight");
  SyntheticImage image;
  image.bits_allocated = image.bits_stored = 8;
  image.high_bit = 7;
  image.rows = 1;
  image.columns = 4;
  image.pixels = {0, 1, 100, 255};
  image.extra = Rescale("10", "-1000");
  WriteSynthetic(image, dir / "a.dcm");
  const Result<Volume> v = DecodeCtSeries({DicomSource::File((dir / "a.dcm").string())});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->voxels, (std::vector<std::int16_t>{-1000, -990, 0, 1550}));
}

TEST(CtPixelsTest, SingleSliceUsesThicknessForZSpacing) {
  SyntheticImage image;
  image.extra = [](DcmDataset& ds) { ds.putAndInsertString(DCM_SliceThickness, "3.75"); };
  ScratchDir dir("single");
  image.pixels = Words(std::vector<std::uint16_t>(16, 1000));
  WriteSynthetic(image, dir / "a.dcm");
  const Result<Volume> v = DecodeCtSeries({DicomSource::File((dir / "a.dcm").string())});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_DOUBLE_EQ(v->geometry.spacing[2], 3.75);
  EXPECT_DOUBLE_EQ(v->geometry.spacing[0], 0.7);
  EXPECT_EQ(v->geometry.origin, (Vec3{-10, -20, 0}));
}

// --- rejected series --------------------------------------------------------------------------

std::string WriteSlice(const ScratchDir& dir, const std::string& name, SyntheticImage image) {
  if (image.pixels.empty()) {
    image.pixels = Words(std::vector<std::uint16_t>(
        static_cast<std::size_t>(image.rows * image.columns * image.samples_per_pixel), 1024));
  }
  WriteSynthetic(image, dir / name);
  return (dir / name).string();
}

Status DecodeFiles(const std::vector<std::string>& files) {
  std::vector<DicomSource> sources;
  for (const std::string& f : files) sources.push_back(DicomSource::File(f));
  return DecodeCtSeries(sources).status();
}

TEST(CtRejectTest, EmptyInput) {
  EXPECT_EQ(DecodeCtSeries({}).status().code(), ErrorCode::kInvalidArgument);
}

TEST(CtRejectTest, InconsistentRowsColumns) {
  ScratchDir dir("rows");
  SyntheticImage a;
  SyntheticImage b;
  b.position_z = 1.0;
  b.rows = 6;
  const Status s = DecodeFiles({WriteSlice(dir, "a.dcm", a), WriteSlice(dir, "b.dcm", b)});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("b.dcm"), std::string::npos) << s.message();
}

TEST(CtRejectTest, InconsistentOrientation) {
  ScratchDir dir("orientation");
  SyntheticImage a;
  SyntheticImage b;
  b.position_z = 1.0;
  b.extra = [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_ImageOrientationPatient, "-1\\0\\0\\0\\-1\\0");
  };
  const Status s = DecodeFiles({WriteSlice(dir, "a.dcm", a), WriteSlice(dir, "b.dcm", b)});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("ImageOrientationPatient"), std::string::npos) << s.message();
}

TEST(CtRejectTest, DuplicatePositions) {
  ScratchDir dir("duplicate");
  SyntheticImage a;
  const Status s = DecodeFiles({WriteSlice(dir, "a.dcm", a), WriteSlice(dir, "b.dcm", a)});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("share the slice position"), std::string::npos) << s.message();
}

TEST(CtRejectTest, MissingGeometry) {
  ScratchDir dir("nogeometry");
  SyntheticImage a;
  a.ct_geometry = false;
  const Status s = DecodeFiles({WriteSlice(dir, "a.dcm", a)});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("ImagePositionPatient"), std::string::npos) << s.message();
}

TEST(CtRejectTest, MissingFileIsNotFound) {
  const Status s = DecodeFiles({"/nonexistent/alveo/slice.dcm"});
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_NE(s.message().find("/nonexistent/alveo/slice.dcm"), std::string::npos);
}

TEST(CtRejectTest, NotDicomIsUnparseable) {
  ScratchDir dir("garbage");
  testing::WriteBytes(dir / "x.dcm", std::vector<std::uint8_t>(300, 0x5A));
  EXPECT_EQ(DecodeFiles({(dir / "x.dcm").string()}).code(), ErrorCode::kUnparseableDataset);
}

TEST(CtRejectTest, ColourCtIsUnsupported) {
  ScratchDir dir("colour");
  SyntheticImage a;
  a.photometric = "RGB";
  a.samples_per_pixel = 3;
  a.bits_allocated = a.bits_stored = 8;
  a.high_bit = 7;
  a.pixels.assign(48, 100);
  const Status s = DecodeFiles({WriteSlice(dir, "a.dcm", a)});
  EXPECT_EQ(s.code(), ErrorCode::kUnsupportedEncoding);
  EXPECT_NE(s.message().find("colour"), std::string::npos) << s.message();
}

TEST(CtRejectTest, ThirtyTwoBitIsUnsupported) {
  ScratchDir dir("wide");
  SyntheticImage a;
  a.extra = [](DcmDataset& ds) {
    ds.putAndInsertUint16(DCM_BitsAllocated, 32);
    ds.putAndInsertUint16(DCM_BitsStored, 32);
    ds.putAndInsertUint16(DCM_HighBit, 31);
  };
  a.pixels.assign(64, 0);
  const Status s = DecodeFiles({WriteSlice(dir, "a.dcm", a)});
  EXPECT_EQ(s.code(), ErrorCode::kUnsupportedEncoding) << s.ToString();
}

TEST(CtRejectTest, MultiFrameWithoutFunctionalGroupsIsUnsupported) {
  ScratchDir dir("mf");
  SyntheticImage a;
  a.frames = 2;
  a.pixels = Words(std::vector<std::uint16_t>(32, 1024));
  const Status s = DecodeFiles({WriteSlice(dir, "a.dcm", a)});
  EXPECT_EQ(s.code(), ErrorCode::kUnsupportedEncoding) << s.ToString();
}

}  // namespace
}  // namespace alveo::dicom
