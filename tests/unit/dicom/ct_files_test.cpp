// SPDX-License-Identifier: Apache-2.0
// DecodeCtSeries on damaged and unusual files: truncated or missing pixel data, transfer syntaxes
// without a decoder, Enhanced CT multi-frame images; and the timing/memory of a full-size series.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djrparam.h>
#include <gtest/gtest.h>

#include "dicom/pixel_decoder.h"
#include "unit/dicom/dicom_test_util.h"

namespace alveo::dicom {
namespace {

using phantom::TransferSyntax;
using testing::FileSources;
using testing::ScratchDir;
using testing::SmallCt;
using testing::WriteCt;

std::vector<std::string> Series(const ScratchDir& dir, TransferSyntax ts, int slices = 6) {
  phantom::WriteOptions w;
  w.transfer_syntax = ts;
  return WriteCt(SmallCt(slices), w, dir.path());
}

void Truncate(const std::string& path, std::size_t drop) {
  std::vector<std::uint8_t> bytes = testing::ReadBytes(path);
  ASSERT_GT(bytes.size(), drop);
  bytes.resize(bytes.size() - drop);
  testing::WriteBytes(path, bytes);
}

TEST(CtCorruptTest, TruncatedPixelDataNamesTheFile) {
  for (const TransferSyntax ts : {TransferSyntax::kExplicit, TransferSyntax::kJpegLs,
                                  TransferSyntax::kRle, TransferSyntax::kImplicit}) {
    ScratchDir dir("truncated");
    const auto files = Series(dir, ts);
    Truncate(files[3], 500);
    for (const int threads : {1, 3}) {
      const Status s = DecodeCtSeries(FileSources(files), DecodeOptions{threads}).status();
      EXPECT_EQ(s.code(), ErrorCode::kCorruptPixelData)
          << phantom::TransferSyntaxName(ts) << ": " << s.ToString();
      EXPECT_NE(s.message().find(files[3]), std::string::npos) << s.message();
    }
    // The same bytes from memory.
    const std::vector<std::uint8_t> bytes = testing::ReadBytes(files[3]);
    const Status m = DecodeCtSeries({DicomSource::Buffer(bytes)}).status();
    EXPECT_EQ(m.code(), ErrorCode::kCorruptPixelData) << m.ToString();
  }
}

TEST(CtCorruptTest, TheSameFailureIsReportedWhateverTheThreads) {
  ScratchDir dir("two-bad");
  const auto files = Series(dir, TransferSyntax::kExplicit, 10);
  // Truncation is found while parsing: the first failing input is reported.
  Truncate(files[2], 100);
  Truncate(files[8], 100);
  for (const int threads : {1, 2, 4}) {
    const Status s = DecodeCtSeries(FileSources(files), DecodeOptions{threads}).status();
    EXPECT_EQ(s.code(), ErrorCode::kCorruptPixelData);
    EXPECT_NE(s.message().find(files[2]), std::string::npos) << threads << ": " << s.message();
  }
  // Short values parse and fail while decoding: the first failing volume slice is reported
  // (instance 9 = volume slice 1, the volume runs feet first; instance 3 = slice 7).
  const auto good = Series(dir, TransferSyntax::kExplicit, 10);
  for (const std::size_t bad : {std::size_t{2}, std::size_t{8}}) {
    testing::EditDataset(good[bad], [](DcmDataset& ds) {
      const std::vector<Uint16> words(10, 1024);
      ds.putAndInsertUint16Array(DCM_PixelData, words.data(), 10);
    });
  }
  for (const int threads : {1, 2, 4}) {
    const Status s = DecodeCtSeries(FileSources(good), DecodeOptions{threads}).status();
    EXPECT_EQ(s.code(), ErrorCode::kCorruptPixelData);
    EXPECT_NE(s.message().find(good[8]), std::string::npos) << threads << ": " << s.message();
    EXPECT_NE(s.message().find("slice 1 "), std::string::npos) << s.message();
  }
}

TEST(CtCorruptTest, MissingOrShortPixelData) {
  ScratchDir dir("missing");
  const auto files = Series(dir, TransferSyntax::kExplicit, 2);
  testing::EditDataset(files[0], [](DcmDataset& ds) { ds.findAndDeleteElement(DCM_PixelData); });
  Status s = DecodeCtSeries(FileSources(files)).status();
  EXPECT_EQ(s.code(), ErrorCode::kCorruptPixelData) << s.ToString();
  EXPECT_NE(s.message().find("no Pixel Data"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(files[0]), std::string::npos) << s.message();

  testing::EditDataset(files[0], [](DcmDataset& ds) {
    const std::vector<Uint16> words(100, 1024);  // a well-formed but too short value
    ds.putAndInsertUint16Array(DCM_PixelData, words.data(), 100);
  });
  s = DecodeCtSeries(FileSources(files)).status();
  EXPECT_EQ(s.code(), ErrorCode::kCorruptPixelData) << s.ToString();
}

TEST(CtCorruptTest, GarbledCompressedStreamFailsCleanly) {
  ScratchDir dir("garbled");
  for (const TransferSyntax ts :
       {TransferSyntax::kJpegLs, TransferSyntax::kJpegLossless, TransferSyntax::kRle}) {
    const auto files = Series(dir, ts, 1);
    std::vector<std::uint8_t> bytes = testing::ReadBytes(files[0]);
    for (std::size_t i = bytes.size() - 1200; i < bytes.size() - 200; ++i) bytes[i] ^= 0xA5;
    testing::WriteBytes(files[0], bytes);
    const Result<Volume> v = DecodeCtSeries(FileSources(files));
    // A garbled entropy-coded stream may still decode to (wrong) pixels; it must never crash.
    if (!v.ok()) {
      EXPECT_EQ(v.status().code(), ErrorCode::kCorruptPixelData) << v.status().ToString();
    }
  }
}

TEST(CtUnsupportedTest, JpegTwoThousandIsUnsupported) {
  ScratchDir dir("j2k");
  const auto files = Series(dir, TransferSyntax::kJpegLs, 2);
  // Same length UIDs: JPEG-LS Lossless -> JPEG 2000 (Lossless Only), in the meta header.
  ASSERT_TRUE(testing::PatchFile(files[1], UID_JPEGLSLosslessTransferSyntax,
                                 UID_JPEG2000LosslessOnlyTransferSyntax));
  const Status s = DecodeCtSeries(FileSources(files)).status();
  EXPECT_EQ(s.code(), ErrorCode::kUnsupportedEncoding) << s.ToString();
  EXPECT_NE(s.message().find(UID_JPEG2000LosslessOnlyTransferSyntax), std::string::npos);
  EXPECT_NE(s.message().find(files[1]), std::string::npos);
}

TEST(CtUnsupportedTest, UnknownTransferSyntaxIsUnsupported) {
  ScratchDir dir("unknown-ts");
  const auto files = Series(dir, TransferSyntax::kJpegLs, 1);
  ASSERT_TRUE(
      testing::PatchFile(files[0], UID_JPEGLSLosslessTransferSyntax, "1.2.840.10008.1.2.4.99"));
  const Status s = DecodeCtSeries(FileSources(files)).status();
  EXPECT_TRUE(s.code() == ErrorCode::kUnsupportedEncoding ||
              s.code() == ErrorCode::kUnparseableDataset)
      << s.ToString();
}

// Re-encodes phantom files with DCMTK's encoders in syntaxes the phantom writer does not produce.
TEST(CtOtherSyntaxTest, JpegProcess14AndJpegLsNearLossless) {
  ScratchDir dir("other-ts");
  const auto files = Series(dir, TransferSyntax::kExplicit, 3);
  const Result<Volume> reference = DecodeCtSeries(FileSources(files));
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();
  testing::EnsurePhantomCodecs();
  struct Case {
    E_TransferSyntax xfer;
    std::function<std::unique_ptr<DcmRepresentationParameter>()> params;
    int tolerance;
  };
  const Case cases[] = {
      {EXS_JPEGProcess14, [] { return std::make_unique<DJ_RPLossless>(6, 0); }, 0},
      {EXS_JPEGLSLossy, [] { return std::make_unique<DJLSRepresentationParameter>(2, OFFalse); },
       2},
  };
  for (const Case& c : cases) {
    std::vector<std::string> converted;
    for (std::size_t i = 0; i < files.size(); ++i) {
      DcmFileFormat file;
      ASSERT_TRUE(file.loadFile(files[i].c_str()).good());
      const auto params = c.params();
      ASSERT_TRUE(file.getDataset()->chooseRepresentation(c.xfer, params.get()).good());
      converted.push_back((dir / (std::to_string(i) + "c.dcm")).string());
      ASSERT_TRUE(file.saveFile(converted.back().c_str(), c.xfer).good());
    }
    Result<DecodedCt> d = DecodeCtSeriesWithReport(FileSources(converted));
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->report.transfer_syntax_uid, DcmXfer(c.xfer).getXferID());
    int worst = 0;
    for (std::size_t i = 0; i < d->volume.voxels.size(); ++i) {
      worst = std::max(worst, std::abs(d->volume.voxels[i] - reference->voxels[i]));
    }
    EXPECT_LE(worst, c.tolerance) << DcmXfer(c.xfer).getXferName();
  }
}

// --- Enhanced CT ------------------------------------------------------------------------------

// Builds one Enhanced CT Image from classic phantom files, frames in reverse file order.
void WriteEnhanced(const std::vector<std::string>& files, const std::string& out,
                   E_TransferSyntax xfer) {
  DcmFileFormat result;
  DcmDataset& ds = *result.getDataset();
  std::vector<Uint16> pixels;
  for (std::size_t n = 0; n < files.size(); ++n) {
    DcmFileFormat slice;
    ASSERT_TRUE(slice.loadFile(files[files.size() - 1 - n].c_str()).good());
    DcmDataset& s = *slice.getDataset();
    if (n == 0) {
      for (const DcmTagKey& tag :
           {DCM_StudyInstanceUID, DCM_SeriesInstanceUID, DCM_Modality, DCM_Rows, DCM_Columns,
            DCM_BitsAllocated, DCM_BitsStored, DCM_HighBit, DCM_PixelRepresentation,
            DCM_SamplesPerPixel, DCM_PhotometricInterpretation}) {
        DcmElement* e = nullptr;
        ASSERT_TRUE(s.findAndGetElement(tag, e, OFFalse, OFTrue).good());
        ds.insert(e);
      }
      ds.putAndInsertString(DCM_SOPClassUID, UID_EnhancedCTImageStorage);
      ds.putAndInsertString(DCM_SOPInstanceUID, "1.2.826.0.1.3680043.10.99.1");
      ds.putAndInsertString(DCM_NumberOfFrames, std::to_string(files.size()).c_str());
      DcmItem* shared = nullptr;
      ds.findOrCreateSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0);
      DcmItem* item = nullptr;
      OFString text;
      shared->findOrCreateSequenceItem(DCM_PixelMeasuresSequence, item, 0);
      s.findAndGetOFStringArray(DCM_PixelSpacing, text);
      item->putAndInsertString(DCM_PixelSpacing, text.c_str());
      s.findAndGetOFStringArray(DCM_SliceThickness, text);
      item->putAndInsertString(DCM_SliceThickness, text.c_str());
      shared->findOrCreateSequenceItem(DCM_PlaneOrientationSequence, item, 0);
      s.findAndGetOFStringArray(DCM_ImageOrientationPatient, text);
      item->putAndInsertString(DCM_ImageOrientationPatient, text.c_str());
      shared->findOrCreateSequenceItem(DCM_PixelValueTransformationSequence, item, 0);
      s.findAndGetOFStringArray(DCM_RescaleIntercept, text);
      item->putAndInsertString(DCM_RescaleIntercept, text.c_str());
      item->putAndInsertString(DCM_RescaleSlope, "1");
      item->putAndInsertString(DCM_RescaleType, "HU");
    }
    DcmItem* frame = nullptr;
    ds.findOrCreateSequenceItem(DCM_PerFrameFunctionalGroupsSequence, frame, -2);
    DcmItem* position = nullptr;
    frame->findOrCreateSequenceItem(DCM_PlanePositionSequence, position, 0);
    OFString ipp;
    s.findAndGetOFStringArray(DCM_ImagePositionPatient, ipp);
    position->putAndInsertString(DCM_ImagePositionPatient, ipp.c_str());
    const Uint16* words = nullptr;
    unsigned long count = 0;
    ASSERT_TRUE(s.findAndGetUint16Array(DCM_PixelData, words, &count).good());
    pixels.insert(pixels.end(), words, words + count);
  }
  ds.putAndInsertUint16Array(DCM_PixelData, pixels.data(),
                             static_cast<unsigned long>(pixels.size()));
  if (DcmXfer(xfer).isEncapsulated()) {
    testing::EnsurePhantomCodecs();
    ASSERT_TRUE(ds.chooseRepresentation(xfer, nullptr).good());
  }
  ASSERT_TRUE(result.saveFile(out.c_str(), xfer).good());
}

TEST(CtMultiFrameTest, EnhancedCtDecodesLikeTheClassicSeries) {
  ScratchDir dir("enhanced");
  const auto files = Series(dir, TransferSyntax::kExplicit, 7);
  const Result<Volume> classic = DecodeCtSeries(FileSources(files));
  ASSERT_TRUE(classic.ok()) << classic.status().ToString();
  for (const E_TransferSyntax xfer :
       {EXS_LittleEndianExplicit, EXS_JPEGLSLossless, EXS_RLELossless, EXS_JPEGProcess14SV1}) {
    const std::string out = (dir / "enhanced.dcm").string();
    WriteEnhanced(files, out, xfer);
    Result<DecodedCt> enhanced = DecodeCtSeriesWithReport({DicomSource::File(out)}, {4});
    ASSERT_TRUE(enhanced.ok()) << DcmXfer(xfer).getXferName() << ": "
                               << enhanced.status().ToString();
    EXPECT_EQ(enhanced->volume.voxels, classic->voxels) << DcmXfer(xfer).getXferName();
    EXPECT_EQ(enhanced->volume.geometry.origin, classic->geometry.origin);
    EXPECT_DOUBLE_EQ(enhanced->volume.geometry.spacing[2], classic->geometry.spacing[2]);
    // Frames were written head first, the volume runs feet first.
    EXPECT_EQ(enhanced->report.slices.front().frame, 0);
    EXPECT_EQ(enhanced->report.slices.back().frame, 6);
    const std::vector<std::uint8_t> bytes = testing::ReadBytes(out);
    const Result<Volume> memory = DecodeCtSeries({DicomSource::Buffer(bytes)});
    ASSERT_TRUE(memory.ok()) << memory.status().ToString();
    EXPECT_EQ(memory->voxels, classic->voxels);
  }
}

// --- full size ----------------------------------------------------------------------------------

long PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

TEST(CtTimingTest, FullSizeSeriesTimings) {
  ScratchDir dir("full");
  phantom::CtOptions ct = SmallCt(300, 512);
  ct.slice_spacing_mm = 1.0;
  phantom::WriteOptions w;
  w.threads = 0;
  const auto files = WriteCt(ct, w, dir.path());
  ASSERT_EQ(files.size(), 300u);
  const std::vector<DicomSource> sources = FileSources(files);
  ASSERT_TRUE(DecodeCtSeries(sources).ok());  // page cache warm
  std::vector<std::int16_t> reference;
  for (const int threads : {1, 2}) {
    ResetPeakRss();
    const long before = PeakRssKb();
    const auto start = std::chrono::steady_clock::now();
    Result<Volume> v = DecodeCtSeries(sources, DecodeOptions{threads});
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    const long peak = PeakRssKb();
    const double volume_mb = static_cast<double>(v->voxels.size() * 2) / 1048576.0;
    std::printf(
        "  300x512x512 explicit, %d thread(s): %.0f ms; peak RSS %.0f MB (before %.0f MB, "
        "volume %.0f MB)\n",
        threads, ms, peak / 1024.0, before / 1024.0, volume_mb);
    if (reference.empty()) {
      reference = v->voxels;
    } else {
      EXPECT_EQ(v->voxels, reference);
    }
  }
}

}  // namespace
}  // namespace alveo::dicom
