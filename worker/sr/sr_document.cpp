// SPDX-License-Identifier: Apache-2.0
#include "sr/sr_document.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <vector>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include "sr/sr_trees.h"

namespace alveo::sr {
namespace internal {

DSRCodedEntryValue ToCode(const CodedConcept& c) {
  return DSRCodedEntryValue(c.value.c_str(), c.scheme.c_str(), c.meaning.c_str());
}

std::string NumberText(double value) {
  if (!std::isfinite(value)) value = 0;
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  std::string s = text;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s == "-0" ? "0" : s;
}

}  // namespace internal

namespace {

using internal::Steps;

constexpr Uint32 kHeaderOnly = 4096;
constexpr char kUtf8[] = "ISO_IR 192";

DSRTypes::E_DocumentType DocumentType(SrOutputClass output) {
  switch (output) {
    case SrOutputClass::kComprehensive:
      return DSRTypes::DT_ComprehensiveSR;
    case SrOutputClass::kEnhanced:
      return DSRTypes::DT_EnhancedSR;
    case SrOutputClass::kBasicText:
      return DSRTypes::DT_BasicTextSR;
    case SrOutputClass::kComprehensive3d:
      break;
  }
  return DSRTypes::DT_Comprehensive3DSR;
}

Result<std::unique_ptr<DcmFileFormat>> LoadSource(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Status::Error(ErrorCode::kNotFound, "source instance " + path + " not found");
  auto file = std::make_unique<DcmFileFormat>();
  const OFCondition cond = file->loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kHeaderOnly);
  if (cond.bad()) {
    return Status::Error(ErrorCode::kUnparseableDataset,
                         "source instance " + path + ": " + cond.text());
  }
  return file;
}

std::string DicomDate(std::tm t) {
  char text[16];
  std::strftime(text, sizeof text, "%Y%m%d", &t);
  return text;
}

std::string DicomTime(std::tm t) {
  char text[16];
  std::strftime(text, sizeof text, "%H%M%S", &t);
  return text;
}

// DICOM dates and times are local time (PS3.5 6.2 DA/TM).
std::tm LocalTime(TimePoint at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm local{};
  localtime_r(&seconds, &local);
  return local;
}

bool IsAscii(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void SetDocumentAttributes(DSRDocument& doc, DcmDataset& study_data, const SrDocumentRequest& r,
                           Steps& steps) {
  const SrTemplate& t = *r.tmpl;
  steps(doc.readStudyData(study_data), "patient and study modules");
  doc.createNewSeries();  // the generated UIDs are replaced by the derived ones on writing
  // DCMTK 3.6.7's VR checker cannot check UTF-8 (it warns and skips): check ASCII text only.
  auto text = [&](OFCondition (DSRDocument::*set)(const OFString&, const OFBool),
                  const std::string& value,
                  const char* what) { steps((doc.*set)(value.c_str(), IsAscii(value)), what); };
  text(&DSRDocument::setSeriesDescription, t.series_description, "series description");
  text(&DSRDocument::setManufacturer, t.manufacturer, "manufacturer");
  text(&DSRDocument::setManufacturerModelName, t.model_name, "model name");
  steps(doc.setSeriesNumber(std::to_string(t.series_number).c_str()), "series number");
  steps(doc.setInstanceNumber(std::to_string(r.instance_number).c_str()), "instance number");
  const std::tm local = LocalTime(r.created_at);
  steps(doc.setContentDate(DicomDate(local).c_str()), "content date");
  steps(doc.setContentTime(DicomTime(local).c_str()), "content time");
  steps(doc.setPreliminaryFlag(DSRTypes::PF_Final), "preliminary flag");
  // An automated report is complete as written (Completion Flag COMPLETE, PS3.3 C.17.2); nobody
  // verifies it, so the Verification Flag stays UNVERIFIED.
  steps(doc.completeDocument(), "completion flag");
  // Last, so the setters above check against the default repertoire; EncodeLikeSource() settles it.
  steps(doc.setSpecificCharacterSet(kUtf8, OFFalse), "specific character set");
}

// Whether any coded entry of the document uses `scheme`. Basic Text writes the measurement groups
// as sentences, so only their evaluations elsewhere are coded.
bool UsesScheme(const SrContent& c, const std::string& scheme, bool groups_coded) {
  auto uses = [&](const CodedConcept& code) { return code.scheme == scheme; };
  if (uses(c.procedure) || uses(c.hemorrhage) || uses(c.hemorrhage_value)) return true;
  for (const DifferentialItem& d : c.differential) {
    if (uses(d.diagnosis)) return true;
  }
  if (!groups_coded) return false;
  for (const MeasurementGroup& g : c.groups) {
    if ((g.finding && uses(*g.finding)) || uses(g.laterality)) return true;
    for (const Measurement& m : g.measurements) {
      if (uses(m.name) || uses(m.unit)) return true;
    }
    for (const auto& [name, value] : g.evaluations) {
      if (uses(name) || uses(value)) return true;
    }
  }
  return false;
}

void AddReferences(DSRDocument& doc, const SrDocumentRequest& r, Steps& steps) {
  for (const SrEvidence& e : r.evidence) {
    steps(doc.getCurrentRequestedProcedureEvidence().addItem(
              e.study_instance_uid.c_str(), e.series_instance_uid.c_str(), e.sop_class_uid.c_str(),
              e.sop_instance_uid.c_str()),
          "evidence reference");
  }
  if (r.predecessor) {
    const SrReference& p = *r.predecessor;
    steps(doc.getPredecessorDocuments().addItem(
              p.study_instance_uid.c_str(), p.series_instance_uid.c_str(), p.sop_class_uid.c_str(),
              p.sop_instance_uid.c_str()),
          "predecessor document");
  }
  const SrPrivateScheme& scheme = r.tmpl->private_scheme;
  if (!UsesScheme(r.content, scheme.designator, r.tmpl->output != SrOutputClass::kBasicText))
    return;
  DSRCodingSchemeIdentificationList& schemes = doc.getCodingSchemeIdentification();
  if (steps(schemes.addItem(scheme.designator.c_str()), "coding scheme identification")) {
    steps(schemes.setCodingSchemeName(scheme.name.c_str()), "coding scheme name");
    steps(schemes.setCodingSchemeVersion(scheme.version.c_str()), "coding scheme version");
    steps(schemes.setCodingSchemeResponsibleOrganization(scheme.responsible_organization.c_str()),
          "coding scheme organization");
  }
}

// The derived UIDs replace DCMTK's generated ones (DSRDocument has no setter for them), and the
// instance creation time is the request's, so the same request gives the same bytes.
void SetDerivedAttributes(DcmDataset& dataset, const SrDocumentRequest& r, const std::tm& created,
                          Steps& steps) {
  steps(dataset.putAndInsertString(DCM_SeriesInstanceUID, r.series_instance_uid.c_str()),
        "series UID");
  steps(dataset.putAndInsertString(DCM_SOPInstanceUID, r.sop_instance_uid.c_str()),
        "SOP instance UID");
  steps(dataset.putAndInsertString(DCM_InstanceCreationDate, DicomDate(created).c_str()),
        "instance creation date");
  steps(dataset.putAndInsertString(DCM_InstanceCreationTime, DicomTime(created).c_str()),
        "instance creation time");
}

Result<std::string> ToPart10(DcmFileFormat& file) {
  std::string bytes;
  std::vector<char> chunk(64 * 1024);
  DcmOutputBufferStream stream(chunk.data(), chunk.size());
  file.transferInit();
  OFCondition cond;
  do {  // the stream reports EC_StreamNotifyClient each time its buffer is full
    cond = file.write(stream, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr);
    void* buffer = nullptr;
    offile_off_t written = 0;
    stream.flushBuffer(buffer, written);
    bytes.append(static_cast<const char*>(buffer), static_cast<std::size_t>(written));
  } while (cond == EC_StreamNotifyClient);
  file.transferEnd();
  if (cond.bad())
    return Status::Error(ErrorCode::kInvalidSr,
                         std::string("encoding the SR failed: ") + cond.text());
  return bytes;
}

std::string CharsetOf(DcmItem& item) {
  OFString charset;
  if (item.findAndGetOFStringArray(DCM_SpecificCharacterSet, charset).bad()) return "";
  return charset.c_str();
}

// The document is built in UTF-8 (template wording is UTF-8): the source's patient and study text
// is decoded first. A source without Specific Character Set is taken as it is.
Result<std::unique_ptr<DcmDataset>> Utf8StudyData(DcmDataset& source, const std::string& charset) {
  auto copy = std::make_unique<DcmDataset>(source);
  if (!charset.empty() && charset != kUtf8 && copy->convertToUTF8().bad()) {
    return Status::Error(
        ErrorCode::kUnparseableDataset,
        "source instance text in Specific Character Set \"" + charset + "\" cannot be decoded");
  }
  return copy;
}

// The SR keeps the source's Specific Character Set, so patient and study text come back
// byte-identical (PS3.3 C.12.1.1.2). If our text cannot be written in that repertoire, or the
// source uses ISO 2022 code extensions (DCMTK cannot encode those), the SR stays in UTF-8 (ISO_IR
// 192).
std::unique_ptr<DcmDataset> EncodeLikeSource(std::unique_ptr<DcmDataset> utf8,
                                             const std::string& source_charset) {
  if (source_charset == kUtf8) return utf8;
  if (source_charset.empty()) {
    if (!utf8->containsExtendedCharacters()) utf8->findAndDeleteElement(DCM_SpecificCharacterSet);
    return utf8;
  }
  auto converted = std::make_unique<DcmDataset>(*utf8);
  if (converted->convertCharacterSet(source_charset.c_str(), 0 /*no transliteration*/).bad())
    return utf8;
  return converted;
}

}  // namespace

std::string SopClassUidFor(SrOutputClass output) {
  switch (output) {
    case SrOutputClass::kComprehensive:
      return UID_ComprehensiveSRStorage;
    case SrOutputClass::kEnhanced:
      return UID_EnhancedSRStorage;
    case SrOutputClass::kBasicText:
      return UID_BasicTextSRStorage;
    case SrOutputClass::kComprehensive3d:
      break;
  }
  return UID_Comprehensive3DSRStorage;
}

Result<SrDocument> BuildSrDocument(const SrDocumentRequest& request) {
  if (request.tmpl == nullptr || request.series_instance_uid.empty() ||
      request.sop_instance_uid.empty()) {
    return Status::Error(ErrorCode::kInvalidArgument, "SR request without template or UIDs");
  }
  auto source = LoadSource(request.source_file);
  if (!source.ok()) return source.status();
  const std::string source_charset = CharsetOf(*(*source)->getDataset());
  auto study_data = Utf8StudyData(*(*source)->getDataset(), source_charset);
  if (!study_data.ok()) return study_data.status();
  const SrOutputClass output = request.tmpl->output;
  DSRDocument doc(DocumentType(output));
  Steps steps;
  if (output == SrOutputClass::kBasicText) {
    internal::BuildBasicTextTree(doc, request, steps);
  } else {
    internal::BuildTid1500Tree(doc, request, steps);
    if (steps.ok())
      steps(doc.getTree().changeDocumentType(DocumentType(output), OFFalse), "document type");
  }
  SetDocumentAttributes(doc, **study_data, request, steps);
  AddReferences(doc, request, steps);
  if (!steps.ok())
    return Status::Error(ErrorCode::kInvalidSr, "building the SR failed at " + steps.error());
  auto written = std::make_unique<DcmDataset>();
  steps(doc.write(*written), "writing the SR dataset");
  SetDerivedAttributes(*written, request, LocalTime(request.created_at), steps);
  if (!steps.ok())
    return Status::Error(ErrorCode::kInvalidSr, "building the SR failed at " + steps.error());
  const std::unique_ptr<DcmDataset> dataset = EncodeLikeSource(std::move(written), source_charset);
  DcmFileFormat file(dataset.get(), OFTrue /*deep copy*/);
  auto bytes = ToPart10(file);
  if (!bytes.ok()) return bytes.status();
  SrDocument result;
  result.bytes = std::move(bytes).value();
  result.sop_class_uid = SopClassUidFor(output);
  result.sop_instance_uid = request.sop_instance_uid;
  result.series_instance_uid = request.series_instance_uid;
  OFString study;
  dataset->findAndGetOFString(DCM_StudyInstanceUID, study);
  result.study_instance_uid = study.c_str();
  result.specific_character_set = CharsetOf(*dataset);
  return result;
}

}  // namespace alveo::sr
