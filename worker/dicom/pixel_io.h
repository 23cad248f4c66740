// SPDX-License-Identifier: Apache-2.0
// Internal to the dicom module (includes DCMTK): parsing a DicomSource once with the pixel data
// left in the file or caller's buffer, the transfer syntaxes we can decode, the Image Pixel
// attributes, and reading one frame's stored values into a caller's buffer (any syntax).
// Thread-safety: functions are reentrant; one dataset must not be used by two threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>

#include "core/status.h"
#include "dicom/pixel_decoder.h"

namespace alveo::dicom::internal {

// Parses `source` into `file`; values longer than a few kB (pixel data) stay in the file or the
// caller's buffer until read. kNotFound / kIoError for files, kCorruptPixelData when the pixel
// data is cut short, kUnparseableDataset for anything else DCMTK cannot parse.
Status LoadSource(const DicomSource& source, DcmFileFormat& file);

// kUnsupportedEncoding unless the dataset's transfer syntax is one we have a decoder for.
// `ts_uid` receives the transfer syntax UID (from the meta header when there is one).
Status CheckTransferSyntax(DcmFileFormat& file, std::string& ts_uid);

// Image Pixel module (PS3.3 C.7.6.3) as far as decoding needs it.
struct PixelFormat {
  int rows = 0;
  int columns = 0;
  int samples_per_pixel = 1;
  int bits_allocated = 0;
  int bits_stored = 0;
  int high_bit = 0;
  bool is_signed = false;
  int planar_configuration = 0;
  int frames = 1;
  std::string photometric;
  bool encapsulated = false;

  std::size_t PixelCount() const {
    return static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns);
  }
  // Bytes of one frame as decoded (native YBR_FULL_422 keeps its two samples per pixel).
  std::size_t FrameBytes() const;
  bool IsMonochrome() const { return photometric == "MONOCHROME1" || photometric == "MONOCHROME2"; }
};

// Reads and checks the attributes: kCorruptPixelData without Pixel Data, kInvalidArgument for
// missing/implausible Rows, Columns, Bits*, kUnsupportedEncoding for layouts we do not decode
// (bits allocated other than 8/16, more than 16 bits stored).
Result<PixelFormat> ReadPixelFormat(DcmDataset& dataset);

// Decodes frame `frame` into `buffer` (>= format.FrameBytes() + 1 bytes, little-endian host
// order). Encapsulated frames must be read in increasing order per dataset (`start_fragment`
// carries the position; start at 0). `color_model` receives the photometric interpretation of
// the decoded data (a JPEG decoder turns YBR into RGB). Errors are kCorruptPixelData.
Status ReadFrame(DcmDataset& dataset, const PixelFormat& format, int frame,
                 std::uint32_t& start_fragment, void* buffer, std::size_t buffer_size,
                 std::string& color_model);

// Text of an attribute (all values joined with '\', trailing spaces removed), "" if absent.
std::string GetText(DcmItem& item, const DcmTagKey& tag);
// Numeric value `index` of a DS/IS/FD/US... attribute.
bool GetNumber(DcmItem& item, const DcmTagKey& tag, double& value, unsigned long index = 0);
// Pixel Padding Value etc. (VR US or SS by Pixel Representation) as a stored value.
bool GetStoredValue(DcmItem& item, const DcmTagKey& tag, bool is_signed, std::int32_t& value);

}  // namespace alveo::dicom::internal
