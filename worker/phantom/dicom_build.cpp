// SPDX-License-Identifier: Apache-2.0
#include "phantom/dicom_build.h"

#include <cstdio>
#include <memory>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpeg/djrploss.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

namespace alveo::phantom::dicom {
namespace {

constexpr int kLossyQuality = 90;

// Registers DCMTK's JPEG, JPEG-LS and RLE codecs for the life of the process. Encoders keep the
// SOP Instance UID (our UIDs are deterministic) and JPEG-LS encodes the raw stored bits.
class CodecRegistry {
 public:
  CodecRegistry() {
    DJEncoderRegistration::registerCodecs(ECC_lossyYCbCr, EUC_never);
    DJDecoderRegistration::registerCodecs();
    DJLSEncoderRegistration::registerCodecs(0, 0, 0, 0, /*preferCookedEncoding=*/OFFalse, 0, OFTrue,
                                            EJLSUC_never);
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  }
  ~CodecRegistry() {
    DJEncoderRegistration::cleanup();
    DJDecoderRegistration::cleanup();
    DJLSEncoderRegistration::cleanup();
    DJLSDecoderRegistration::cleanup();
    DcmRLEEncoderRegistration::cleanup();
    DcmRLEDecoderRegistration::cleanup();
  }
  CodecRegistry(const CodecRegistry&) = delete;
  CodecRegistry& operator=(const CodecRegistry&) = delete;
};

std::unique_ptr<DcmRepresentationParameter> ParametersFor(TransferSyntax ts) {
  switch (ts) {
    case TransferSyntax::kJpegLossless:
      return std::make_unique<DJ_RPLossless>(1, 0);  // first-order prediction (SV1), no shift
    case TransferSyntax::kJpegLs:
      return std::make_unique<DJLSRepresentationParameter>(0, OFTrue);
    case TransferSyntax::kRle:
      return std::make_unique<DcmRLERepresentationParameter>();
    case TransferSyntax::kJpegBaseline:
    case TransferSyntax::kJpegExtended:
      return std::make_unique<DJ_RPLossy>(kLossyQuality);
    default:
      return nullptr;
  }
}

bool IsEncapsulated(TransferSyntax ts) {
  return ts != TransferSyntax::kExplicit && ts != TransferSyntax::kImplicit &&
         ts != TransferSyntax::kDeflated;
}

}  // namespace

void DatasetBuilder::Check(const OFCondition& cond, const DcmTagKey& tag) {
  if (cond.good() || !status_.ok()) return;
  status_ = Status::Error(ErrorCode::kInternal,
                          std::string("cannot set ") + tag.toString().c_str() + ": " + cond.text());
}

DatasetBuilder& DatasetBuilder::Text(const DcmTagKey& tag, const std::string& value) {
  Check(dataset_.putAndInsertString(tag, value.c_str()), tag);
  return *this;
}

DatasetBuilder& DatasetBuilder::U16(const DcmTagKey& tag, std::uint16_t value) {
  Check(dataset_.putAndInsertUint16(tag, value), tag);
  return *this;
}

DatasetBuilder& DatasetBuilder::Pixels(const std::uint16_t* data, std::size_t count) {
  Check(dataset_.putAndInsertUint16Array(DCM_PixelData, data, static_cast<unsigned long>(count)),
        DCM_PixelData);
  return *this;
}

DatasetBuilder& DatasetBuilder::Pixels8(const std::uint8_t* data, std::size_t count) {
  Check(dataset_.putAndInsertUint8Array(DCM_PixelData, data, static_cast<unsigned long>(count)),
        DCM_PixelData);
  return *this;
}

DatasetBuilder& DatasetBuilder::Code(const DcmTagKey& sequence, const std::string& value,
                                     const std::string& scheme, const std::string& meaning) {
  DcmItem* item = nullptr;
  Check(dataset_.findOrCreateSequenceItem(sequence, item, -2), sequence);
  if (item == nullptr) return *this;
  Check(item->putAndInsertString(DCM_CodeValue, value.c_str()), DCM_CodeValue);
  Check(item->putAndInsertString(DCM_CodingSchemeDesignator, scheme.c_str()),
        DCM_CodingSchemeDesignator);
  Check(item->putAndInsertString(DCM_CodeMeaning, meaning.c_str()), DCM_CodeMeaning);
  return *this;
}

DatasetBuilder& DatasetBuilder::EmptySequence(const DcmTagKey& sequence) {
  Check(dataset_.insertEmptyElement(sequence), sequence);
  return *this;
}

DatasetBuilder& DatasetBuilder::Common(const SeriesContext& s,
                                       const std::string& sop_instance_uid) {
  if (!s.character_set.empty()) Text(DCM_SpecificCharacterSet, s.character_set);
  Text(DCM_SOPClassUID, s.sop_class_uid).Text(DCM_SOPInstanceUID, sop_instance_uid);
  Text(DCM_InstanceCreationDate, s.study_date).Text(DCM_InstanceCreationTime, s.study_time);
  // Patient (PS3.3 C.7.1.1) and Patient Study (C.7.2.2).
  Text(DCM_PatientName, s.patient_name).Text(DCM_PatientID, s.patient_id);
  Text(DCM_PatientBirthDate, s.patient_birth_date).Text(DCM_PatientSex, s.patient_sex);
  if (!s.patient_age.empty()) Text(DCM_PatientAge, s.patient_age);
  // General Study (C.7.2.1).
  Text(DCM_StudyInstanceUID, s.study_instance_uid).Text(DCM_StudyDate, s.study_date);
  Text(DCM_StudyTime, s.study_time).Text(DCM_ReferringPhysicianName, "");
  Text(DCM_StudyID, s.study_id).Text(DCM_AccessionNumber, s.accession_number);
  Text(DCM_StudyDescription, s.study_description);
  // General Series (C.7.3.1).
  Text(DCM_Modality, s.modality).Text(DCM_SeriesInstanceUID, s.series_instance_uid);
  Text(DCM_SeriesNumber, std::to_string(s.series_number));
  Text(DCM_SeriesDate, s.study_date).Text(DCM_SeriesTime, s.study_time);
  Text(DCM_SeriesDescription, s.series_description).Text(DCM_BodyPartExamined, s.body_part);
  // General Equipment (C.7.5.1).
  Text(DCM_Manufacturer, "Alveo").Text(DCM_ManufacturerModelName, "alveo phantom");
  Text(DCM_SoftwareVersions, "1").Text(DCM_InstitutionName, "Alveo Phantom Lab");
  Text(DCM_StationName, "PHANTOM");
  return *this;
}

void EnsureCodecsRegistered() { static const CodecRegistry registry; }

E_TransferSyntax ToDcmtk(TransferSyntax ts) {
  switch (ts) {
    case TransferSyntax::kExplicit:
      return EXS_LittleEndianExplicit;
    case TransferSyntax::kImplicit:
      return EXS_LittleEndianImplicit;
    case TransferSyntax::kDeflated:
      return EXS_DeflatedLittleEndianExplicit;
    case TransferSyntax::kJpegLossless:
      return EXS_JPEGProcess14SV1;
    case TransferSyntax::kJpegLs:
      return EXS_JPEGLSLossless;
    case TransferSyntax::kRle:
      return EXS_RLELossless;
    case TransferSyntax::kJpegBaseline:
      return EXS_JPEGProcess1;
    case TransferSyntax::kJpegExtended:
      return EXS_JPEGProcess2_4;
  }
  return EXS_LittleEndianExplicit;
}

Status SaveDataset(DcmFileFormat& file, TransferSyntax ts, bool meta_header,
                   const std::filesystem::path& path) {
  const E_TransferSyntax xfer = ToDcmtk(ts);
  DcmDataset* dataset = file.getDataset();
  if (IsEncapsulated(ts)) {
    EnsureCodecsRegistered();
    const auto params = ParametersFor(ts);
    const OFCondition cond = dataset->chooseRepresentation(xfer, params.get());
    if (cond.bad() || !dataset->canWriteXfer(xfer)) {
      return Status::Error(ErrorCode::kInternal, std::string("cannot encode ") +
                                                     std::string(TransferSyntaxName(ts)) + ": " +
                                                     (cond.bad() ? cond.text() : "no codec"));
    }
  }
  const OFFilename name(path.c_str());
  const OFCondition cond = meta_header
                               ? file.saveFile(name, xfer, EET_ExplicitLength, EGL_recalcGL)
                               : dataset->saveFile(name, xfer, EET_ExplicitLength, EGL_recalcGL);
  if (cond.bad()) {
    return Status::Error(ErrorCode::kIoError, "cannot write " + path.string() + ": " + cond.text());
  }
  return Status::Ok();
}

std::string DecimalString(double value) {
  char buf[32];
  for (int digits = 10; digits > 3; --digits) {
    std::snprintf(buf, sizeof(buf), "%.*g", digits, value);
    if (std::string(buf).size() <= 16) break;
  }
  return buf;
}

}  // namespace alveo::phantom::dicom
