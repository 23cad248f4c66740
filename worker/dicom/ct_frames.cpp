// SPDX-License-Identifier: Apache-2.0
#include "dicom/ct_frames.h"

#include <array>
#include <string>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>

namespace alveo::dicom::internal {
namespace {

template <std::size_t N>
std::optional<std::array<double, N>> GetVector(DcmItem* item, const DcmTagKey& tag) {
  if (item == nullptr) return std::nullopt;
  std::array<double, N> values{};
  for (std::size_t i = 0; i < N; ++i) {
    if (!GetNumber(*item, tag, values[i], static_cast<unsigned long>(i))) return std::nullopt;
  }
  return values;
}

std::optional<double> GetOptional(DcmItem* item, const DcmTagKey& tag) {
  double value = 0.0;
  if (item != nullptr && GetNumber(*item, tag, value)) return value;
  return std::nullopt;
}

HuParams BaseHuParams(DcmDataset& dataset, const PixelFormat& format) {
  HuParams hu;
  hu.layout.bits_allocated = format.bits_allocated;
  hu.layout.bits_stored = format.bits_stored;
  hu.layout.high_bit = format.high_bit;
  hu.layout.is_signed = format.is_signed;
  std::int32_t value = 0;
  if (GetStoredValue(dataset, DCM_PixelPaddingValue, format.is_signed, value)) {
    hu.padding_value = value;
    if (GetStoredValue(dataset, DCM_PixelPaddingRangeLimit, format.is_signed, value)) {
      hu.padding_limit = value;
    }
  }
  return hu;
}

void ApplyRescale(DcmItem* item, HuParams& hu) {
  if (item == nullptr) return;
  if (const auto slope = GetOptional(item, DCM_RescaleSlope); slope && *slope != 0.0) {
    hu.slope = *slope;
  }
  if (const auto intercept = GetOptional(item, DCM_RescaleIntercept)) hu.intercept = *intercept;
}

FrameGeometry BaseGeometry(const PixelFormat& format) {
  FrameGeometry g;
  g.rows = format.rows;
  g.columns = format.columns;
  return g;
}

// Item 0 of `sequence` in the per-frame item, else in the shared item (PS3.3 C.7.6.16).
DcmItem* MacroItem(DcmItem* per_frame, DcmItem* shared, const DcmTagKey& sequence) {
  DcmItem* item = nullptr;
  if (per_frame != nullptr && per_frame->findAndGetSequenceItem(sequence, item, 0).good() &&
      item != nullptr) {
    return item;
  }
  item = nullptr;
  if (shared != nullptr && shared->findAndGetSequenceItem(sequence, item, 0).good()) return item;
  return nullptr;
}

Result<std::vector<CtFrame>> ReadMultiFrame(DcmDataset& dataset, const PixelFormat& format) {
  DcmItem* shared = nullptr;
  if (dataset.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0).bad()) {
    shared = nullptr;
  }
  DcmSequenceOfItems* per_frame = nullptr;
  if (dataset.findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, per_frame).bad()) {
    per_frame = nullptr;
  }
  if (per_frame == nullptr && shared == nullptr) {
    return Status::Error(ErrorCode::kUnsupportedEncoding,
                         "multi-frame image (" + std::to_string(format.frames) +
                             " frames) without functional groups: frame positions unknown");
  }
  if (format.frames > 1 &&
      (per_frame == nullptr || per_frame->card() < static_cast<unsigned long>(format.frames))) {
    return Status::Error(ErrorCode::kInvalidArgument,
                         "Per-frame Functional Groups Sequence has fewer items than the " +
                             std::to_string(format.frames) + " frames");
  }
  const HuParams base = BaseHuParams(dataset, format);
  std::vector<CtFrame> frames;
  frames.reserve(static_cast<std::size_t>(format.frames));
  for (int f = 0; f < format.frames; ++f) {
    DcmItem* item =
        per_frame != nullptr ? per_frame->getItem(static_cast<unsigned long>(f)) : nullptr;
    CtFrame frame;
    frame.geometry = BaseGeometry(format);
    if (auto p = GetVector<3>(MacroItem(item, shared, DCM_PlanePositionSequence),
                              DCM_ImagePositionPatient)) {
      frame.geometry.position = Vec3{(*p)[0], (*p)[1], (*p)[2]};
    }
    frame.geometry.orientation = GetVector<6>(MacroItem(item, shared, DCM_PlaneOrientationSequence),
                                              DCM_ImageOrientationPatient);
    DcmItem* measures = MacroItem(item, shared, DCM_PixelMeasuresSequence);
    frame.geometry.pixel_spacing = GetVector<2>(measures, DCM_PixelSpacing);
    frame.geometry.slice_thickness = GetOptional(measures, DCM_SliceThickness);
    frame.hu = base;
    ApplyRescale(&dataset, frame.hu);  // not allowed at top level, but harmless as a fallback
    ApplyRescale(MacroItem(item, shared, DCM_PixelValueTransformationSequence), frame.hu);
    frames.push_back(std::move(frame));
  }
  return frames;
}

}  // namespace

Result<std::vector<CtFrame>> ReadCtFrames(DcmDataset& dataset, const PixelFormat& format) {
  if (format.frames > 1 || dataset.tagExists(DCM_PerFrameFunctionalGroupsSequence) ||
      dataset.tagExists(DCM_SharedFunctionalGroupsSequence)) {
    return ReadMultiFrame(dataset, format);
  }
  CtFrame frame;
  frame.geometry = BaseGeometry(format);
  if (auto p = GetVector<3>(&dataset, DCM_ImagePositionPatient)) {
    frame.geometry.position = Vec3{(*p)[0], (*p)[1], (*p)[2]};
  }
  frame.geometry.orientation = GetVector<6>(&dataset, DCM_ImageOrientationPatient);
  frame.geometry.pixel_spacing = GetVector<2>(&dataset, DCM_PixelSpacing);
  frame.geometry.slice_thickness = GetOptional(&dataset, DCM_SliceThickness);
  frame.hu = BaseHuParams(dataset, format);
  ApplyRescale(&dataset, frame.hu);
  return std::vector<CtFrame>{std::move(frame)};
}

void KeepOnlyPixelModule(DcmDataset& dataset) {
  static const DcmTagKey kKeep[] = {
      DCM_SOPClassUID,
      DCM_SamplesPerPixel,
      DCM_PhotometricInterpretation,
      DCM_NumberOfFrames,
      DCM_Rows,
      DCM_Columns,
      DCM_BitsAllocated,
      DCM_BitsStored,
      DCM_HighBit,
      DCM_PixelRepresentation,
      DCM_PlanarConfiguration,
      DCM_PixelData,
  };
  for (unsigned long i = dataset.card(); i-- > 0;) {
    DcmElement* element = dataset.getElement(i);
    if (element == nullptr) continue;
    bool keep = false;
    for (const DcmTagKey& tag : kKeep) keep = keep || element->getTag() == tag;
    if (!keep) delete dataset.remove(i);
  }
}

}  // namespace alveo::dicom::internal
