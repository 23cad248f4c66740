// SPDX-License-Identifier: Apache-2.0
// Pixel decoding into the core image types: a CT series (single-frame slices or Enhanced/Legacy
// Converted multi-frame) into a Volume of Hounsfield units, a radiograph into a float Image2D.
// Thread-safety: reentrant; DecodeCtSeries uses its own worker threads. Ownership: results own
// their pixels; DicomSource buffers are borrowed and must outlive the call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/image2d.h"
#include "core/status.h"
#include "core/volume.h"

namespace alveo::dicom {

// A DICOM file on disk, or the bytes of one in memory (Part 10 file or bare dataset). The buffer
// is borrowed: it must stay valid and unchanged until the decode call returns.
struct DicomSource {
  std::string path;  // empty => buffer
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;

  static DicomSource File(std::string file_path);
  static DicomSource Buffer(const std::uint8_t* bytes, std::size_t byte_count);
  static DicomSource Buffer(const std::vector<std::uint8_t>& bytes);
  bool is_buffer() const { return path.empty(); }
  // For messages: the path, or "memory buffer (N bytes)".
  std::string Describe() const;
};

struct DecodeOptions {
  int threads = 1;  // worker threads (values < 1 mean 1); results are identical for any count
};

// Where each slice of a decoded volume came from, and what the decoder had to repair.
struct CtSliceSource {
  std::size_t source_index = 0;  // index into the `slices` argument
  int frame = 0;                 // frame number within that source (0 for single-frame files)
  double position_mm = 0.0;      // Image Position (Patient) projected on the slice normal
};

struct CtDecodeReport {
  std::vector<CtSliceSource> slices;  // one per volume slice k, in volume order
  std::uint64_t padding_voxels = 0;   // Pixel Padding Value (Range) voxels, written as -1024
  std::uint64_t clamped_voxels = 0;   // rescaled values outside int16, clamped
  double min_gap_mm = 0.0;            // smallest / largest distance between consecutive slices
  double max_gap_mm = 0.0;            // (equal for an evenly spaced series; 0 for one slice)
  double max_off_axis_mm = 0.0;       // largest in-plane offset of a slice origin from the
                                      // volume's slice axis (gantry tilt, mixed stacks)
  std::string transfer_syntax_uid;    // of the first slice
};

struct DecodedCt {
  Volume volume;
  CtDecodeReport report;
};

// Decodes one CT series into Hounsfield units.
//
// Slices are sorted by Image Position (Patient) projected on the normal n = row x column of
// Image Orientation (Patient), increasing, so (row, column, slice) directions form a right-handed
// frame: origin = position of the first sorted slice, slice_direction = n, spacing[2] = median
// distance between consecutive positions (SliceThickness only for a single slice, else 1 mm).
// HU = stored * RescaleSlope + RescaleIntercept, stored values masked/sign-extended from Bits
// Stored and High Bit (PS3.5 8.1.1); Pixel Padding Value (and Range Limit) voxels become -1024;
// results are clamped to int16. Each slice is decoded straight into its place in the volume.
//
// Errors: kInvalidArgument (empty input, inconsistent rows/columns/orientation/pixel spacing,
// duplicate positions, missing geometry), kNotFound / kIoError (file), kUnparseableDataset,
// kCorruptPixelData (missing, short or undecodable pixel data; names the slice and why),
// kUnsupportedEncoding (transfer syntax without a decoder, colour or > 16-bit CT).
Result<Volume> DecodeCtSeries(const std::vector<DicomSource>& slices,
                              const DecodeOptions& options = {});
Result<DecodedCt> DecodeCtSeriesWithReport(const std::vector<DicomSource>& slices,
                                           const DecodeOptions& options = {});

struct Radiograph {
  // Float values after the Modality LUT / rescale. MONOCHROME1 is inverted within the value range
  // (min + max - v) so that higher values are brighter on a standard display (more attenuation).
  // Colour images become luminance (0.299 R + 0.587 G + 0.114 B, or Y of YBR). image.spacing_x/y
  // are the millimetre spacings when known, else 1.
  Image2D image;
  double spacing_x_mm = 0.0;  // PixelSpacing, else ImagerPixelSpacing, else 0 = unknown
  double spacing_y_mm = 0.0;
  std::string photometric;  // as stored, e.g. "MONOCHROME1", "RGB", "YBR_FULL_422"
  int bits_stored = 0;
  // First VOI window if present, in the units of `image` (mirrored like the values for
  // MONOCHROME1, so it still selects the same tissue).
  std::optional<double> window_center, window_width;
  std::string view_position;        // (0018,5101)
  std::string laterality;           // Image Laterality (0020,0062), else Laterality (0020,0060)
  std::string patient_orientation;  // (0020,0020), values joined with '\'
  int frames = 1;                   // NumberOfFrames; only the first frame is decoded
};

// Decodes the first frame of a projection radiograph (CR, DX, SC, ...). Errors as for CT, plus
// kUnsupportedEncoding for PALETTE COLOR and > 16-bit data.
Result<Radiograph> DecodeRadiograph(const DicomSource& source);

// Registers DCMTK's JPEG, JPEG-LS and RLE decoders once for the life of the process (never
// deregistered). The decode functions call it; calling it earlier from main is also fine.
void EnsureDecodersRegistered();

}  // namespace alveo::dicom
