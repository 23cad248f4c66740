// SPDX-License-Identifier: Apache-2.0
// DecodeRadiograph: phantom films in every IOD, bit depth, photometric and transfer syntax, and
// hand-made colour, signed, multi-frame and Modality LUT images.
#include <cmath>
#include <cstdio>
#include <string>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include "dicom/pixel_decoder.h"
#include "phantom/radiograph_phantom.h"
#include "unit/dicom/dicom_test_util.h"

namespace alveo::dicom {
namespace {

using phantom::Photometric;
using phantom::RadiographIod;
using phantom::TransferSyntax;
using testing::ScratchDir;
using testing::SyntheticImage;
using testing::WriteSynthetic;

phantom::RadiographOptions SmallFilm(int bits = 12) {
  phantom::RadiographOptions o;
  o.kind = phantom::PatternKind::kDiffuse;
  o.seed = 9;
  o.columns = 120;
  o.rows = 150;
  o.bits_stored = bits;
  return o;
}

Result<Radiograph> WriteAndDecode(const phantom::RadiographOptions& film,
                                  const phantom::WriteOptions& w, const ScratchDir& dir) {
  Result<phantom::WriteSummary> s = phantom::WriteRadiograph(film, w, dir.path());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return s.status();
  return DecodeRadiograph(DicomSource::File((dir.path() / s->files[0]).string()));
}

double MaxDifference(const Image2D& a, const phantom::RadiographData& truth) {
  double worst = 0.0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) {
    worst = std::max(worst, std::abs(a.pixels[i] - static_cast<double>(truth.image.pixels[i])));
  }
  return worst;
}

TEST(RadiographTest, PhantomFilmsDecodeToTheGeneratedValues) {
  struct Case {
    RadiographIod iod;
    int bits;
    TransferSyntax ts;
    double tolerance;
  };
  const Case cases[] = {
      {RadiographIod::kDx, 12, TransferSyntax::kExplicit, 0.0},
      {RadiographIod::kCr, 16, TransferSyntax::kImplicit, 0.0},
      {RadiographIod::kDx, 10, TransferSyntax::kJpegLs, 0.0},
      {RadiographIod::kDx, 12, TransferSyntax::kJpegLossless, 0.0},
      {RadiographIod::kCr, 14, TransferSyntax::kRle, 0.0},
      {RadiographIod::kSecondaryCapture, 8, TransferSyntax::kExplicit, 0.0},
      {RadiographIod::kSecondaryCapture, 8, TransferSyntax::kJpegBaseline, 30.0},
      {RadiographIod::kDx, 12, TransferSyntax::kJpegExtended, 150.0},
      {RadiographIod::kDx, 12, TransferSyntax::kDeflated, 0.0},
  };
  for (const Case& c : cases) {
    ScratchDir dir("film");
    phantom::WriteOptions w;
    w.radiograph_iod = c.iod;
    w.transfer_syntax = c.ts;
    const phantom::RadiographOptions film = SmallFilm(c.bits);
    Result<Radiograph> r = WriteAndDecode(film, w, dir);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const phantom::RadiographData truth = phantom::GenerateRadiograph(film).value();
    EXPECT_EQ(r->image.width, 120);
    EXPECT_EQ(r->image.height, 150);
    const double difference = MaxDifference(r->image, truth);
    EXPECT_LE(difference, c.tolerance)
        << phantom::TransferSyntaxName(c.ts) << " " << c.bits << " bits";
    std::printf("  %-14s %2d bits: max |error| %.0f\n",
                std::string(phantom::TransferSyntaxName(c.ts)).c_str(), c.bits, difference);
    EXPECT_EQ(r->bits_stored, c.bits);
    EXPECT_EQ(r->photometric, "MONOCHROME2");
    EXPECT_NEAR(r->spacing_x_mm, 350.0 / 120.0, 1e-6);
    EXPECT_NEAR(r->spacing_y_mm, 350.0 / 120.0, 1e-6);
    EXPECT_NEAR(r->image.spacing_x, r->spacing_x_mm, 1e-9);
    EXPECT_EQ(r->view_position, "PA");
    EXPECT_EQ(r->patient_orientation, "L\\F");
    ASSERT_TRUE(r->window_center.has_value());
    EXPECT_NEAR(*r->window_width, std::ldexp(1.0, c.bits), 1e-6);
  }
}

TEST(RadiographTest, MonochromeOneIsInvertedBack) {
  for (const int bits : {8, 12}) {
    ScratchDir one("mono1");
    ScratchDir two("mono2");
    phantom::WriteOptions w;
    w.radiograph_iod = RadiographIod::kCr;
    Result<Radiograph> m2 = WriteAndDecode(SmallFilm(bits), w, two);
    w.photometric = Photometric::kMonochrome1;
    Result<Radiograph> m1 = WriteAndDecode(SmallFilm(bits), w, one);
    ASSERT_TRUE(m1.ok()) << m1.status().ToString();
    ASSERT_TRUE(m2.ok()) << m2.status().ToString();
    EXPECT_EQ(m1->photometric, "MONOCHROME1");
    EXPECT_EQ(m1->image.pixels, m2->image.pixels);
    // The window is mirrored with the values: (2^bits - 1) - c.
    ASSERT_TRUE(m1->window_center && m2->window_center);
    EXPECT_NEAR(*m1->window_center, std::ldexp(1.0, bits) - 1.0 - *m2->window_center, 1e-6);
  }
}

TEST(RadiographTest, NoMetaHeaderAndMemoryBuffer) {
  ScratchDir dir("film-nometa");
  phantom::WriteOptions w;
  w.meta_header = false;
  Result<Radiograph> file = WriteAndDecode(SmallFilm(), w, dir);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const std::vector<std::uint8_t> bytes = testing::ReadBytes(dir / "0001.dcm");
  Result<Radiograph> memory = DecodeRadiograph(DicomSource::Buffer(bytes));
  ASSERT_TRUE(memory.ok()) << memory.status().ToString();
  EXPECT_EQ(memory->image.pixels, file->image.pixels);
  EXPECT_EQ(memory->view_position, "PA");
}

SyntheticImage Film(int rows, int columns) {
  SyntheticImage image;
  image.sop_class_uid = UID_SecondaryCaptureImageStorage;
  image.modality = "OT";
  image.ct_geometry = false;
  image.rows = rows;
  image.columns = columns;
  return image;
}

// A 2x3 RGB image: pixel i has R = 10 i, G = 100 + i, B = 200 - 5 i.
std::vector<std::uint8_t> RgbPixels(bool planar) {
  std::vector<std::uint8_t> bytes(18);
  for (int i = 0; i < 6; ++i) {
    const std::uint8_t rgb[3] = {static_cast<std::uint8_t>(10 * i),
                                 static_cast<std::uint8_t>(100 + i),
                                 static_cast<std::uint8_t>(200 - 5 * i)};
    for (int c = 0; c < 3; ++c) bytes[planar ? c * 6 + i : 3 * i + c] = rgb[c];
  }
  return bytes;
}

float Luma(int i) {
  return static_cast<float>(0.299 * 10 * i + 0.587 * (100 + i) + 0.114 * (200 - 5 * i));
}

TEST(RadiographTest, ColourBecomesLuminance) {
  for (const bool planar : {false, true}) {
    ScratchDir dir("rgb");
    SyntheticImage image = Film(2, 3);
    image.photometric = "RGB";
    image.samples_per_pixel = 3;
    image.bits_allocated = image.bits_stored = 8;
    image.high_bit = 7;
    image.planar_configuration = planar ? 1 : 0;
    image.pixels = RgbPixels(planar);
    WriteSynthetic(image, dir / "rgb.dcm");
    Result<Radiograph> r = DecodeRadiograph(DicomSource::File((dir / "rgb.dcm").string()));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->photometric, "RGB");
    for (int i = 0; i < 6; ++i)
      EXPECT_NEAR(r->image.pixels[static_cast<std::size_t>(i)], Luma(i), 1e-3);
    EXPECT_EQ(r->spacing_x_mm, 0.0);  // no spacing attribute: unknown
    EXPECT_EQ(r->image.spacing_x, 1.0);
  }
}

TEST(RadiographTest, YbrFullAndYbrFull422GiveY) {
  ScratchDir dir("ybr");
  SyntheticImage full = Film(1, 4);
  full.photometric = "YBR_FULL";
  full.samples_per_pixel = 3;
  full.bits_allocated = full.bits_stored = 8;
  full.high_bit = 7;
  full.pixels = {10, 128, 128, 20, 100, 90, 30, 1, 2, 40, 128, 128};
  WriteSynthetic(full, dir / "full.dcm");
  Result<Radiograph> a = DecodeRadiograph(DicomSource::File((dir / "full.dcm").string()));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->image.pixels, (std::vector<float>{10, 20, 30, 40}));

  SyntheticImage sub = full;
  sub.photometric = "YBR_FULL_422";
  sub.pixels = {10, 20, 128, 128, 30, 40, 90, 100};  // Y1 Y2 Cb Cr per pixel pair
  WriteSynthetic(sub, dir / "422.dcm");
  Result<Radiograph> b = DecodeRadiograph(DicomSource::File((dir / "422.dcm").string()));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->image.pixels, (std::vector<float>{10, 20, 30, 40}));
}

TEST(RadiographTest, JpegBaselineColourDecodes) {
  ScratchDir dir("jpeg-rgb");
  SyntheticImage image = Film(16, 16);
  image.photometric = "RGB";
  image.samples_per_pixel = 3;
  image.bits_allocated = image.bits_stored = 8;
  image.high_bit = 7;
  for (int i = 0; i < 256; ++i) {
    const auto v = static_cast<std::uint8_t>(i);
    image.pixels.insert(image.pixels.end(), {v, v, v});  // grey ramp stored as RGB
  }
  WriteSynthetic(image, dir / "jpeg.dcm", EXS_JPEGProcess1);
  Result<Radiograph> r = DecodeRadiograph(DicomSource::File((dir / "jpeg.dcm").string()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (int i = 0; i < 256; ++i) EXPECT_NEAR(r->image.pixels[static_cast<std::size_t>(i)], i, 12.0);
}

TEST(RadiographTest, SignedRescaledMultiFrameTakesTheFirstFrame) {
  ScratchDir dir("signed");
  SyntheticImage image = Film(1, 3);
  image.sop_class_uid = UID_MultiframeGrayscaleWordSecondaryCaptureImageStorage;
  image.bits_stored = 12;
  image.high_bit = 11;
  image.pixel_representation = 1;
  image.frames = 2;
  image.pixels = testing::Words({0x0FFF, 0x0800, 0x07FF, 1, 2, 3});
  image.extra = [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_RescaleSlope, "2");
    ds.putAndInsertString(DCM_RescaleIntercept, "100");
    ds.putAndInsertString(DCM_ImagerPixelSpacing, "0.2\\0.3");
    ds.putAndInsertString(DCM_ImageLaterality, "R");
  };
  WriteSynthetic(image, dir / "a.dcm");
  Result<Radiograph> r = DecodeRadiograph(DicomSource::File((dir / "a.dcm").string()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->frames, 2);
  EXPECT_EQ(r->image.pixels, (std::vector<float>{98, -4096 + 100, 4094 + 100}));
  EXPECT_DOUBLE_EQ(r->spacing_y_mm, 0.2);  // ImagerPixelSpacing when PixelSpacing is absent
  EXPECT_DOUBLE_EQ(r->spacing_x_mm, 0.3);
  EXPECT_EQ(r->laterality, "R");
  EXPECT_FALSE(r->window_center.has_value());
}

TEST(RadiographTest, ModalityLutIsApplied) {
  ScratchDir dir("mlut");
  SyntheticImage image = Film(1, 4);
  image.bits_stored = 12;
  image.high_bit = 11;
  image.pixels = testing::Words({0, 5, 6, 4095});
  image.extra = [](DcmDataset& ds) {
    DcmItem* item = nullptr;
    ds.findOrCreateSequenceItem(DCM_ModalityLUTSequence, item, 0);
    const Uint16 descriptor[3] = {3, 5, 16};  // 3 entries, first input 5
    item->putAndInsertUint16Array(DCM_LUTDescriptor, descriptor, 3);
    const Uint16 data[3] = {1000, 2000, 3000};
    item->putAndInsertUint16Array(DCM_LUTData, data, 3);
    item->putAndInsertString(DCM_ModalityLUTType, "US");
  };
  WriteSynthetic(image, dir / "a.dcm");
  Result<Radiograph> r = DecodeRadiograph(DicomSource::File((dir / "a.dcm").string()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->image.pixels, (std::vector<float>{1000, 1000, 2000, 3000}));
}

TEST(RadiographTest, Failures) {
  ScratchDir dir("film-fail");
  EXPECT_EQ(DecodeRadiograph(DicomSource::File("/nonexistent/film.dcm")).status().code(),
            ErrorCode::kNotFound);
  SyntheticImage palette = Film(1, 2);
  palette.photometric = "PALETTE COLOR";
  palette.pixels = testing::Words({1, 2});
  WriteSynthetic(palette, dir / "palette.dcm");
  EXPECT_EQ(DecodeRadiograph(DicomSource::File((dir / "palette.dcm").string())).status().code(),
            ErrorCode::kUnsupportedEncoding);
  phantom::WriteOptions w;
  w.transfer_syntax = TransferSyntax::kJpegLs;
  ASSERT_TRUE(phantom::WriteRadiograph(SmallFilm(), w, dir.path()).ok());
  std::vector<std::uint8_t> bytes = testing::ReadBytes(dir / "0001.dcm");
  bytes.resize(bytes.size() - 300);
  const Status s = DecodeRadiograph(DicomSource::Buffer(bytes)).status();
  EXPECT_EQ(s.code(), ErrorCode::kCorruptPixelData) << s.ToString();
  EXPECT_NE(s.message().find("memory buffer"), std::string::npos);
  EXPECT_EQ(DecodeRadiograph(DicomSource::Buffer(nullptr, 0)).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace alveo::dicom
