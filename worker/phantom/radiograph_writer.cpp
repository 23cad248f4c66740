// SPDX-License-Identifier: Apache-2.0
// WriteRadiograph: one chest film as CR Image (PS3.3 A.2), Digital X-Ray Image For Presentation
// (A.26) or Secondary Capture Image (A.8), plus truth.json and optional label images.
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "phantom/dicom_build.h"
#include "phantom/phantom_writer.h"
#include "phantom/truth_json.h"
#include "phantom/writer_common.h"

namespace alveo::phantom {
namespace {

using dicom::DatasetBuilder;
using dicom::DecimalString;

std::string ContentKey(const RadiographOptions& f, const WriteOptions& w) {
  return "xr|" + std::string(KindName(f.kind)) + "|" + std::to_string(f.seed) + "|" +
         std::to_string(f.columns) + "x" + std::to_string(f.rows) + "|" +
         DecimalString(f.field_width_mm) + "|" + std::string(ViewName(f.view)) + "|" +
         std::to_string(f.bits_stored) + "|" + DecimalString(f.noise) + "|" +
         std::to_string(static_cast<int>(w.radiograph_iod)) + "|" +
         std::to_string(static_cast<int>(w.photometric));
}

Result<dicom::SeriesContext> FilmSeries(const RadiographOptions& f, const WriteOptions& o) {
  Result<dicom::SeriesContext> s = internal::ResolveSeries(o.identity, f.seed, ContentKey(f, o));
  if (!s.ok()) return s;
  switch (o.radiograph_iod) {
    case RadiographIod::kCr:
      s->sop_class_uid = UID_ComputedRadiographyImageStorage;
      s->modality = "CR";
      break;
    case RadiographIod::kDx:
      s->sop_class_uid = UID_DigitalXRayImageStorageForPresentation;
      s->modality = "DX";
      break;
    case RadiographIod::kSecondaryCapture:
      s->sop_class_uid = UID_SecondaryCaptureImageStorage;
      s->modality = o.sc_modality;
      break;
  }
  const bool lateral = f.view == ViewPosition::kLateral;
  s->body_part = "CHEST";
  s->study_description = lateral ? "XR CHEST LATERAL" : "XR CHEST " + std::string(ViewName(f.view));
  s->series_description =
      "PHANTOM " + std::string(KindName(f.kind)) + " " + std::string(ViewName(f.view));
  return s;
}

// Stored values: the generator's MONOCHROME2 values, inverted for MONOCHROME1.
void AddPixels(DatasetBuilder& b, const RadiographOptions& f, const WriteOptions& o,
               const Image2DU16& image) {
  const bool mono1 = o.photometric == Photometric::kMonochrome1;
  const auto max_value = static_cast<std::uint16_t>((1u << f.bits_stored) - 1u);
  const bool eight = f.bits_stored == 8;
  b.U16(DCM_SamplesPerPixel, 1)
      .Text(DCM_PhotometricInterpretation, mono1 ? "MONOCHROME1" : "MONOCHROME2");
  b.U16(DCM_Rows, static_cast<std::uint16_t>(image.height));
  b.U16(DCM_Columns, static_cast<std::uint16_t>(image.width));
  b.U16(DCM_BitsAllocated, eight ? 8 : 16);
  b.U16(DCM_BitsStored, static_cast<std::uint16_t>(f.bits_stored));
  b.U16(DCM_HighBit, static_cast<std::uint16_t>(f.bits_stored - 1));
  b.U16(DCM_PixelRepresentation, 0);
  if (eight) {
    std::vector<std::uint8_t> bytes(image.PixelCount());
    for (std::size_t p = 0; p < bytes.size(); ++p) {
      const auto v = static_cast<std::uint8_t>(image.pixels[p]);
      bytes[p] = mono1 ? static_cast<std::uint8_t>(max_value - v) : v;
    }
    b.Pixels8(bytes.data(), bytes.size());
    return;
  }
  std::vector<std::uint16_t> words(image.pixels);
  if (mono1) {
    for (std::uint16_t& v : words) v = static_cast<std::uint16_t>(max_value - v);
  }
  b.Pixels(words.data(), words.size());
}

void AddImage(DatasetBuilder& b, const dicom::SeriesContext& s, const RadiographOptions& f,
              const WriteOptions& o) {
  const bool lateral = f.view == ViewPosition::kLateral;
  const std::string spacing = DecimalString(f.field_width_mm / f.columns);
  const double max_value = std::ldexp(1.0, f.bits_stored) - 1.0;
  b.Text(DCM_InstanceNumber, "1").Text(DCM_PatientOrientation, lateral ? "P\\F" : "L\\F");
  b.Text(DCM_ContentDate, s.study_date).Text(DCM_ContentTime, s.study_time);
  b.Text(DCM_AcquisitionDate, s.study_date).Text(DCM_AcquisitionTime, s.study_time);
  b.Text(DCM_ImageType, "ORIGINAL\\PRIMARY").Text(DCM_BurnedInAnnotation, "NO");
  b.Text(DCM_LossyImageCompression, "00");
  b.Text(DCM_ViewPosition, std::string(ViewName(f.view)));
  if (o.radiograph_iod != RadiographIod::kSecondaryCapture) {
    b.Text(DCM_ImagerPixelSpacing, spacing + "\\" + spacing);
  }
  b.Text(DCM_PixelSpacing, spacing + "\\" + spacing);
  b.Text(DCM_WindowCenter, DecimalString(std::round(max_value * 0.5)));
  b.Text(DCM_WindowWidth, DecimalString(max_value + 1.0));
  if (o.radiograph_iod != RadiographIod::kSecondaryCapture) b.Text(DCM_KVP, "120");
}

// View Code Sequence (CID 4010 "DX View"): the SNOMED CT codes of SRT R-10214, R-10206, R-10236.
void AddViewCode(DatasetBuilder& b, ViewPosition view) {
  switch (view) {
    case ViewPosition::kPa:
      b.Code(DCM_ViewCodeSequence, "272479007", "SCT", "postero-anterior");
      break;
    case ViewPosition::kAp:
      b.Code(DCM_ViewCodeSequence, "399348003", "SCT", "antero-posterior");
      break;
    case ViewPosition::kLateral:
      b.Code(DCM_ViewCodeSequence, "399173006", "SCT", "left lateral");
      break;
  }
}

void AddIodSpecific(DatasetBuilder& b, const dicom::SeriesContext& s, const RadiographOptions& f,
                    const WriteOptions& o) {
  const bool mono1 = o.photometric == Photometric::kMonochrome1;
  switch (o.radiograph_iod) {
    case RadiographIod::kDx:
      b.Text(DCM_PresentationIntentType, "FOR PRESENTATION");  // DX Series
      b.Text(DCM_ImageLaterality, "U");                        // DX Anatomy Imaged
      b.Code(DCM_AnatomicRegionSequence, "51185008", "SCT", "Chest");
      b.Text(DCM_PixelIntensityRelationship, "LOG");  // DX Image
      b.Text(DCM_PixelIntensityRelationshipSign, mono1 ? "1" : "-1");
      b.Text(DCM_RescaleIntercept, "0").Text(DCM_RescaleSlope, "1").Text(DCM_RescaleType, "US");
      b.Text(DCM_PresentationLUTShape, mono1 ? "INVERSE" : "IDENTITY");
      b.Text(DCM_DetectorType, "SCINTILLATOR");  // DX Detector
      b.Text(DCM_PositionerType, "");            // DX Positioning
      AddViewCode(b, f.view);
      b.EmptySequence(DCM_AcquisitionContextSequence);  // Acquisition Context
      break;
    case RadiographIod::kCr:
      break;  // CR Series/Image attributes (ViewPosition, KVP) are set for every film
    case RadiographIod::kSecondaryCapture:
      b.Text(DCM_ConversionType, "SYN");  // SC Equipment: synthetic image
      b.Text(DCM_DateOfSecondaryCapture, s.study_date)
          .Text(DCM_TimeOfSecondaryCapture, s.study_time);
      break;
  }
}

Status WriteFilm(const RadiographOptions& f, const WriteOptions& o, const dicom::SeriesContext& s,
                 const Image2DU16& image, const std::filesystem::path& path) {
  DcmFileFormat file;
  DatasetBuilder b(*file.getDataset());
  b.Common(s, internal::InstanceUid(s, 0, o.transfer_syntax));
  AddImage(b, s, f, o);
  AddIodSpecific(b, s, f, o);
  AddPixels(b, f, o, image);
  if (!b.status().ok()) return b.status();
  return dicom::SaveDataset(file, o.transfer_syntax, o.meta_header, path);
}

Status WritePgm(const std::filesystem::path& path, const Mask2D& image) {
  const std::string header =
      "P5\n" + std::to_string(image.width) + " " + std::to_string(image.height) + "\n255\n";
  std::vector<std::uint8_t> bytes(header.begin(), header.end());
  bytes.insert(bytes.end(), image.pixels.begin(), image.pixels.end());
  return internal::WriteFile(path, bytes.data(), bytes.size());
}

Status WriteLabels(const std::filesystem::path& dir, const RadiographData& data) {
  if (Status s = WritePgm(dir / "labels.pgm", data.lung_fields); !s.ok()) return s;
  Mask2D opacity(data.opacity.width, data.opacity.height);
  for (std::size_t p = 0; p < opacity.pixels.size(); ++p) {
    opacity.pixels[p] = static_cast<std::uint8_t>(std::lround(data.opacity.pixels[p] * 255.0f));
  }
  return WritePgm(dir / "opacity.pgm", opacity);
}

}  // namespace

Result<WriteSummary> WriteRadiograph(const RadiographOptions& f, const WriteOptions& o,
                                     const std::filesystem::path& directory) {
  if (Status s = ValidateRadiographOptions(f); !s.ok()) return s;
  if (Status s = ValidateWriteOptions(o, false, f.bits_stored); !s.ok()) return s;
  const auto start = std::chrono::steady_clock::now();
  Result<dicom::SeriesContext> series = FilmSeries(f, o);
  if (!series.ok()) return series.status();
  Result<RadiographData> data = GenerateRadiograph(f, o.threads);
  if (!data.ok()) return data.status();
  if (Status s = internal::PrepareDirectory(directory); !s.ok()) return s;
  WriteSummary summary;
  summary.files.push_back(internal::InstanceFileName(0, 1));
  if (Status s = WriteFilm(f, o, *series, data->image, directory / summary.files[0]); !s.ok()) {
    return s;
  }
  if (o.write_labels) {
    if (Status s = WriteLabels(directory, *data); !s.ok()) return s;
  }
  const SeriesRecord record{series->modality,
                            series->sop_class_uid,
                            series->study_instance_uid,
                            series->series_instance_uid,
                            std::string(TransferSyntaxName(o.transfer_syntax)),
                            1,
                            o.write_labels ? "labels.pgm" : ""};
  const std::string json = RadiographTruthJson(f, data->truth, record);
  if (Status s = internal::WriteFile(directory / "truth.json", json.data(), json.size()); !s.ok()) {
    return s;
  }
  summary.directory = directory;
  summary.modality = series->modality;
  summary.sop_class_uid = series->sop_class_uid;
  summary.study_instance_uid = series->study_instance_uid;
  summary.series_instance_uid = series->series_instance_uid;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace alveo::phantom
