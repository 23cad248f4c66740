// SPDX-License-Identifier: Apache-2.0
#include "sr/sr_validation.h"

#include <filesystem>
#include <memory>
#include <set>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/codes/umls.h>
#include <dcmtk/dcmsr/dsrdoc.h>

namespace alveo::sr {
namespace {

// Collects every failed check, so one message says all that is wrong.
class Findings {
 public:
  void Check(bool ok, const std::string& what) {
    if (!ok) failures_.push_back(what);
  }
  bool empty() const { return failures_.empty(); }
  Status ToStatus() const {
    if (failures_.empty()) return Status::Ok();
    std::string text = "SR validation failed: ";
    for (std::size_t i = 0; i < failures_.size(); ++i) text += (i == 0 ? "" : "; ") + failures_[i];
    return Status::Error(ErrorCode::kInvalidSr, text);
  }

 private:
  std::vector<std::string> failures_;
};

std::string Str(const OFString& value) { return std::string(value.c_str(), value.length()); }

// A DSRDocument string attribute, "" when absent.
template <typename Getter>
std::string Attribute(Getter getter) {
  OFString value;
  return getter(value).good() ? Str(value) : std::string();
}

std::string Get(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  return item.findAndGetOFStringArray(tag, value).good() ? Str(value) : std::string();
}

// Parses a Part 10 file held in memory; the whole buffer must be one complete file.
Result<std::unique_ptr<DcmFileFormat>> ParseBytes(const std::string& bytes) {
  if (bytes.size() < 132 || bytes.compare(128, 4, "DICM") != 0) {
    return Status::Error(ErrorCode::kInvalidSr, "SR validation failed: not a DICOM Part 10 file");
  }
  DcmInputBufferStream stream;
  stream.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  stream.setEos();
  auto file = std::make_unique<DcmFileFormat>();
  file->transferInit();
  const OFCondition cond = file->read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
  file->transferEnd();
  if (cond.bad() || cond == EC_StreamNotifyClient) {
    return Status::Error(ErrorCode::kInvalidSr,
                         std::string("SR validation failed: DCMTK cannot parse the bytes: ") +
                             (cond.good() ? "incomplete data" : cond.text()));
  }
  return file;
}

std::string Describe(const DSRCodedEntryValue& code) {
  std::string text = "(";  // appended piecewise: GCC 12 warns (-Wrestrict) on "(" + std::string
  text.append(code.getCodeValue().c_str())
      .append(", ")
      .append(code.getCodingSchemeDesignator().c_str());
  return text.append(", \"").append(code.getCodeMeaning().c_str()).append("\")");
}

bool Complete(const DSRCodedEntryValue& code) {
  return !code.getCodeValue().empty() && !code.getCodingSchemeDesignator().empty() &&
         !code.getCodeMeaning().empty();
}

bool Same(const DSRCodedEntryValue& code, const CodedConcept& expected) {
  return Str(code.getCodeValue()) == expected.value &&
         Str(code.getCodingSchemeDesignator()) == expected.scheme;
}

// Walks the whole content tree: every concept name, CODE value and NUM unit must be a complete
// coded entry; collects the coding schemes used.
void CheckCodes(DSRDocumentTree& tree, std::set<std::string>& schemes, Findings& findings) {
  std::size_t incomplete = 0;
  std::string first;
  auto check = [&](const DSRCodedEntryValue& code, const char* role) {
    schemes.insert(Str(code.getCodingSchemeDesignator()));
    if (Complete(code) && code.isValid()) return;
    if (incomplete++ == 0) first = std::string(role) + " " + Describe(code);
  };
  if (tree.gotoRoot() == 0) return;
  do {
    const DSRContentItem& item = tree.getCurrentContentItem();
    if (item.getRelationshipType() == DSRTypes::RT_unknown || item.getReferencedNodeID() != 0)
      continue;
    // Every item of ours is named except the IMAGE/COMPOSITE/WAVEFORM references, for which the
    // Concept Name Code Sequence is optional (PS3.3 Table C.17-5).
    const DSRTypes::E_ValueType type = item.getValueType();
    const bool name_optional = type == DSRTypes::VT_Image || type == DSRTypes::VT_Composite ||
                               type == DSRTypes::VT_Waveform;
    if (!name_optional || !item.getConceptName().isEmpty())
      check(item.getConceptName(), "concept name");
    if (item.getValueType() == DSRTypes::VT_Code) check(item.getCodeValue(), "code value");
    if (item.getValueType() == DSRTypes::VT_Num && !item.getNumericValue().isEmpty()) {
      check(item.getNumericValue().getMeasurementUnit(), "measurement unit");
    }
  } while (tree.iterate() != 0);
  findings.Check(incomplete == 0,
                 std::to_string(incomplete) +
                     " coded entries lack value, scheme or meaning (first: " + first + ")");
}

// Private schemes (designator "99...", PS3.3 8.2) must be described in the document.
void CheckPrivateSchemes(DSRDocument& doc, const std::set<std::string>& schemes,
                         Findings& findings) {
  DSRCodingSchemeIdentificationList& list = doc.getCodingSchemeIdentification();
  for (const std::string& scheme : schemes) {
    if (scheme.rfind("99", 0) != 0) continue;
    findings.Check(list.gotoItem(scheme.c_str()).good(),
                   "private coding scheme " + scheme +
                       " missing from the Coding Scheme Identification Sequence");
  }
}

// TID 1500 (DCMR): the rows the standard requires of an Imaging Measurement Report.
void CheckTid1500(DSRDocumentTree& tree, Findings& findings) {
  tree.gotoRoot();
  OFString identifier, mapping_resource;
  findings.Check(
      tree.getCurrentContentItem().getTemplateIdentification(identifier, mapping_resource).good() &&
          identifier == "1500" && mapping_resource == "DCMR",
      "root content item does not identify template TID 1500 (DCMR)");
  bool language = false, observer = false, procedure = false, body = false;
  if (tree.gotoChild() != 0) {
    do {
      const DSRCodedEntryValue& name = tree.getCurrentContentItem().getConceptName();
      language |= name == CODE_DCM_LanguageOfContentItemAndDescendants;
      observer |= name == CODE_DCM_ObserverType;
      procedure |= name == CODE_DCM_ProcedureReported;
      body |= name == CODE_DCM_ImagingMeasurements || name == CODE_UMLS_QualitativeEvaluations;
    } while (tree.gotoNext() != 0);
  }
  findings.Check(language, "TID 1500 row 2: Language of Content Item and Descendants missing");
  findings.Check(observer, "TID 1500 row 3: observation context (Observer Type) missing");
  findings.Check(procedure, "TID 1500 row 4: Procedure reported missing");
  findings.Check(
      body, "TID 1500 rows 6-12: neither Imaging Measurements nor Qualitative Evaluations present");
}

void CheckEvidence(DSRDocument& doc, const SrValidationExpectations& expect, Findings& findings) {
  DSRSOPInstanceReferenceList& evidence = doc.getCurrentRequestedProcedureEvidence();
  const std::size_t count = evidence.getNumberOfInstances();
  if (expect.evidence_count == 0) {
    findings.Check(count > 0, "Current Requested Procedure Evidence is empty");
  } else {
    findings.Check(count == expect.evidence_count,
                   "Current Requested Procedure Evidence lists " + std::to_string(count) +
                       " instances, expected " + std::to_string(expect.evidence_count));
  }
  std::set<std::string> listed;
  for (OFCondition cond = evidence.gotoFirstItem(); cond.good(); cond = evidence.gotoNextItem()) {
    OFString uid;
    listed.insert(Str(evidence.getSOPInstanceUID(uid)));
  }
  std::size_t missing = 0;
  for (const std::string& uid : expect.evidence_sop_instance_uids)
    missing += listed.count(uid) == 0 ? 1 : 0;
  findings.Check(missing == 0, std::to_string(missing) +
                                   " evidence instances missing from Current Requested "
                                   "Procedure Evidence");
}

void CheckPredecessor(DSRDocument& doc, const SrValidationExpectations& expect,
                      Findings& findings) {
  if (!expect.predecessor_sop_instance_uid) return;
  DSRSOPInstanceReferenceList& list = doc.getPredecessorDocuments();
  const std::string& expected = *expect.predecessor_sop_instance_uid;
  if (expected.empty()) {
    findings.Check(list.isEmpty(), "unexpected Predecessor Documents Sequence");
    return;
  }
  OFString uid;
  const bool one = list.getNumberOfInstances() == 1 && list.gotoFirstItem().good();
  findings.Check(one && Str(list.getSOPInstanceUID(uid)) == expected,
                 "Predecessor Documents Sequence does not reference exactly " + expected);
}

void CheckIdentity(DcmFileFormat& file, DSRDocument& doc, const SrDocument& built,
                   const SrValidationExpectations& expect, Findings& findings) {
  DcmMetaInfo& meta = *file.getMetaInfo();
  DcmDataset& dataset = *file.getDataset();
  const std::string sop_class = Attribute([&](OFString& v) { return doc.getSOPClassUID(v); });
  const std::string sop_instance = Attribute([&](OFString& v) { return doc.getSOPInstanceUID(v); });
  findings.Check(Get(meta, DCM_MediaStorageSOPClassUID) == sop_class &&
                     Get(meta, DCM_MediaStorageSOPInstanceUID) == sop_instance,
                 "file meta information does not match the dataset's SOP class/instance");
  findings.Check(sop_class == expect.sop_class_uid,
                 "SOP Class UID " + sop_class + ", expected " + expect.sop_class_uid);
  auto match = [&](const std::string& actual, const std::string& expected, const char* what) {
    if (!expected.empty())
      findings.Check(actual == expected,
                     std::string(what) + " " + actual + ", expected " + expected);
  };
  match(sop_instance, expect.sop_instance_uid, "SOP Instance UID");
  match(Attribute([&](OFString& v) { return doc.getSeriesInstanceUID(v); }),
        expect.series_instance_uid, "Series Instance UID");
  match(Attribute([&](OFString& v) { return doc.getStudyInstanceUID(v); }),
        expect.study_instance_uid, "Study Instance UID");
  findings.Check(sop_instance == built.sop_instance_uid &&
                     Get(dataset, DCM_SeriesInstanceUID) == built.series_instance_uid &&
                     Get(dataset, DCM_StudyInstanceUID) == built.study_instance_uid,
                 "UIDs in the bytes differ from the ones the builder reported");
  const std::string charset = expect.specific_character_set.value_or(built.specific_character_set);
  const std::string actual_charset = Get(dataset, DCM_SpecificCharacterSet);
  findings.Check(actual_charset == charset,
                 "Specific Character Set \"" + actual_charset + "\", expected \"" + charset + "\"");
}

void CheckFlagsAndTitle(DSRDocument& doc, const SrValidationExpectations& expect, bool tid1500,
                        Findings& findings) {
  findings.Check(doc.getVerificationFlag() == DSRTypes::VF_Unverified,
                 "Verification Flag is not UNVERIFIED");
  findings.Check(doc.getCompletionFlag() == DSRTypes::CF_Complete,
                 "Completion Flag is not COMPLETE");
  findings.Check(doc.getPreliminaryFlag() == DSRTypes::PF_Final, "Preliminary Flag is not FINAL");
  DSRDocumentTree& tree = doc.getTree();
  tree.gotoRoot();
  const DSRCodedEntryValue& title = tree.getCurrentContentItem().getConceptName();
  if (expect.document_title) {
    findings.Check(Same(title, *expect.document_title),
                   "document title " + Describe(title) + ", expected (" +
                       expect.document_title->value + ", " + expect.document_title->scheme + ")");
  } else if (tid1500) {
    findings.Check(title == CODE_DCM_ImagingMeasurementReport,
                   "document title " + Describe(title) + ", expected (126000, DCM)");
  }
  findings.Check(Complete(title), "document title is not a complete code");
}

}  // namespace

Status ValidateSr(const SrDocument& built, const SrValidationExpectations& expect) {
  auto file = ParseBytes(built.bytes);
  if (!file.ok()) return file.status();
  DcmDataset& dataset = *(*file)->getDataset();
  DSRDocument doc;
  const OFCondition read = doc.read(dataset);
  if (read.bad()) {
    return Status::Error(
        ErrorCode::kInvalidSr,
        std::string("SR validation failed: DCMTK rejects the document: ") + read.text());
  }
  Findings findings;
  findings.Check(doc.isValid(), "DCMTK reports the document invalid (SOP UIDs or content tree)");
  findings.Check(doc.getTree().isValid(), "DCMTK reports the content tree invalid");
  const bool tid1500 = doc.getDocumentType() != DSRTypes::DT_BasicTextSR;
  CheckIdentity(**file, doc, built, expect, findings);
  CheckFlagsAndTitle(doc, expect, tid1500, findings);
  CheckEvidence(doc, expect, findings);
  CheckPredecessor(doc, expect, findings);
  std::set<std::string> schemes;
  CheckCodes(doc.getTree(), schemes, findings);
  CheckPrivateSchemes(doc, schemes, findings);
  if (tid1500) CheckTid1500(doc.getTree(), findings);
  return findings.ToStatus();
}

Result<SrReference> ReadSrReference(const std::string& sr_file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(sr_file, ec)) {
    return Status::Error(ErrorCode::kNotFound, "SR file " + sr_file + " not found");
  }
  DcmFileFormat file;
  const OFCondition cond = file.loadFile(sr_file.c_str(), EXS_Unknown, EGL_noChange, 4096);
  if (cond.bad())
    return Status::Error(ErrorCode::kUnparseableDataset, "SR file " + sr_file + ": " + cond.text());
  DcmDataset& dataset = *file.getDataset();
  SrReference reference{Get(dataset, DCM_StudyInstanceUID), Get(dataset, DCM_SeriesInstanceUID),
                        Get(dataset, DCM_SOPClassUID), Get(dataset, DCM_SOPInstanceUID)};
  if (reference.sop_class_uid.empty() || reference.study_instance_uid.empty() ||
      reference.series_instance_uid.empty() || reference.sop_instance_uid.empty()) {
    return Status::Error(ErrorCode::kMissingAttribute, "SR file " + sr_file +
                                                           " lacks a study, series, SOP class or "
                                                           "SOP instance UID");
  }
  if (DSRTypes::sopClassUIDToDocumentType(reference.sop_class_uid.c_str()) ==
      DSRTypes::DT_invalid) {
    return Status::Error(ErrorCode::kInvalidSr, "file " + sr_file +
                                                    " is not a Structured Report (SOP class " +
                                                    reference.sop_class_uid + ")");
  }
  return reference;
}

}  // namespace alveo::sr
