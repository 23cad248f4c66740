// SPDX-License-Identifier: Apache-2.0
#include "dicom/instance_reader.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <string_view>

#include "core/uid.h"
#include "dicom/dcmtk_status.h"

namespace alveo::dicom {
namespace {

// Element values longer than this stay on disk while parsing (pixel data, large private blobs).
constexpr Uint32 kMaxLoadedValueLength = 4096;

std::string GetString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) return {};
  std::string text(value.c_str());
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.pop_back();
  return text;
}

std::optional<int> GetInt(DcmItem& item, const DcmTagKey& tag) {
  Sint32 value = 0;
  if (item.findAndGetSint32(tag, value).good()) return static_cast<int>(value);
  // IS values that DCMTK could not convert (e.g. padded oddly): try the string form.
  const std::string text = GetString(item, tag);
  if (text.empty()) return std::nullopt;
  try {
    return std::stoi(text);
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<double> GetDouble(DcmItem& item, const DcmTagKey& tag, unsigned long pos = 0) {
  Float64 value = 0;
  if (item.findAndGetFloat64(tag, value, pos).good()) return value;
  return std::nullopt;
}

template <std::size_t N>
std::optional<std::array<double, N>> GetVector(DcmItem& item, const DcmTagKey& tag) {
  std::array<double, N> values{};
  for (std::size_t i = 0; i < N; ++i) {
    const auto value = GetDouble(item, tag, i);
    if (!value) return std::nullopt;
    values[i] = *value;
  }
  return values;
}

void FillIdentity(DcmItem& data, InstanceMeta& meta) {
  meta.sop_class_uid = std::string(TrimUid(GetString(data, DCM_SOPClassUID)));
  meta.sop_instance_uid = std::string(TrimUid(GetString(data, DCM_SOPInstanceUID)));
  meta.study_instance_uid = std::string(TrimUid(GetString(data, DCM_StudyInstanceUID)));
  meta.series_instance_uid = std::string(TrimUid(GetString(data, DCM_SeriesInstanceUID)));
}

void FillDescriptive(DcmItem& data, InstanceMeta& meta) {
  meta.modality = GetString(data, DCM_Modality);
  meta.body_part_examined = GetString(data, DCM_BodyPartExamined);
  meta.study_description = GetString(data, DCM_StudyDescription);
  meta.series_description = GetString(data, DCM_SeriesDescription);
  meta.protocol_name = GetString(data, DCM_ProtocolName);
  meta.image_type = GetString(data, DCM_ImageType);
  meta.view_position = GetString(data, DCM_ViewPosition);
  meta.accession_number = GetString(data, DCM_AccessionNumber);
  meta.study_date = GetString(data, DCM_StudyDate);
  meta.patient_position = GetString(data, DCM_PatientPosition);
}

void FillGeometry(DcmItem& data, InstanceMeta& meta) {
  meta.image_position = GetVector<3>(data, DCM_ImagePositionPatient);
  meta.image_orientation = GetVector<6>(data, DCM_ImageOrientationPatient);
  meta.slice_thickness = GetDouble(data, DCM_SliceThickness);
  meta.instance_number = GetInt(data, DCM_InstanceNumber);
  meta.acquisition_number = GetInt(data, DCM_AcquisitionNumber);
  meta.images_in_acquisition = GetInt(data, DCM_ImagesInAcquisition);
  meta.number_of_frames = GetInt(data, DCM_NumberOfFrames);
  Uint16 value = 0;
  if (data.findAndGetUint16(DCM_Rows, value).good()) meta.rows = value;
  if (data.findAndGetUint16(DCM_Columns, value).good()) meta.columns = value;
}

}  // namespace

Result<InstanceMeta> ReadInstanceMeta(const std::string& path, TruncatedPixelData truncated) {
  DcmFileFormat file;
  const OFCondition cond =
      file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxLoadedValueLength, ERM_autoDetect);
  DcmDataset& data = *file.getDataset();
  const bool cut_in_pixels = cond.bad() && truncated == TruncatedPixelData::kTolerate && data.tagExists(DCM_PixelData);
  if (cond.bad() && !cut_in_pixels) {
    return Status::Error(ErrorCode::kUnparseableDataset, std::string("cannot parse dataset: ") + cond.text());
  }
  InstanceMeta meta;
  FillIdentity(data, meta);
  FillDescriptive(data, meta);
  FillGeometry(data, meta);
  meta.transfer_syntax_uid = DcmXfer(data.getOriginalXfer()).getXferID();
  return meta;
}

Status ValidateForStorage(const InstanceMeta& meta) {
  const std::pair<std::string_view, const std::string*> required[] = {
      {"SOPClassUID", &meta.sop_class_uid},
      {"SOPInstanceUID", &meta.sop_instance_uid},
      {"StudyInstanceUID", &meta.study_instance_uid},
      {"SeriesInstanceUID", &meta.series_instance_uid},
  };
  for (const auto& [name, value] : required) {
    if (value->empty()) {
      return Status::Error(ErrorCode::kMissingAttribute, std::string(name) + " is missing or empty");
    }
    if (!IsValidUid(*value)) {
      return Status::Error(ErrorCode::kInvalidUid, std::string(name) + " is not a valid UID");
    }
  }
  return Status::Ok();
}

}  // namespace alveo::dicom
