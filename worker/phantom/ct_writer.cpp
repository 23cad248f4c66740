// SPDX-License-Identifier: Apache-2.0
// WriteCtSeries: renders and writes each slice on worker threads as soon as it exists (one slice
// and one dataset per thread in memory), accumulating the truth as it goes. CT Image IOD, PS3.3
// A.3: Patient, General Study, Patient Study, General Series, Frame of Reference, General
// Equipment, General Image, Image Plane, Image Pixel, CT Image, VOI LUT, SOP Common.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "phantom/dicom_build.h"
#include "phantom/parallel.h"
#include "phantom/phantom_writer.h"
#include "phantom/truth_json.h"
#include "phantom/writer_common.h"

namespace alveo::phantom {
namespace {

using dicom::DatasetBuilder;
using dicom::DecimalString;

constexpr int kStoredMax12 = 4095;
constexpr int kIntercept = -1024;

// The first error of any worker wins.
class FirstError {
 public:
  void Record(const Status& s) {
    if (s.ok()) return;
    const std::lock_guard<std::mutex> lock(mutex_);
    if (status_.ok()) status_ = s;
  }
  Status Get() const { return status_; }

 private:
  std::mutex mutex_;
  Status status_;
};

// labels.raw / opacity.raw: uint8 x fastest, slices in instance order.
class LabelFiles {
 public:
  LabelFiles(const std::filesystem::path& dir, std::size_t slice_bytes)
      : slice_bytes_(slice_bytes),
        labels_(std::fopen((dir / "labels.raw").c_str(), "wb")),
        opacity_(std::fopen((dir / "opacity.raw").c_str(), "wb")) {}
  ~LabelFiles() {
    if (labels_ != nullptr) std::fclose(labels_);
    if (opacity_ != nullptr) std::fclose(opacity_);
  }
  LabelFiles(const LabelFiles&) = delete;
  LabelFiles& operator=(const LabelFiles&) = delete;

  Status Write(int k, const CtSlice& slice) {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto offset = static_cast<long>(static_cast<std::size_t>(k) * slice_bytes_);
    const bool ok = labels_ != nullptr && opacity_ != nullptr &&
                    std::fseek(labels_, offset, SEEK_SET) == 0 &&
                    std::fwrite(slice.labels.data(), 1, slice_bytes_, labels_) == slice_bytes_ &&
                    std::fseek(opacity_, offset, SEEK_SET) == 0 &&
                    std::fwrite(slice.opacity.data(), 1, slice_bytes_, opacity_) == slice_bytes_;
    return ok ? Status::Ok() : Status::Error(ErrorCode::kIoError, "cannot write label maps");
  }

 private:
  std::size_t slice_bytes_;
  std::FILE* labels_;
  std::FILE* opacity_;
  std::mutex mutex_;
};

std::string ContentKey(const CtOptions& o, const WriteOptions& w) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), "ct|%s|%llu|%dx%dx%d|%.6g|%.6g|%.6g|%d|%.6g|%d",
                std::string(KindName(o.kind)).c_str(), static_cast<unsigned long long>(o.seed),
                o.columns, o.rows, o.slices, o.field_of_view_mm, o.slice_spacing_mm,
                o.slice_thickness_mm, o.prone ? 1 : 0, o.noise_hu, w.intercept_zero ? 1 : 0);
  return buf;
}

std::string Triplet(const Vec3& v) {
  return DecimalString(v[0]) + "\\" + DecimalString(v[1]) + "\\" + DecimalString(v[2]);
}

void AddImageModules(DatasetBuilder& b, const CtPhantom& phantom, int k) {
  const VolumeGeometry& g = phantom.geometry();
  const Vec3 position = g.PositionOf(0, 0, k);
  b.Text(DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL");
  b.Text(DCM_InstanceNumber, std::to_string(k + 1));
  b.Text(DCM_AcquisitionNumber, "1");
  b.Text(DCM_ImagesInAcquisition, std::to_string(g.size_z));
  b.Text(DCM_PatientPosition, std::string(phantom.patient_position()));
  // Image Plane (C.7.6.2).
  b.Text(DCM_ImagePositionPatient, Triplet(position));
  b.Text(DCM_ImageOrientationPatient,
         Triplet(g.row_direction) + "\\" + Triplet(g.column_direction));
  b.Text(DCM_PixelSpacing, DecimalString(g.spacing[1]) + "\\" + DecimalString(g.spacing[0]));
  b.Text(DCM_SliceThickness, DecimalString(phantom.slice_thickness_mm()));
  b.Text(DCM_SliceLocation, DecimalString(position[2]));
  // CT Image (C.8.2.1).
  b.Text(DCM_KVP, "120").Text(DCM_XRayTubeCurrent, "200").Text(DCM_ExposureTime, "500");
  b.Text(DCM_ConvolutionKernel, "STANDARD").Text(DCM_ScanOptions, "HELICAL MODE");
  b.Text(DCM_ReconstructionDiameter, DecimalString(g.spacing[0] * g.size_x));
  b.Text(DCM_DataCollectionDiameter, "500").Text(DCM_GantryDetectorTilt, "0");
  b.Text(DCM_RotationDirection, "CW");
  b.Text(DCM_RescaleSlope, "1").Text(DCM_RescaleType, "HU");
  // VOI LUT (C.11.2): lung window first, mediastinal second.
  b.Text(DCM_WindowCenter, "-600\\40").Text(DCM_WindowWidth, "1500\\400");
  b.Text(DCM_WindowCenterWidthExplanation, "LUNG\\MEDIASTINUM");
}

void AddPixels(DatasetBuilder& b, const CtPhantom& phantom, const CtSlice& slice, bool signed_hu,
               std::vector<std::uint16_t>& stored) {
  const VolumeGeometry& g = phantom.geometry();
  b.U16(DCM_SamplesPerPixel, 1).Text(DCM_PhotometricInterpretation, "MONOCHROME2");
  b.U16(DCM_Rows, static_cast<std::uint16_t>(g.size_y));
  b.U16(DCM_Columns, static_cast<std::uint16_t>(g.size_x));
  b.U16(DCM_BitsAllocated, 16);
  b.U16(DCM_BitsStored, signed_hu ? 16 : 12).U16(DCM_HighBit, signed_hu ? 15 : 11);
  b.U16(DCM_PixelRepresentation, signed_hu ? 1 : 0);
  b.Text(DCM_RescaleIntercept, signed_hu ? "0" : std::to_string(kIntercept));
  stored.resize(slice.hu.size());
  for (std::size_t p = 0; p < stored.size(); ++p) {
    const int hu = slice.hu[p];
    stored[p] = signed_hu
                    ? static_cast<std::uint16_t>(static_cast<std::int16_t>(hu))
                    : static_cast<std::uint16_t>(std::clamp(hu - kIntercept, 0, kStoredMax12));
  }
  b.Pixels(stored.data(), stored.size());
}

Status WriteSlice(const CtPhantom& phantom, const dicom::SeriesContext& series,
                  const WriteOptions& o, int k, const CtSlice& slice,
                  const std::filesystem::path& path) {
  DcmFileFormat file;
  DatasetBuilder b(*file.getDataset());
  b.Common(series, internal::InstanceUid(series, k, o.transfer_syntax));
  b.Text(DCM_FrameOfReferenceUID, series.frame_of_reference_uid);
  b.Text(DCM_PositionReferenceIndicator, "");
  b.Text(DCM_ContentDate, series.study_date).Text(DCM_ContentTime, series.study_time);
  b.Text(DCM_AcquisitionDate, series.study_date).Text(DCM_AcquisitionTime, series.study_time);
  AddImageModules(b, phantom, k);
  thread_local std::vector<std::uint16_t> stored;
  AddPixels(b, phantom, slice, o.intercept_zero, stored);
  if (!b.status().ok()) return b.status();
  return dicom::SaveDataset(file, o.transfer_syntax, o.meta_header, path);
}

Result<dicom::SeriesContext> CtSeries(const CtOptions& ct, const WriteOptions& o,
                                      const CtPhantom& phantom) {
  Result<dicom::SeriesContext> series =
      internal::ResolveSeries(o.identity, ct.seed, ContentKey(ct, o));
  if (!series.ok()) return series;
  const bool abdomen = ct.kind == PatternKind::kAbdomen;
  series->sop_class_uid = UID_CTImageStorage;
  series->modality = "CT";
  series->body_part = abdomen ? "ABDOMEN" : "CHEST";
  series->study_description = abdomen ? "CT ABDOMEN" : "CT CHEST";
  series->series_description = "PHANTOM " + std::string(KindName(ct.kind)) + " " +
                               DecimalString(phantom.slice_thickness_mm()) + " mm";
  return series;
}

}  // namespace

Result<WriteSummary> WriteCtSeries(const CtOptions& ct, const WriteOptions& o,
                                   const std::filesystem::path& directory) {
  if (Status s = ValidateCtOptions(ct); !s.ok()) return s;
  if (Status s = ValidateWriteOptions(o, true, o.intercept_zero ? 16 : 12); !s.ok()) return s;
  const auto start = std::chrono::steady_clock::now();
  const CtPhantom phantom(ct);
  Result<dicom::SeriesContext> series = CtSeries(ct, o, phantom);
  if (!series.ok()) return series.status();
  if (Status s = internal::PrepareDirectory(directory); !s.ok()) return s;
  WriteSummary summary;
  for (int k = 0; k < ct.slices; ++k)
    summary.files.push_back(internal::InstanceFileName(k, ct.slices));
  std::unique_ptr<LabelFiles> labels;
  if (o.write_labels)
    labels = std::make_unique<LabelFiles>(directory, phantom.geometry().SliceSize());
  CtTruthBuilder truth(phantom.geometry());
  FirstError error;
  ParallelFor(ct.slices, o.threads, [&](int k) {
    thread_local CtSlice slice;
    phantom.RenderSlice(k, slice);
    truth.AddSlice(k, slice.labels.data(), slice.opacity.data(), slice.depth_mm.data(),
                   slice.max_depth_mm);
    if (labels) error.Record(labels->Write(k, slice));
    error.Record(WriteSlice(phantom, *series, o, k, slice,
                            directory / summary.files[static_cast<std::size_t>(k)]));
  });
  if (Status s = error.Get(); !s.ok()) return s;
  const SeriesRecord record{"CT",
                            series->sop_class_uid,
                            series->study_instance_uid,
                            series->series_instance_uid,
                            std::string(TransferSyntaxName(o.transfer_syntax)),
                            ct.slices,
                            o.write_labels ? "labels.raw" : ""};
  const std::string json =
      CtTruthJson(phantom, truth.Finish(phantom.dependent_is_dorsal()), record);
  if (Status s = internal::WriteFile(directory / "truth.json", json.data(), json.size()); !s.ok()) {
    return s;
  }
  summary.directory = directory;
  summary.modality = "CT";
  summary.sop_class_uid = series->sop_class_uid;
  summary.study_instance_uid = series->study_instance_uid;
  summary.series_instance_uid = series->series_instance_uid;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace alveo::phantom
