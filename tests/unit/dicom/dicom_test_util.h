// SPDX-License-Identifier: Apache-2.0
// Test helpers for the dicom module: scratch folders, phantom series written in-process, small
// hand-made datasets (any pixel layout, colour, multi-frame) written with DCMTK, and byte-level
// file surgery (truncation, patching). Thread-safety: test-only; each helper owns its files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "dicom/pixel_decoder.h"
#include "phantom/phantom_writer.h"

#include "support/scratch_dir.h"

namespace alveo::dicom::testing {

using alveo::testing::ScratchDir;  // tests/support/scratch_dir.h

// A small CT phantom (64x64, 8 slices, 2.5 mm) unless changed by the caller.
phantom::CtOptions SmallCt(int slices = 8, int size = 64);

// Writes a CT phantom and returns the full paths of its files in instance order.
std::vector<std::string> WriteCt(const phantom::CtOptions& ct, const phantom::WriteOptions& w,
                                 const std::filesystem::path& dir);
std::vector<DicomSource> FileSources(const std::vector<std::string>& paths);

// HU the decoder must return for a lossless copy of the phantom: the generator's HU, clamped
// to what the stored representation can hold (unsigned 12-bit with intercept -1024).
std::int16_t ExpectedHu(std::int16_t truth_hu, bool intercept_zero);

// A dataset built by hand. Pixel bytes are little endian as stored.
struct SyntheticImage {
  std::string sop_class_uid;  // default CT Image Storage
  std::string modality = "CT";
  std::string photometric = "MONOCHROME2";
  int rows = 4;
  int columns = 4;
  int samples_per_pixel = 1;
  int bits_allocated = 16;
  int bits_stored = 16;
  int high_bit = 15;
  int pixel_representation = 0;
  int planar_configuration = 0;
  int frames = 1;           // > 1 writes NumberOfFrames
  bool ct_geometry = true;  // ImagePositionPatient z = position_z, axial orientation, 0.7 mm
  double position_z = 0.0;
  std::vector<std::uint8_t> pixels;
  std::function<void(DcmDataset&)> extra;  // more attributes
};
std::vector<std::uint8_t> Words(const std::vector<std::uint16_t>& words);

// Writes `image` (compressing with a registered encoder when `xfer` is encapsulated).
void WriteSynthetic(const SyntheticImage& image, const std::filesystem::path& path,
                    E_TransferSyntax xfer = EXS_LittleEndianExplicit, bool meta_header = true);

// Makes sure DCMTK's encoders are registered the way the phantom writer registers them (by
// writing a tiny phantom first), so encoding in tests never changes the phantom's codec setup.
void EnsurePhantomCodecs();

std::vector<std::uint8_t> ReadBytes(const std::filesystem::path& path);
void WriteBytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);
// Replaces the first occurrence of `from` with `to` (same length) in the file; false if absent.
bool PatchFile(const std::filesystem::path& path, const std::string& from, const std::string& to);

// Loads a file with DCMTK, lets `edit` change the dataset and saves it in the same syntax.
void EditDataset(const std::filesystem::path& path, const std::function<void(DcmDataset&)>& edit);

}  // namespace alveo::dicom::testing
