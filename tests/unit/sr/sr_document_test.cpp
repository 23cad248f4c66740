// SPDX-License-Identifier: Apache-2.0
// The DICOM SR documents (sr/sr_document.h) built over small phantom studies: each of the five
// golden cases re-reads with DCMTK, passes dciodvfy without errors and ValidateSr, carries the
// source's patient/study modules, its own series, all evidence, and matches its golden dsrdump;
// plus the other output classes, predecessors, character sets and the build errors.
#include <memory>
#include <set>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <gtest/gtest.h>

#include "support/scratch_dir.h"
#include "support/temp_dir.h"
#include "unit/sr/sr_test_util.h"

namespace alveo::sr::testing {
namespace {

using alveo::testing::ScratchDir;
using classifier::ClassificationResult;

// The only dciodvfy warning our documents may carry: it knows no private coding scheme (PS3.16
// 8.2 allows them; ours is described in the Coding Scheme Identification Sequence).
bool IsAcceptedWarning(const std::string& line) {
  return line.find(
             "Unrecognized defined term <99ALVEO> for value 1 of attribute <Coding Scheme "
             "Designator>") != std::string::npos;
}

void ExpectDciodvfyClean(const std::string& file) {
  if (!HaveTool("dciodvfy")) {
    GTEST_SKIP() << "dciodvfy (dicom3tools) not installed";
  }
  std::string output;
  EXPECT_TRUE(DciodvfyErrors(file, &output).empty()) << output;
  for (const std::string& warning : DciodvfyWarnings(file)) {
    EXPECT_TRUE(IsAcceptedWarning(warning)) << warning;
  }
}

// A study written once for all tests of the suite.
class Sources {
 public:
  static Sources& Get() {
    static Sources sources;
    return sources;
  }
  ScratchDir dir{"sr-sources"};
  SourceStudy ct = WriteCtStudy((dir / "ct").string());
  SourceStudy radiograph = WriteRadiographStudy((dir / "film").string());
};

struct Case {
  const char* name;  // golden file name
  const char* tmpl;  // sr_templates/<tmpl>.json
  ClassificationResult (*result)();
  bool radiograph;
};

const Case kCases[] = {
    {"ct-flagged", "default", FlaggedCt, false},
    {"ct-not-flagged", "default", NotFlaggedCt, false},
    {"ct-not-analysable", "default", NotAnalysableCt, false},
    {"radiograph-flagged", "default", FlaggedRadiograph, true},
    {"basic-text-ct-flagged", "basic-text", FlaggedCt, false},
};

class SrDocumentCaseTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    tmpl_ = LoadTemplate(GetParam().tmpl);
    study_ = GetParam().radiograph ? &Sources::Get().radiograph : &Sources::Get().ct;
    ASSERT_FALSE(study_->evidence.empty());
    request_ = MakeRequest(tmpl_, GetParam().result(), *study_);
    auto built = BuildSrDocument(request_);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    doc_ = std::move(built).value();
    file_ = (dir_ / (std::string(GetParam().name) + ".dcm")).string();
    ASSERT_TRUE(alveo::testing::WriteFile(file_, doc_.bytes));
  }

  SrTemplate tmpl_;
  const SourceStudy* study_ = nullptr;
  SrDocumentRequest request_;
  SrDocument doc_;
  ScratchDir dir_{"sr-document"};
  std::string file_;
};

TEST_P(SrDocumentCaseTest, RereadsWithDcmtkAsTheTemplatesClass) {
  std::unique_ptr<DcmFileFormat> file = ParseDicom(doc_.bytes);
  ASSERT_NE(file, nullptr);
  DSRDocument sr;
  ASSERT_TRUE(sr.read(*file->getDataset()).good());
  EXPECT_TRUE(sr.isValid());
  EXPECT_EQ(doc_.sop_class_uid, SopClassUidFor(tmpl_.output));
  EXPECT_EQ(RawString(*file->getDataset(), DCM_SOPClassUID), SopClassUidFor(tmpl_.output));
  EXPECT_EQ(RawString(*file->getMetaInfo(), DCM_MediaStorageSOPClassUID),
            SopClassUidFor(tmpl_.output));
  EXPECT_EQ(sr.getDocumentType(), tmpl_.output == SrOutputClass::kBasicText
                                      ? DSRTypes::DT_BasicTextSR
                                      : DSRTypes::DT_Comprehensive3DSR);
  EXPECT_EQ(sr.getVerificationFlag(), DSRTypes::VF_Unverified);
  EXPECT_EQ(sr.getCompletionFlag(), DSRTypes::CF_Complete);
  EXPECT_EQ(sr.getPreliminaryFlag(), DSRTypes::PF_Final);
  EXPECT_EQ(RawString(*file->getDataset(), DCM_Modality), "SR");
  EXPECT_EQ(RawString(*file->getDataset(), DCM_SeriesNumber), std::to_string(tmpl_.series_number));
  EXPECT_EQ(RawString(*file->getDataset(), DCM_SeriesDescription), tmpl_.series_description);
}

TEST_P(SrDocumentCaseTest, PassesDciodvfyWithoutErrors) { ExpectDciodvfyClean(file_); }

TEST_P(SrDocumentCaseTest, PassesValidateSr) {
  const Status valid = ValidateSr(doc_, ExpectationsFor(request_));
  EXPECT_TRUE(valid.ok()) << valid.ToString();
}

TEST_P(SrDocumentCaseTest, JoinsTheSourceStudyInItsOwnSeries) {
  std::unique_ptr<DcmFileFormat> sr = ParseDicom(doc_.bytes);
  ASSERT_NE(sr, nullptr);
  DcmFileFormat source;
  ASSERT_TRUE(source.loadFile(request_.source_file.c_str()).good());
  DcmDataset& s = *source.getDataset();
  DcmDataset& d = *sr->getDataset();
  for (const DcmTagKey& tag :
       {DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate, DCM_PatientSex, DCM_StudyInstanceUID,
        DCM_StudyDate, DCM_StudyTime, DCM_StudyID, DCM_AccessionNumber, DCM_StudyDescription}) {
    EXPECT_EQ(RawString(d, tag), RawString(s, tag)) << DcmTag(tag).getTagName();
  }
  EXPECT_EQ(RawString(d, DCM_StudyInstanceUID), study_->study_instance_uid);
  EXPECT_EQ(doc_.study_instance_uid, study_->study_instance_uid);
  EXPECT_EQ(RawString(d, DCM_SeriesInstanceUID), request_.series_instance_uid);
  EXPECT_NE(RawString(d, DCM_SeriesInstanceUID), RawString(s, DCM_SeriesInstanceUID));
  EXPECT_EQ(RawString(d, DCM_SOPInstanceUID), request_.sop_instance_uid);
  EXPECT_EQ(doc_.series_instance_uid, request_.series_instance_uid);
  EXPECT_EQ(doc_.sop_instance_uid, request_.sop_instance_uid);
  EXPECT_FALSE(d.tagExists(DCM_PredecessorDocumentsSequence));
}

TEST_P(SrDocumentCaseTest, ListsEveryEvidenceInstance) {
  std::unique_ptr<DcmFileFormat> file = ParseDicom(doc_.bytes);
  ASSERT_NE(file, nullptr);
  DSRDocument sr;
  ASSERT_TRUE(sr.read(*file->getDataset()).good());
  DSRSOPInstanceReferenceList& evidence = sr.getCurrentRequestedProcedureEvidence();
  EXPECT_EQ(evidence.getNumberOfInstances(), request_.evidence.size());
  for (const SrEvidence& e : request_.evidence) {
    EXPECT_TRUE(evidence.gotoItem(e.sop_class_uid.c_str(), e.sop_instance_uid.c_str()).good())
        << e.sop_instance_uid;
    OFString value;
    EXPECT_EQ(std::string(evidence.getSeriesInstanceUID(value).c_str()), e.series_instance_uid);
    EXPECT_EQ(std::string(evidence.getStudyInstanceUID(value).c_str()), e.study_instance_uid);
  }
}

TEST_P(SrDocumentCaseTest, MatchesItsGoldenDsrdump) {
  if (!HaveTool("dsrdump")) GTEST_SKIP() << "dsrdump (DCMTK) not installed";
  std::string complaints;
  const std::string dump = Dsrdump(file_, &complaints);
  EXPECT_EQ(complaints, "") << "dsrdump warned while reading the document";
  EXPECT_TRUE(MatchesGolden(GetParam().name, NormaliseDsrdump(dump)));
}

TEST_P(SrDocumentCaseTest, SameRequestGivesTheSameBytes) {
  auto again = BuildSrDocument(request_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->bytes == doc_.bytes) << "a replayed study must produce an identical document";
}

INSTANTIATE_TEST_SUITE_P(Goldens, SrDocumentCaseTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           std::string name = param_info.param.name;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

class SrDocumentTest : public ::testing::Test {
 protected:
  Result<SrDocument> Build(const SrTemplate& tmpl, const ClassificationResult& result,
                           const SourceStudy& study) {
    request_ = MakeRequest(tmpl, result, study);
    return BuildSrDocument(request_);
  }

  std::string Write(const SrDocument& doc, const std::string& name) {
    const std::string path = (dir_ / name).string();
    EXPECT_TRUE(alveo::testing::WriteFile(path, doc.bytes));
    return path;
  }

  ScratchDir dir_{"sr-document"};
  SrDocumentRequest request_;
};

TEST_F(SrDocumentTest, OtherTid1500OutputClassesValidate) {
  const std::pair<SrOutputClass, const char*> classes[] = {
      {SrOutputClass::kComprehensive, UID_ComprehensiveSRStorage},
      {SrOutputClass::kEnhanced, UID_EnhancedSRStorage},
      {SrOutputClass::kComprehensive3d, UID_Comprehensive3DSRStorage},
  };
  for (const auto& [output, uid] : classes) {
    SCOPED_TRACE(uid);
    SrTemplate tmpl = LoadTemplate("default");
    tmpl.output = output;
    EXPECT_EQ(SopClassUidFor(output), uid);
    auto doc = Build(tmpl, FlaggedCt(), Sources::Get().ct);
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    EXPECT_EQ(doc->sop_class_uid, uid);
    EXPECT_EQ(RawString(doc->bytes, DCM_SOPClassUID), uid);
    const Status valid = ValidateSr(*doc, ExpectationsFor(request_));
    EXPECT_TRUE(valid.ok()) << valid.ToString();
    ExpectDciodvfyClean(Write(*doc, std::string("class-") + uid + ".dcm"));
  }
  EXPECT_EQ(SopClassUidFor(SrOutputClass::kBasicText), UID_BasicTextSRStorage);
}

TEST_F(SrDocumentTest, ReferencesThePredecessorReadFromDisk) {
  const SrTemplate tmpl = LoadTemplate("default");
  auto first = Build(tmpl, NotFlaggedCt(), Sources::Get().ct);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto reference = ReadSrReference(Write(*first, "v1.dcm"));
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();

  SrDocumentRequest second = MakeRequest(tmpl, FlaggedCt(), Sources::Get().ct);
  second.sop_instance_uid = "1.2.826.0.1.3680043.10.1081.4";
  second.instance_number = 2;
  second.predecessor = *reference;
  auto doc = BuildSrDocument(second);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  std::unique_ptr<DcmFileFormat> file = ParseDicom(doc->bytes);
  ASSERT_NE(file, nullptr);
  EXPECT_TRUE(file->getDataset()->tagExists(DCM_PredecessorDocumentsSequence));
  EXPECT_EQ(RawString(*file->getDataset(), DCM_InstanceNumber), "2");
  DSRDocument sr;
  ASSERT_TRUE(sr.read(*file->getDataset()).good());
  DSRSOPInstanceReferenceList& predecessors = sr.getPredecessorDocuments();
  EXPECT_EQ(predecessors.getNumberOfInstances(), 1u);
  EXPECT_TRUE(
      predecessors.gotoItem(first->sop_class_uid.c_str(), first->sop_instance_uid.c_str()).good());
  OFString series;
  EXPECT_EQ(std::string(predecessors.getSeriesInstanceUID(series).c_str()),
            first->series_instance_uid);

  const Status valid = ValidateSr(*doc, ExpectationsFor(second));
  EXPECT_TRUE(valid.ok()) << valid.ToString();
  ExpectDciodvfyClean(Write(*doc, "v2.dcm"));
}

std::string SourceAttribute(const SourceStudy& study, const DcmTagKey& tag) {
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile(study.evidence.front().file.c_str()).good());
  return RawString(*file.getDataset(), tag);
}

// The SR of `study` built with `tmpl` must carry `charset` and the patient name bytes `name`.
void ExpectCharacterSet(const SrTemplate& tmpl, const SourceStudy& study,
                        const std::string& charset, const std::string& name,
                        const std::string& file) {
  ASSERT_FALSE(study.evidence.empty());
  const SrDocumentRequest request = MakeRequest(tmpl, FlaggedCt(), study);
  auto doc = BuildSrDocument(request);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(RawString(doc->bytes, DCM_SpecificCharacterSet), charset);
  EXPECT_EQ(doc->specific_character_set, charset);
  EXPECT_EQ(RawString(doc->bytes, DCM_PatientName), name);
  SrValidationExpectations expect = ExpectationsFor(request);
  expect.specific_character_set = charset;
  const Status valid = ValidateSr(*doc, expect);
  EXPECT_TRUE(valid.ok()) << valid.ToString();
  ASSERT_TRUE(alveo::testing::WriteFile(file, doc->bytes));
  ExpectDciodvfyClean(file);
}

TEST_F(SrDocumentTest, KeepsLatin1CharacterSetAndPatientNameBytes) {
  const SourceStudy study = WriteCtStudy((dir_ / "latin1").string(), "MÜLLER^JÖRG", "ISO_IR 100");
  ASSERT_FALSE(study.evidence.empty());
  ASSERT_EQ(SourceAttribute(study, DCM_SpecificCharacterSet), "ISO_IR 100");
  ASSERT_EQ(SourceAttribute(study, DCM_PatientName), "M\xDCLLER^J\xD6RG");  // Latin-1 bytes
  ExpectCharacterSet(LoadTemplate("default"), study, "ISO_IR 100", "M\xDCLLER^J\xD6RG",
                     (dir_ / "latin1.dcm").string());
  ExpectCharacterSet(LoadTemplate("basic-text"), study, "ISO_IR 100", "M\xDCLLER^J\xD6RG",
                     (dir_ / "latin1-text.dcm").string());
}

TEST_F(SrDocumentTest, KeepsUtf8CharacterSetAndPatientNameBytes) {
  for (const std::string name : {"Ōsaka^Ümit", "Παπαδόπουλος^Γιώργος"}) {
    SCOPED_TRACE(name);
    const SourceStudy study = WriteCtStudy((dir_ / "utf8").string(), name, "ISO_IR 192");
    ASSERT_FALSE(study.evidence.empty());
    ASSERT_EQ(SourceAttribute(study, DCM_PatientName), name);
    ExpectCharacterSet(LoadTemplate("default"), study, "ISO_IR 192", name,
                       (dir_ / "utf8.dcm").string());
  }
}

TEST_F(SrDocumentTest, EncodesNonAsciiWordingInTheSourceCharacterSet) {
  SrTemplate german = LoadTemplate("default");
  german.wording.disclaimer = "Automatische Messung, nicht ärztlich geprüft.";
  const SourceStudy latin1 = WriteCtStudy((dir_ / "latin1").string(), "MÜLLER^JÖRG", "ISO_IR 100");
  ExpectCharacterSet(german, latin1, "ISO_IR 100", "M\xDCLLER^J\xD6RG",
                     (dir_ / "german.dcm").string());
  auto doc = BuildSrDocument(MakeRequest(german, FlaggedCt(), latin1));
  ASSERT_TRUE(doc.ok());
  EXPECT_NE(doc->bytes.find("nicht \xE4rztlich gepr\xFC"
                            "ft."),
            std::string::npos)
      << "wording in Latin-1";
  EXPECT_EQ(doc->bytes.find("\xC3\xA4rztlich"), std::string::npos)
      << "no UTF-8 bytes under ISO_IR 100";
}

TEST_F(SrDocumentTest, SwitchesToUtf8WhenTheWordingDoesNotFitTheSourceCharacterSet) {
  SrTemplate tmpl = LoadTemplate("default");
  tmpl.wording.disclaimer = "Automated measurement (Ōsaka site wording).";  // Ō is not in Latin-1
  const SourceStudy latin1 = WriteCtStudy((dir_ / "latin1").string(), "MÜLLER^JÖRG", "ISO_IR 100");
  ExpectCharacterSet(tmpl, latin1, "ISO_IR 192", "MÜLLER^JÖRG",
                     (dir_ / "latin1-to-utf8.dcm").string());
  const SourceStudy ascii = WriteCtStudy((dir_ / "ascii").string(), "PHANTOM^CHEST", "");
  ASSERT_EQ(SourceAttribute(ascii, DCM_SpecificCharacterSet), "");
  ExpectCharacterSet(tmpl, ascii, "ISO_IR 192", "PHANTOM^CHEST",
                     (dir_ / "ascii-to-utf8.dcm").string());
  ExpectCharacterSet(LoadTemplate("default"), ascii, "", "PHANTOM^CHEST",
                     (dir_ / "ascii.dcm").string());
}

TEST_F(SrDocumentTest, RejectsIncompleteRequestsAndBadSources) {
  const SrTemplate tmpl = LoadTemplate("default");
  const SrDocumentRequest good = MakeRequest(tmpl, FlaggedCt(), Sources::Get().ct);

  SrDocumentRequest r = good;
  r.tmpl = nullptr;
  EXPECT_EQ(BuildSrDocument(r).status().code(), ErrorCode::kInvalidArgument);
  r = good;
  r.sop_instance_uid.clear();
  EXPECT_EQ(BuildSrDocument(r).status().code(), ErrorCode::kInvalidArgument);
  r = good;
  r.series_instance_uid.clear();
  EXPECT_EQ(BuildSrDocument(r).status().code(), ErrorCode::kInvalidArgument);

  r = good;
  r.source_file = (dir_ / "missing.dcm").string();
  EXPECT_EQ(BuildSrDocument(r).status().code(), ErrorCode::kNotFound);
  r.source_file = (dir_ / "garbage.dcm").string();
  ASSERT_TRUE(alveo::testing::WriteFile(r.source_file, std::string(300, 'x')));
  EXPECT_EQ(BuildSrDocument(r).status().code(), ErrorCode::kUnparseableDataset);
}

TEST_F(SrDocumentTest, ContentDcmtkRefusesIsInvalidSr) {
  SrTemplate tmpl = LoadTemplate("default");
  tmpl.codes.lung =
      CodedConcept{};  // the loader never allows this; DCMTK must refuse the finding site
  auto doc = Build(tmpl, FlaggedCt(), Sources::Get().ct);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), ErrorCode::kInvalidSr);
  EXPECT_NE(doc.status().message().find("finding site"), std::string::npos)
      << doc.status().message();
}

}  // namespace
}  // namespace alveo::sr::testing
