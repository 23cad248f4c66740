// SPDX-License-Identifier: Apache-2.0
// DecodeRadiograph: the first frame of a projection image to float. Grey images go through one
// lookup table per raw word (stored-value layout, Modality LUT or rescale, MONOCHROME1 mirror);
// colour images become luminance.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include "dicom/pixel_decoder.h"
#include "dicom/pixel_io.h"
#include "dicom/stored_values.h"

namespace alveo::dicom {
namespace {

using internal::GetNumber;
using internal::GetText;
using internal::PixelFormat;
using internal::StoredLayout;

// Top-level attribute, else in the shared functional groups (multi-frame images).
DcmItem* FindWith(DcmDataset& dataset, const DcmTagKey& tag, const DcmTagKey& macro) {
  if (dataset.tagExists(tag)) return &dataset;
  DcmItem* shared = nullptr;
  DcmItem* item = nullptr;
  if (dataset.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0).good() &&
      shared != nullptr && shared->findAndGetSequenceItem(macro, item, 0).good() &&
      item != nullptr && item->tagExists(tag)) {
    return item;
  }
  return nullptr;
}

// Modality LUT Sequence (PS3.3 C.11.1): output = LUT[clamp(stored - first_mapped)].
struct ModalityLut {
  std::int32_t first_mapped = 0;
  std::vector<double> entries;
};

std::optional<ModalityLut> ReadModalityLut(DcmDataset& dataset, bool is_signed) {
  DcmItem* item = nullptr;
  if (dataset.findAndGetSequenceItem(DCM_ModalityLUTSequence, item, 0).bad() || item == nullptr) {
    return std::nullopt;
  }
  double count = 0.0;
  double bits = 16.0;
  std::int32_t first = 0;
  DcmElement* descriptor = nullptr;
  if (!GetNumber(*item, DCM_LUTDescriptor, count, 0) ||
      !GetNumber(*item, DCM_LUTDescriptor, bits, 2) ||
      item->findAndGetElement(DCM_LUTDescriptor, descriptor).bad() || descriptor == nullptr) {
    return std::nullopt;
  }
  Uint16 first_bits = 0;
  if (descriptor->getUint16(first_bits, 1).good()) {
    first = is_signed ? static_cast<std::int16_t>(first_bits) : first_bits;
  } else {
    double value = 0.0;
    if (!GetNumber(*item, DCM_LUTDescriptor, value, 1)) return std::nullopt;
    first = static_cast<std::int32_t>(value);
  }
  const auto entries = static_cast<unsigned long>(count == 0.0 ? 65536.0 : count);
  const Uint16* data = nullptr;
  unsigned long data_count = 0;
  if (item->findAndGetUint16Array(DCM_LUTData, data, &data_count).bad() || data == nullptr) {
    return std::nullopt;
  }
  ModalityLut lut;
  lut.first_mapped = first;
  if (bits <= 8.0 && data_count * 2 >= entries && data_count < entries) {
    // 8-bit entries packed two per word (OW).
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
    for (unsigned long i = 0; i < entries; ++i) lut.entries.push_back(bytes[i]);
  } else {
    if (data_count < entries) return std::nullopt;
    for (unsigned long i = 0; i < entries; ++i) lut.entries.push_back(data[i]);
  }
  return lut;
}

// Raw word -> modality value (MONOCHROME1 mirrored), and the value range for the window.
struct GreyTable {
  std::vector<float> values;
  double low = 0.0;
  double high = 0.0;
  bool mirrored = false;
};

GreyTable BuildGreyTable(DcmDataset& dataset, const PixelFormat& f) {
  const StoredLayout layout{f.bits_allocated, f.bits_stored, f.high_bit, f.is_signed};
  const std::optional<ModalityLut> lut = ReadModalityLut(dataset, f.is_signed);
  double slope = 1.0;
  double intercept = 0.0;
  if (DcmItem* item = FindWith(dataset, DCM_RescaleSlope, DCM_PixelValueTransformationSequence)) {
    if (GetNumber(*item, DCM_RescaleSlope, slope) && slope == 0.0) slope = 1.0;
  }
  if (DcmItem* item =
          FindWith(dataset, DCM_RescaleIntercept, DCM_PixelValueTransformationSequence)) {
    GetNumber(*item, DCM_RescaleIntercept, intercept);
  }
  auto transform = [&](std::int32_t v) {
    if (!lut) return v * slope + intercept;
    const auto last = static_cast<std::int64_t>(lut->entries.size()) - 1;
    const std::int64_t index =
        std::clamp<std::int64_t>(std::int64_t{v} - lut->first_mapped, 0, last);
    return lut->entries[static_cast<std::size_t>(index)];
  };
  GreyTable table;
  const std::size_t words = std::size_t{1} << f.bits_allocated;
  table.values.resize(words);
  table.low = transform(layout.MinValue());
  table.high = table.low;
  for (std::int32_t v = layout.MinValue(); v <= layout.MaxValue(); ++v) {
    const double out = transform(v);
    table.low = std::min(table.low, out);
    table.high = std::max(table.high, out);
  }
  table.mirrored = f.photometric == "MONOCHROME1";
  for (std::size_t raw = 0; raw < words; ++raw) {
    const double out = transform(layout.Value(static_cast<std::uint32_t>(raw)));
    table.values[raw] = static_cast<float>(table.mirrored ? table.low + table.high - out : out);
  }
  return table;
}

template <typename Sample>
Status ToLuminance(const Sample* s, const PixelFormat& f, const std::string& model,
                   std::vector<float>& out) {
  const std::size_t n = f.PixelCount();
  const bool planar = f.planar_configuration == 1;
  if (model == "RGB") {
    for (std::size_t i = 0; i < n; ++i) {
      const double r = planar ? s[i] : s[3 * i];
      const double g = planar ? s[n + i] : s[3 * i + 1];
      const double b = planar ? s[2 * n + i] : s[3 * i + 2];
      out[i] = static_cast<float>(0.299 * r + 0.587 * g + 0.114 * b);
    }
    return Status::Ok();
  }
  if (model == "YBR_FULL") {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(planar ? s[i] : s[3 * i]);
    return Status::Ok();
  }
  if (model == "YBR_FULL_422" && !f.encapsulated) {
    // Y1 Y2 Cb Cr per horizontal pixel pair (PS3.3 C.7.6.3.1.2); needs an even column count.
    if (f.columns % 2 != 0) {
      return Status::Error(ErrorCode::kCorruptPixelData, "YBR_FULL_422 with odd Columns");
    }
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(s[4 * (i / 2) + (i % 2)]);
    return Status::Ok();
  }
  return Status::Error(ErrorCode::kUnsupportedEncoding,
                       "colour model " + model + " cannot be converted to luminance");
}

void ReadDescriptive(DcmDataset& dataset, Radiograph& r) {
  std::array<double, 2> spacing{};
  for (const DcmTagKey& tag : {DCM_PixelSpacing, DCM_ImagerPixelSpacing}) {
    DcmItem* item = FindWith(dataset, tag, DCM_PixelMeasuresSequence);
    if (item != nullptr && GetNumber(*item, tag, spacing[0], 0) &&
        GetNumber(*item, tag, spacing[1], 1) && spacing[0] > 0.0 && spacing[1] > 0.0) {
      r.spacing_y_mm = spacing[0];  // between rows
      r.spacing_x_mm = spacing[1];  // between columns
      break;
    }
  }
  r.image.spacing_x = r.spacing_x_mm > 0.0 ? r.spacing_x_mm : 1.0;
  r.image.spacing_y = r.spacing_y_mm > 0.0 ? r.spacing_y_mm : 1.0;
  double center = 0.0;
  double width = 0.0;
  if (DcmItem* item = FindWith(dataset, DCM_WindowCenter, DCM_FrameVOILUTSequence)) {
    if (GetNumber(*item, DCM_WindowCenter, center) && GetNumber(*item, DCM_WindowWidth, width) &&
        width > 0.0) {
      r.window_center = center;
      r.window_width = width;
    }
  }
  r.view_position = GetText(dataset, DCM_ViewPosition);
  r.laterality = GetText(dataset, DCM_ImageLaterality);
  if (r.laterality.empty()) r.laterality = GetText(dataset, DCM_Laterality);
  r.patient_orientation = GetText(dataset, DCM_PatientOrientation);
}

Result<Radiograph> Decode(const DicomSource& source) {
  EnsureDecodersRegistered();
  DcmFileFormat file;
  if (Status s = internal::LoadSource(source, file); !s.ok()) return s;
  std::string ts_uid;
  if (Status s = internal::CheckTransferSyntax(file, ts_uid); !s.ok()) return s;
  DcmDataset& dataset = *file.getDataset();
  Result<PixelFormat> format = internal::ReadPixelFormat(dataset);
  if (!format.ok()) return format.status();
  const PixelFormat& f = *format;

  Radiograph r;
  r.photometric = f.photometric;
  r.bits_stored = f.bits_stored;
  r.frames = f.frames;
  ReadDescriptive(dataset, r);
  r.image.width = f.columns;
  r.image.height = f.rows;
  r.image.pixels.resize(f.PixelCount());

  const std::size_t bytes = f.FrameBytes() + 2;
  std::vector<std::uint16_t> buffer((bytes + 1) / 2);  // 16-bit aligned
  std::uint32_t start_fragment = 0;
  std::string model;
  if (Status s = internal::ReadFrame(dataset, f, 0, start_fragment, buffer.data(),
                                     buffer.size() * 2, model);
      !s.ok()) {
    return s;
  }
  const auto* bytes8 = reinterpret_cast<const std::uint8_t*>(buffer.data());
  if (f.samples_per_pixel == 3) {
    Status s = f.bits_allocated == 8 ? ToLuminance(bytes8, f, model, r.image.pixels)
                                     : ToLuminance(buffer.data(), f, model, r.image.pixels);
    if (!s.ok()) return s;
    return r;
  }
  if (model != "MONOCHROME1" && model != "MONOCHROME2") {
    return Status::Error(ErrorCode::kUnsupportedEncoding,
                         "single-sample photometric interpretation " + model + " is not supported");
  }
  const GreyTable table = BuildGreyTable(dataset, f);
  const float* values = table.values.data();
  const std::size_t n = f.PixelCount();
  if (f.bits_allocated == 8) {
    for (std::size_t i = 0; i < n; ++i) r.image.pixels[i] = values[bytes8[i]];
  } else {
    for (std::size_t i = 0; i < n; ++i) r.image.pixels[i] = values[buffer[i]];
  }
  if (table.mirrored && r.window_center) {
    r.window_center = table.low + table.high - *r.window_center;
  }
  return r;
}

}  // namespace

Result<Radiograph> DecodeRadiograph(const DicomSource& source) {
  Result<Radiograph> r = Decode(source);
  if (r.ok()) return r;
  return Status::Error(r.status().code(), source.Describe() + ": " + r.status().message());
}

}  // namespace alveo::dicom
