// SPDX-License-Identifier: Apache-2.0
#include "unit/phantom/phantom_test_util.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <Poco/JSON/Parser.h>
#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>


namespace alveo::phantom::testing {
namespace {

void RegisterDecoders() {
  static const bool registered = [] {
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
    return true;
  }();
  (void)registered;
}

std::string Text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

int Int(DcmItem& item, const DcmTagKey& tag) {
  Uint16 value = 0;
  if (item.findAndGetUint16(tag, value).good()) return value;
  Sint32 number = 0;
  item.findAndGetSint32(tag, number);
  return number;
}

bool HasPreamble(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<char, 132> head{};
  in.read(head.data(), head.size());
  return in.gcount() == 132 && std::string(head.data() + 128, 4) == "DICM";
}

bool ReadPixels(DcmDataset& ds, ReadImage& out) {
  const std::size_t n = static_cast<std::size_t>(out.rows) * static_cast<std::size_t>(out.columns);
  if (out.bits_allocated == 8) {
    const Uint8* bytes = nullptr;
    unsigned long count = 0;
    if (ds.findAndGetUint8Array(DCM_PixelData, bytes, &count).bad() || count < n) return false;
    out.stored.assign(bytes, bytes + n);
    return true;
  }
  const Uint16* words = nullptr;
  unsigned long count = 0;
  if (ds.findAndGetUint16Array(DCM_PixelData, words, &count).bad() || count < n) return false;
  out.stored.resize(n);
  for (std::size_t p = 0; p < n; ++p) {
    out.stored[p] = out.pixel_representation == 1 ? static_cast<std::int16_t>(words[p]) : words[p];
  }
  return true;
}

}  // namespace

ReadImage ReadDicom(const std::filesystem::path& file) {
  RegisterDecoders();
  ReadImage out;
  DcmFileFormat ff;
  const OFCondition loaded = ff.loadFile(file.c_str());
  if (loaded.bad()) {
    out.error = loaded.text();
    return out;
  }
  out.has_meta_header = HasPreamble(file);
  DcmDataset& ds = *ff.getDataset();
  out.transfer_syntax_uid = DcmXfer(ds.getOriginalXfer()).getXferID();
  out.sop_class_uid = Text(ds, DCM_SOPClassUID);
  out.sop_instance_uid = Text(ds, DCM_SOPInstanceUID);
  out.study_uid = Text(ds, DCM_StudyInstanceUID);
  out.series_uid = Text(ds, DCM_SeriesInstanceUID);
  out.modality = Text(ds, DCM_Modality);
  out.photometric = Text(ds, DCM_PhotometricInterpretation);
  out.image_type = Text(ds, DCM_ImageType);
  out.view_position = Text(ds, DCM_ViewPosition);
  out.body_part = Text(ds, DCM_BodyPartExamined);
  out.charset = Text(ds, DCM_SpecificCharacterSet);
  out.patient_name_raw = Text(ds, DCM_PatientName);
  out.rows = Int(ds, DCM_Rows);
  out.columns = Int(ds, DCM_Columns);
  out.bits_allocated = Int(ds, DCM_BitsAllocated);
  out.bits_stored = Int(ds, DCM_BitsStored);
  out.pixel_representation = Int(ds, DCM_PixelRepresentation);
  out.instance_number = Int(ds, DCM_InstanceNumber);
  out.images_in_acquisition = Int(ds, DCM_ImagesInAcquisition);
  ds.findAndGetFloat64(DCM_RescaleSlope, out.slope);
  ds.findAndGetFloat64(DCM_RescaleIntercept, out.intercept);
  for (unsigned long i = 0; i < 3; ++i) {
    Float64 v = 0.0;
    if (ds.findAndGetFloat64(DCM_ImagePositionPatient, v, i).good())
      out.image_position.push_back(v);
  }
  const OFCondition decoded = ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
  if (decoded.bad() || !ReadPixels(ds, out)) {
    out.error = decoded.bad() ? decoded.text() : "no pixel data";
    return out;
  }
  if (ds.convertToUTF8().good()) out.patient_name_utf8 = Text(ds, DCM_PatientName);
  out.ok = true;
  return out;
}

Poco::JSON::Object::Ptr ReadJson(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  Poco::JSON::Parser parser;
  return parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
}

bool HaveDciodvfy() { return std::filesystem::exists("/usr/bin/dciodvfy"); }

std::vector<std::string> DciodvfyErrors(const std::filesystem::path& file) {
  std::vector<std::string> errors;
  if (!HaveDciodvfy()) return errors;
  const std::string command = "/usr/bin/dciodvfy '" + file.string() + "' 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {"Error - cannot run dciodvfy"};
  std::array<char, 4096> line{};
  while (std::fgets(line.data(), static_cast<int>(line.size()), pipe) != nullptr) {
    const std::string text(line.data());
    if (text.rfind("Error", 0) == 0) errors.push_back(text);
  }
  ::pclose(pipe);
  return errors;
}

}  // namespace alveo::phantom::testing
