// SPDX-License-Identifier: Apache-2.0
// The DICOM writer: files read back with DCMTK give the generator's HU / stored values in every
// transfer syntax; identity, character sets, UIDs, meta header and truth.json are as documented.
#include "phantom/phantom_writer.h"

#include <cmath>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "core/uid.h"
#include "unit/phantom/phantom_test_util.h"

namespace alveo::phantom {
namespace {

using testing::ReadDicom;
using testing::ReadImage;
using testing::ScratchDir;

CtOptions SmallCt(PatternKind kind = PatternKind::kDiffuse) {
  CtOptions o;
  o.kind = kind;
  o.seed = 11;
  o.columns = o.rows = 96;
  o.slices = 3;
  o.slice_spacing_mm = 20.0;
  return o;
}

RadiographOptions SmallFilm(int bits = 12) {
  RadiographOptions o;
  o.kind = PatternKind::kDiffuse;
  o.seed = 5;
  o.columns = 240;
  o.rows = 300;
  o.bits_stored = bits;
  return o;
}

WriteSummary Write(const CtOptions& ct, const WriteOptions& w, const ScratchDir& dir) {
  Result<WriteSummary> r = WriteCtSeries(ct, w, dir.path());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : WriteSummary{};
}

// Slice k as HU after rescale.
std::vector<std::int32_t> HuOf(const ReadImage& img) {
  std::vector<std::int32_t> hu(img.stored.size());
  for (std::size_t p = 0; p < hu.size(); ++p) {
    hu[p] = static_cast<std::int32_t>(std::lround(img.stored[p] * img.slope + img.intercept));
  }
  return hu;
}

TEST(PhantomWriterTest, CtFilesGiveTheGeneratedHuAfterRescale) {
  for (const bool intercept_zero : {false, true}) {
    ScratchDir dir(intercept_zero ? "hu-signed" : "hu-unsigned");
    WriteOptions w;
    w.intercept_zero = intercept_zero;
    const WriteSummary s = Write(SmallCt(), w, dir);
    const CtPhantomData truth = GenerateCt(SmallCt()).value();
    ASSERT_EQ(s.files.size(), 3u);
    for (int k = 0; k < 3; ++k) {
      const ReadImage img = ReadDicom(dir.path() / s.files[static_cast<std::size_t>(k)]);
      ASSERT_TRUE(img.ok) << img.error;
      EXPECT_EQ(img.instance_number, k + 1);
      EXPECT_EQ(img.images_in_acquisition, 3);
      EXPECT_EQ(img.bits_stored, intercept_zero ? 16 : 12);
      EXPECT_EQ(img.pixel_representation, intercept_zero ? 1 : 0);
      EXPECT_DOUBLE_EQ(img.intercept, intercept_zero ? 0.0 : -1024.0);
      const std::vector<std::int32_t> hu = HuOf(img);
      const std::int16_t* expected = truth.hu.Slice(k);
      ASSERT_EQ(hu.size(), truth.hu.geometry.SliceSize());
      for (std::size_t p = 0; p < hu.size(); ++p) ASSERT_EQ(hu[p], expected[p]) << "pixel " << p;
      ASSERT_EQ(img.image_position.size(), 3u);
      EXPECT_NEAR(img.image_position[2], truth.hu.geometry.PositionOf(0, 0, k)[2], 1e-6);
    }
  }
}

class TransferSyntaxTest : public ::testing::TestWithParam<TransferSyntax> {};

TEST_P(TransferSyntaxTest, CtAndFilmRoundTrip) {
  const TransferSyntax ts = GetParam();
  ScratchDir ref_dir("ts-ref"), dir("ts-" + std::string(TransferSyntaxName(ts)));
  const bool baseline = ts == TransferSyntax::kJpegBaseline;  // 8-bit films only
  WriteOptions w;
  w.transfer_syntax = ts;
  std::vector<std::filesystem::path> files, references;
  if (!baseline) {
    const WriteSummary s = Write(SmallCt(), w, dir);
    Write(SmallCt(), WriteOptions{}, ref_dir);
    for (const std::string& f : s.files) {
      files.push_back(dir.path() / f);
      references.push_back(ref_dir.path() / f);
    }
  }
  ScratchDir film_dir("ts-film"), film_ref("ts-film-ref");
  const RadiographOptions film = SmallFilm(baseline ? 8 : 12);
  ASSERT_TRUE(WriteRadiograph(film, w, film_dir.path()).ok());
  ASSERT_TRUE(WriteRadiograph(film, WriteOptions{}, film_ref.path()).ok());
  files.push_back(film_dir.path() / "0001.dcm");
  references.push_back(film_ref.path() / "0001.dcm");
  for (std::size_t i = 0; i < files.size(); ++i) {
    const ReadImage got = ReadDicom(files[i]), want = ReadDicom(references[i]);
    ASSERT_TRUE(got.ok && want.ok) << got.error << want.error;
    ASSERT_EQ(got.stored.size(), want.stored.size());
    if (IsLossless(ts)) {
      EXPECT_EQ(got.stored, want.stored) << files[i];
      EXPECT_EQ(got.sop_instance_uid, want.sop_instance_uid);
      continue;
    }
    // Lossy: DCMTK may re-map stored values (and Rescale Intercept), so compare rescaled values.
    const std::vector<std::int32_t> a = HuOf(got), b = HuOf(want);
    double abs_sum = 0.0;
    for (std::size_t p = 0; p < a.size(); ++p) abs_sum += std::abs(a[p] - b[p]);
    const double full_scale = (1 << want.bits_stored) - 1;
    EXPECT_LT(abs_sum / a.size(), 0.02 * full_scale) << files[i];
    EXPECT_NE(got.sop_instance_uid, want.sop_instance_uid);  // lossy copy = new instance
    EXPECT_EQ(got.image_type.rfind("DERIVED", 0), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(AllSyntaxes, TransferSyntaxTest,
                         ::testing::Values(TransferSyntax::kExplicit, TransferSyntax::kImplicit,
                                           TransferSyntax::kDeflated, TransferSyntax::kJpegLossless,
                                           TransferSyntax::kJpegLs, TransferSyntax::kRle,
                                           TransferSyntax::kJpegBaseline,
                                           TransferSyntax::kJpegExtended),
                         [](const ::testing::TestParamInfo<TransferSyntax>& param) {
                           std::string name(TransferSyntaxName(param.param));
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST(PhantomWriterTest, TwelveBitDataRefusesJpegBaselineAndCompressionNeedsTheMetaHeader) {
  ScratchDir dir("refuse");
  WriteOptions w;
  w.transfer_syntax = TransferSyntax::kJpegBaseline;
  Result<WriteSummary> r = WriteCtSeries(SmallCt(), w, dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind("transfer-syntax:", 0), 0u);
  w.transfer_syntax = TransferSyntax::kRle;
  w.meta_header = false;
  EXPECT_EQ(WriteCtSeries(SmallCt(), w, dir.path()).status().message().rfind("no-meta:", 0), 0u);
}

TEST(PhantomWriterTest, NoMetaHeaderWritesARawImplicitDataset) {
  ScratchDir dir("no-meta");
  WriteOptions w;
  w.meta_header = false;
  w.transfer_syntax = TransferSyntax::kImplicit;
  const WriteSummary s = Write(SmallCt(), w, dir);
  const ReadImage img = ReadDicom(dir.path() / s.files[0]);
  ASSERT_TRUE(img.ok) << img.error;
  EXPECT_FALSE(img.has_meta_header);
  EXPECT_EQ(img.sop_class_uid, "1.2.840.10008.5.1.4.1.1.2");
}

TEST(PhantomWriterTest, UidsAreDerivedFromTheSeedUnlessGiven) {
  ScratchDir a("uid-a"), b("uid-b"), c("uid-c");
  const WriteSummary sa = Write(SmallCt(), WriteOptions{}, a);
  const WriteSummary sb = Write(SmallCt(), WriteOptions{}, b);
  EXPECT_EQ(sa.study_instance_uid, sb.study_instance_uid);
  EXPECT_EQ(sa.series_instance_uid, sb.series_instance_uid);
  EXPECT_TRUE(IsValidUid(sa.study_instance_uid));
  EXPECT_EQ(sa.study_instance_uid.rfind("2.25.", 0), 0u);
  const ReadImage first = ReadDicom(a.path() / sa.files[0]),
                  second = ReadDicom(a.path() / sa.files[1]);
  EXPECT_NE(first.sop_instance_uid, second.sop_instance_uid);
  EXPECT_TRUE(IsValidUid(first.sop_instance_uid));
  // Same bytes for the same seed.
  std::ifstream fa(a.path() / sa.files[1], std::ios::binary),
      fb(b.path() / sb.files[1], std::ios::binary);
  EXPECT_TRUE(
      std::equal(std::istreambuf_iterator<char>(fa), {}, std::istreambuf_iterator<char>(fb)));
  WriteOptions given;
  given.identity.study_instance_uid = "1.2.826.0.1.3680043.10.1.42";
  CtOptions other = SmallCt();
  other.seed = 12;
  const WriteSummary sc = Write(other, given, c);
  EXPECT_EQ(sc.study_instance_uid, "1.2.826.0.1.3680043.10.1.42");
  EXPECT_NE(sc.series_instance_uid, sa.series_instance_uid);
}

TEST(PhantomWriterTest, NonAsciiNamesSurviveInLatin1AndUtf8) {
  for (const std::string charset : {"ISO_IR 100", "ISO_IR 192"}) {
    ScratchDir dir("charset");
    WriteOptions w;
    w.identity.character_set = charset;
    w.identity.patient_name = "Müller^Jürgen";
    const Result<WriteSummary> s = WriteRadiograph(SmallFilm(), w, dir.path());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    const ReadImage img = ReadDicom(dir.path() / "0001.dcm");
    ASSERT_TRUE(img.ok) << img.error;
    EXPECT_EQ(img.charset, charset);
    const std::string latin1 = "M\xFCller^J\xFCrgen";
    EXPECT_EQ(img.patient_name_raw, charset == "ISO_IR 100" ? latin1 : "Müller^Jürgen");
    EXPECT_EQ(img.patient_name_utf8, "Müller^Jürgen");
  }
  WriteOptions w;
  w.identity.character_set = "ISO_IR 100";
  w.identity.patient_name = "山田^太郎";
  ScratchDir dir("charset-bad");
  const Result<WriteSummary> bad = WriteRadiograph(SmallFilm(), w, dir.path());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("patient-name:", 0), 0u);
}

TEST(PhantomWriterTest, FilmsCarryTheirIodModalityViewAndPhotometric) {
  struct Case {
    RadiographIod iod;
    const char* modality;
    const char* sop_class;
  };
  for (const Case& c :
       {Case{RadiographIod::kCr, "CR", "1.2.840.10008.5.1.4.1.1.1"},
        Case{RadiographIod::kDx, "DX", "1.2.840.10008.5.1.4.1.1.1.1"},
        Case{RadiographIod::kSecondaryCapture, "OT", "1.2.840.10008.5.1.4.1.1.7"}}) {
    ScratchDir mono2("mono2"), mono1("mono1");
    WriteOptions w;
    w.radiograph_iod = c.iod;
    RadiographOptions film = SmallFilm();
    film.view = ViewPosition::kAp;
    ASSERT_TRUE(WriteRadiograph(film, w, mono2.path()).ok());
    w.photometric = Photometric::kMonochrome1;
    ASSERT_TRUE(WriteRadiograph(film, w, mono1.path()).ok());
    const ReadImage a = ReadDicom(mono2.path() / "0001.dcm"),
                    b = ReadDicom(mono1.path() / "0001.dcm");
    ASSERT_TRUE(a.ok && b.ok);
    EXPECT_EQ(a.modality, c.modality);
    EXPECT_EQ(a.sop_class_uid, c.sop_class);
    EXPECT_EQ(a.view_position, "AP");
    EXPECT_EQ(a.body_part, "CHEST");
    EXPECT_EQ(a.photometric, "MONOCHROME2");
    EXPECT_EQ(b.photometric, "MONOCHROME1");
    ASSERT_EQ(a.stored.size(), b.stored.size());
    for (std::size_t p = 0; p < a.stored.size(); p += 97)
      ASSERT_EQ(a.stored[p] + b.stored[p], 4095);
  }
}

TEST(PhantomWriterTest, TruthJsonMatchesTheGeneratedTruth) {
  ScratchDir dir("truth");
  WriteOptions w;
  w.write_labels = true;
  CtOptions ct = SmallCt(PatternKind::kEffusion);
  ct.slices = 12;
  const WriteSummary s = Write(ct, w, dir);
  const CtTruth truth = GenerateCt(ct).value().truth;
  const Poco::JSON::Object::Ptr json = testing::ReadJson(dir.path() / "truth.json");
  EXPECT_EQ(json->getValue<std::string>("kind"), "effusion");
  EXPECT_EQ(json->getValue<std::string>("study_instance_uid"), s.study_instance_uid);
  EXPECT_EQ(json->getValue<int>("file_count"), 12);
  EXPECT_NEAR(json->getValue<double>("effusion_ml"), truth.effusion_ml, 1e-3 * truth.effusion_ml);
  EXPECT_NEAR(json->getValue<double>("cardiothoracic_ratio"), truth.cardiothoracic_ratio, 1e-4);
  const auto right = json->getObject("lungs")->getObject("right");
  EXPECT_NEAR(right->getValue<double>("volume_ml"), truth.right.whole.volume_ml, 0.01);
  EXPECT_NEAR(right->getObject("zones")->getObject("lower")->getValue<double>("opacity_percent"),
              truth.right.zones[2].opacity_percent, 1e-3);
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "labels.raw"), 96u * 96u * 12u);
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "opacity.raw"), 96u * 96u * 12u);
}

TEST(PhantomWriterTest, FullSizeCtSlicesWriteAndReadBack) {
  ScratchDir dir("full");
  CtOptions ct;
  ct.kind = PatternKind::kDiffuse;
  ct.slices = 20;
  ct.slice_spacing_mm = 5.0;
  const WriteSummary s = Write(ct, WriteOptions{}, dir);
  ASSERT_EQ(s.files.size(), 20u);
  EXPECT_EQ(s.files.front(), "0001.dcm");
  const ReadImage img = ReadDicom(dir.path() / s.files[10]);
  ASSERT_TRUE(img.ok) << img.error;
  EXPECT_EQ(img.rows, 512);
  EXPECT_EQ(img.columns, 512);
  EXPECT_EQ(img.body_part, "CHEST");
  EXPECT_EQ(img.image_type, "ORIGINAL\\PRIMARY\\AXIAL");
  const Poco::JSON::Object::Ptr json = testing::ReadJson(dir.path() / "truth.json");
  EXPECT_TRUE(json->getValue<bool>("chest_with_lungs"));
}

}  // namespace
}  // namespace alveo::phantom
