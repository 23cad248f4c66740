// SPDX-License-Identifier: Apache-2.0
// DecodeCtSeries on phantom series written in-process: every transfer syntax gives the
// generator's HU (lossless exactly), both vendor conventions agree, geometry comes from the
// positions whatever the input order, and memory buffers decode like files.
#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "dicom/pixel_decoder.h"
#include "phantom/ct_phantom.h"
#include "unit/dicom/dicom_test_util.h"

namespace alveo::dicom {
namespace {

using phantom::TransferSyntax;
using testing::FileSources;
using testing::ScratchDir;
using testing::SmallCt;
using testing::WriteCt;

// Compares a decoded volume with the generator's, matching slices by patient position (the
// decoder orders slices feet-to-head, the generator head-to-feet).
struct Difference {
  double mean_abs = 0.0;
  int max_abs = 0;
};

Difference Compare(const Volume& decoded, const Volume& truth, bool intercept_zero) {
  const VolumeGeometry& g = decoded.geometry;
  EXPECT_EQ(g.size_x, truth.geometry.size_x);
  EXPECT_EQ(g.size_y, truth.geometry.size_y);
  EXPECT_EQ(g.size_z, truth.geometry.size_z);
  Difference d;
  std::size_t count = 0;
  for (int k = 0; k < g.size_z; ++k) {
    const Vec3 p = g.PositionOf(0, 0, k);
    int match = -1;
    for (int t = 0; t < truth.geometry.size_z; ++t) {
      const Vec3 q = truth.geometry.PositionOf(0, 0, t);
      if (std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]) + std::abs(p[2] - q[2]) < 1e-3) match = t;
    }
    EXPECT_GE(match, 0) << "no generated slice at the position of decoded slice " << k;
    if (match < 0) continue;
    const std::int16_t* a = decoded.Slice(k);
    const std::int16_t* b = truth.Slice(match);
    for (std::size_t i = 0; i < g.SliceSize(); ++i) {
      const int diff = std::abs(a[i] - testing::ExpectedHu(b[i], intercept_zero));
      d.max_abs = std::max(d.max_abs, diff);
      d.mean_abs += diff;
      ++count;
    }
  }
  if (count > 0) d.mean_abs /= static_cast<double>(count);
  return d;
}

struct SyntaxCase {
  TransferSyntax ts;
  bool intercept_zero;
};

class CtTransferSyntaxTest : public ::testing::TestWithParam<SyntaxCase> {};

TEST_P(CtTransferSyntaxTest, DecodesToTheGeneratedHu) {
  const SyntaxCase c = GetParam();
  ScratchDir dir("ts");
  phantom::WriteOptions w;
  w.transfer_syntax = c.ts;
  w.intercept_zero = c.intercept_zero;
  const phantom::CtOptions ct = SmallCt();
  const std::vector<std::string> files = WriteCt(ct, w, dir.path());
  ASSERT_EQ(files.size(), 8u);
  Result<DecodedCt> decoded = DecodeCtSeriesWithReport(FileSources(files));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const phantom::CtPhantomData truth = phantom::GenerateCt(ct).value();
  const Difference d = Compare(decoded->volume, truth.hu, c.intercept_zero);
  if (phantom::IsLossless(c.ts)) {
    EXPECT_EQ(d.max_abs, 0) << phantom::TransferSyntaxName(c.ts);
  } else {
    EXPECT_LT(d.mean_abs, 15.0) << phantom::TransferSyntaxName(c.ts);
  }
  EXPECT_EQ(decoded->report.padding_voxels, 0u);
  EXPECT_EQ(decoded->report.clamped_voxels, 0u);
  std::printf("  %-14s %s: mean |error| %.3f HU, max %d HU\n",
              std::string(phantom::TransferSyntaxName(c.ts)).c_str(),
              c.intercept_zero ? "signed  " : "unsigned", d.mean_abs, d.max_abs);
}

INSTANTIATE_TEST_SUITE_P(
    AllSyntaxes, CtTransferSyntaxTest,
    ::testing::Values(
        SyntaxCase{TransferSyntax::kExplicit, false}, SyntaxCase{TransferSyntax::kExplicit, true},
        SyntaxCase{TransferSyntax::kImplicit, false}, SyntaxCase{TransferSyntax::kImplicit, true},
        SyntaxCase{TransferSyntax::kDeflated, false}, SyntaxCase{TransferSyntax::kDeflated, true},
        SyntaxCase{TransferSyntax::kJpegLossless, false},
        SyntaxCase{TransferSyntax::kJpegLossless, true}, SyntaxCase{TransferSyntax::kJpegLs, false},
        SyntaxCase{TransferSyntax::kJpegLs, true}, SyntaxCase{TransferSyntax::kRle, false},
        SyntaxCase{TransferSyntax::kRle, true}, SyntaxCase{TransferSyntax::kJpegExtended, false}),
    [](const ::testing::TestParamInfo<SyntaxCase>& param_info) {
      std::string name(phantom::TransferSyntaxName(param_info.param.ts));
      std::replace(name.begin(), name.end(), '-', '_');
      return name + (param_info.param.intercept_zero ? "_signed" : "_unsigned");
    });

TEST(CtDecoderTest, BothVendorConventionsGiveTheSameHu) {
  ScratchDir ge("ge");
  ScratchDir canon("canon");
  phantom::CtOptions ct = SmallCt();
  ct.kind = phantom::PatternKind::kAbdomen;  // soft tissue well inside both ranges
  phantom::WriteOptions w;
  const auto unsigned_files = WriteCt(ct, w, ge.path());
  w.intercept_zero = true;
  const auto signed_files = WriteCt(ct, w, canon.path());
  const Result<Volume> a = DecodeCtSeries(FileSources(unsigned_files));
  const Result<Volume> b = DecodeCtSeries(FileSources(signed_files));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const phantom::CtPhantomData truth = phantom::GenerateCt(ct).value();
  std::size_t differing = 0;
  for (std::size_t i = 0; i < a->voxels.size(); ++i) {
    if (a->voxels[i] != b->voxels[i]) {
      ++differing;
      // Only where the unsigned 12-bit range clips (below -1024 or above 3071).
      EXPECT_TRUE(b->voxels[i] < -1024 || b->voxels[i] > 3071) << "voxel " << i;
    }
  }
  EXPECT_LT(differing, a->voxels.size() / 100);
}

TEST(CtDecoderTest, GeometryComesFromPositionsNotThicknessOrInputOrder) {
  ScratchDir dir("geometry");
  phantom::CtOptions ct = SmallCt(9);
  ct.slice_spacing_mm = 2.0;
  ct.slice_thickness_mm = 5.0;  // overlapping reconstruction
  phantom::WriteOptions w;
  std::vector<std::string> files = WriteCt(ct, w, dir.path());
  const Result<Volume> ordered = DecodeCtSeries(FileSources(files));
  ASSERT_TRUE(ordered.ok()) << ordered.status().ToString();
  std::mt19937 rng(3);
  std::shuffle(files.begin(), files.end(), rng);
  Result<DecodedCt> shuffled = DecodeCtSeriesWithReport(FileSources(files));
  ASSERT_TRUE(shuffled.ok()) << shuffled.status().ToString();
  EXPECT_EQ(shuffled->volume.voxels, ordered->voxels);

  const VolumeGeometry& g = shuffled->volume.geometry;
  const phantom::CtPhantom generator(ct);
  const VolumeGeometry& t = generator.geometry();
  EXPECT_NEAR(g.spacing[2], 2.0, 1e-6);
  EXPECT_NEAR(g.spacing[0], t.spacing[0], 1e-6);
  EXPECT_NEAR(g.spacing[1], t.spacing[1], 1e-6);
  EXPECT_EQ(g.row_direction, (Vec3{1, 0, 0}));
  EXPECT_EQ(g.column_direction, (Vec3{0, 1, 0}));
  EXPECT_EQ(g.slice_direction, (Vec3{0, 0, 1}));  // feet to head: right-handed frame
  // Origin: the most inferior slice, i.e. the generator's last.
  const Vec3 last = t.PositionOf(0, 0, ct.slices - 1);
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(g.origin[a], last[a], 1e-3);
  // Slice k sits where the geometry says.
  for (int k = 0; k < g.size_z; ++k) {
    EXPECT_NEAR(shuffled->report.slices[static_cast<std::size_t>(k)].position_mm,
                g.PositionOf(0, 0, k)[2], 1e-3);
  }
  EXPECT_NEAR(shuffled->report.min_gap_mm, 2.0, 1e-3);
  EXPECT_NEAR(shuffled->report.max_gap_mm, 2.0, 1e-3);
  EXPECT_NEAR(shuffled->report.max_off_axis_mm, 0.0, 1e-3);
}

TEST(CtDecoderTest, ProneSeriesKeepsItsOrientation) {
  ScratchDir dir("prone");
  phantom::CtOptions ct = SmallCt();
  ct.prone = true;
  const auto files = WriteCt(ct, phantom::WriteOptions{}, dir.path());
  const Result<Volume> v = DecodeCtSeries(FileSources(files));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->geometry.row_direction, (Vec3{-1, 0, 0}));
  EXPECT_EQ(v->geometry.column_direction, (Vec3{0, -1, 0}));
  EXPECT_EQ(v->geometry.slice_direction, (Vec3{0, 0, 1}));
  const phantom::CtPhantomData truth = phantom::GenerateCt(ct).value();
  EXPECT_EQ(truth.hu.geometry.row_direction, v->geometry.row_direction);
  EXPECT_EQ(Compare(*v, truth.hu, false).max_abs, 0);
}

TEST(CtDecoderTest, NoMetaHeaderFilesDecode) {
  for (const TransferSyntax ts : {TransferSyntax::kImplicit, TransferSyntax::kExplicit}) {
    ScratchDir dir("nometa");
    phantom::WriteOptions w;
    w.meta_header = false;
    w.transfer_syntax = ts;
    const phantom::CtOptions ct = SmallCt(4);
    const auto files = WriteCt(ct, w, dir.path());
    const Result<Volume> v = DecodeCtSeries(FileSources(files));
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(Compare(*v, phantom::GenerateCt(ct).value().hu, false).max_abs, 0);
  }
}

TEST(CtDecoderTest, MemoryBuffersDecodeLikeFiles) {
  for (const TransferSyntax ts : {TransferSyntax::kExplicit, TransferSyntax::kJpegLs,
                                  TransferSyntax::kDeflated, TransferSyntax::kRle}) {
    ScratchDir dir("buffers");
    phantom::WriteOptions w;
    w.transfer_syntax = ts;
    const auto files = WriteCt(SmallCt(5), w, dir.path());
    std::vector<std::vector<std::uint8_t>> bytes;
    for (const std::string& f : files) bytes.push_back(testing::ReadBytes(f));
    std::vector<DicomSource> buffers;
    for (const auto& b : bytes) buffers.push_back(DicomSource::Buffer(b));
    const Result<Volume> from_files = DecodeCtSeries(FileSources(files));
    const Result<Volume> from_memory = DecodeCtSeries(buffers, DecodeOptions{2});
    ASSERT_TRUE(from_files.ok()) << from_files.status().ToString();
    ASSERT_TRUE(from_memory.ok()) << from_memory.status().ToString();
    EXPECT_EQ(from_memory->voxels, from_files->voxels) << phantom::TransferSyntaxName(ts);
    EXPECT_EQ(from_memory->geometry.origin, from_files->geometry.origin);
  }
}

TEST(CtDecoderTest, ThreadCountDoesNotChangeTheResult) {
  ScratchDir dir("threads");
  phantom::WriteOptions w;
  w.transfer_syntax = TransferSyntax::kJpegLossless;
  const auto files = WriteCt(SmallCt(11), w, dir.path());
  Result<DecodedCt> one = DecodeCtSeriesWithReport(FileSources(files), DecodeOptions{1});
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  for (const int threads : {2, 3, 8, 64}) {
    Result<DecodedCt> many = DecodeCtSeriesWithReport(FileSources(files), DecodeOptions{threads});
    ASSERT_TRUE(many.ok()) << many.status().ToString();
    EXPECT_EQ(many->volume.voxels, one->volume.voxels) << threads;
    for (std::size_t k = 0; k < one->report.slices.size(); ++k) {
      EXPECT_EQ(many->report.slices[k].source_index, one->report.slices[k].source_index);
    }
  }
}

TEST(CtDecoderTest, ReportsWhereEachSliceCameFrom) {
  ScratchDir dir("sources");
  const auto files = WriteCt(SmallCt(4), phantom::WriteOptions{}, dir.path());
  Result<DecodedCt> d = DecodeCtSeriesWithReport(FileSources(files));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->report.slices.size(), 4u);
  // Files are in instance order (head first); the volume runs feet first.
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(d->report.slices[k].source_index, 3 - k);
  EXPECT_EQ(d->report.transfer_syntax_uid, "1.2.840.10008.1.2.1");
}

}  // namespace
}  // namespace alveo::dicom
