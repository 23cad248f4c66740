// SPDX-License-Identifier: Apache-2.0
#include "unit/dicom/dicom_test_util.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmimage/diregist.h>  // colour support for DCMTK's JPEG encoder
#include <gtest/gtest.h>


namespace alveo::dicom::testing {

phantom::CtOptions SmallCt(int slices, int size) {
  phantom::CtOptions o;
  o.kind = phantom::PatternKind::kDiffuse;
  o.seed = 7;
  o.columns = o.rows = size;
  o.slices = slices;
  o.slice_spacing_mm = 2.5;
  return o;
}

std::vector<std::string> WriteCt(const phantom::CtOptions& ct, const phantom::WriteOptions& w,
                                 const std::filesystem::path& dir) {
  Result<phantom::WriteSummary> summary = phantom::WriteCtSeries(ct, w, dir);
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  std::vector<std::string> paths;
  if (!summary.ok()) return paths;
  for (const std::string& file : summary->files) paths.push_back((dir / file).string());
  return paths;
}

std::vector<DicomSource> FileSources(const std::vector<std::string>& paths) {
  std::vector<DicomSource> sources;
  for (const std::string& p : paths) sources.push_back(DicomSource::File(p));
  return sources;
}

std::int16_t ExpectedHu(std::int16_t truth_hu, bool intercept_zero) {
  if (intercept_zero) return truth_hu;
  return static_cast<std::int16_t>(std::clamp<int>(truth_hu, -1024, 4095 - 1024));
}

std::vector<std::uint8_t> Words(const std::vector<std::uint16_t>& words) {
  std::vector<std::uint8_t> bytes;
  for (std::uint16_t w : words) {
    bytes.push_back(static_cast<std::uint8_t>(w & 0xFF));
    bytes.push_back(static_cast<std::uint8_t>(w >> 8));
  }
  return bytes;
}

void WriteSynthetic(const SyntheticImage& image, const std::filesystem::path& path,
                    E_TransferSyntax xfer, bool meta_header) {
  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  const std::string sop_class =
      image.sop_class_uid.empty() ? UID_CTImageStorage : image.sop_class_uid;
  char uid[100];
  ds.putAndInsertString(DCM_SOPClassUID, sop_class.c_str());
  ds.putAndInsertString(DCM_SOPInstanceUID,
                        dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT));
  ds.putAndInsertString(DCM_StudyInstanceUID, "1.2.826.0.1.3680043.10.1.1");
  ds.putAndInsertString(DCM_SeriesInstanceUID, "1.2.826.0.1.3680043.10.1.2");
  ds.putAndInsertString(DCM_Modality, image.modality.c_str());
  ds.putAndInsertString(DCM_PhotometricInterpretation, image.photometric.c_str());
  ds.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(image.rows));
  ds.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(image.columns));
  ds.putAndInsertUint16(DCM_SamplesPerPixel, static_cast<Uint16>(image.samples_per_pixel));
  ds.putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(image.bits_allocated));
  ds.putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(image.bits_stored));
  ds.putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(image.high_bit));
  ds.putAndInsertUint16(DCM_PixelRepresentation, static_cast<Uint16>(image.pixel_representation));
  if (image.samples_per_pixel > 1) {
    ds.putAndInsertUint16(DCM_PlanarConfiguration, static_cast<Uint16>(image.planar_configuration));
  }
  if (image.frames > 1) {
    ds.putAndInsertString(DCM_NumberOfFrames, std::to_string(image.frames).c_str());
  }
  if (image.ct_geometry) {
    const std::string ipp = "-10\\-20\\" + std::to_string(image.position_z);
    ds.putAndInsertString(DCM_ImagePositionPatient, ipp.c_str());
    ds.putAndInsertString(DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
    ds.putAndInsertString(DCM_PixelSpacing, "0.7\\0.7");
  }
  if (image.extra) image.extra(ds);
  if (image.bits_allocated == 8) {
    ds.putAndInsertUint8Array(DCM_PixelData, image.pixels.data(),
                              static_cast<unsigned long>(image.pixels.size()));
  } else {
    std::vector<Uint16> words(image.pixels.size() / 2);
    for (std::size_t i = 0; i < words.size(); ++i) {
      words[i] = static_cast<Uint16>(image.pixels[2 * i] | (image.pixels[2 * i + 1] << 8));
    }
    ds.putAndInsertUint16Array(DCM_PixelData, words.data(),
                               static_cast<unsigned long>(words.size()));
  }
  if (DcmXfer(xfer).isEncapsulated()) {
    EnsurePhantomCodecs();
    ASSERT_TRUE(ds.chooseRepresentation(xfer, nullptr).good());
    ASSERT_TRUE(ds.canWriteXfer(xfer));
  }
  const OFCondition cond =
      meta_header ? file.saveFile(path.c_str(), xfer) : ds.saveFile(path.c_str(), xfer);
  ASSERT_TRUE(cond.good()) << cond.text();
}

void EnsurePhantomCodecs() {
  static const bool done = [] {
    ScratchDir dir("codecs");
    phantom::WriteOptions w;
    w.transfer_syntax = phantom::TransferSyntax::kJpegLs;
    w.threads = 1;
    WriteCt(SmallCt(1, 16), w, dir.path());
    return true;
  }();
  (void)done;
}

std::vector<std::uint8_t> ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>());
}

void WriteBytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

bool PatchFile(const std::filesystem::path& path, const std::string& from, const std::string& to) {
  std::vector<std::uint8_t> bytes = ReadBytes(path);
  const auto at = std::search(bytes.begin(), bytes.end(), from.begin(), from.end());
  if (at == bytes.end() || from.size() != to.size()) return false;
  std::copy(to.begin(), to.end(), at);
  WriteBytes(path, bytes);
  return true;
}

void EditDataset(const std::filesystem::path& path, const std::function<void(DcmDataset&)>& edit) {
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  DcmDataset& ds = *file.getDataset();
  ds.loadAllDataIntoMemory();
  const E_TransferSyntax xfer = ds.getOriginalXfer();
  edit(ds);
  ASSERT_TRUE(file.saveFile(path.c_str(), xfer).good());
}

}  // namespace alveo::dicom::testing
