// SPDX-License-Identifier: Apache-2.0
// ValidateSr (sr/sr_validation.h) accepts the documents we build and names what is wrong with
// corrupted ones (truncated bytes, wrong UIDs, flags, evidence, codes, template identification);
// ReadSrReference reads an SR file's identity and refuses what is not an SR.
#include <functional>
#include <memory>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include "support/scratch_dir.h"
#include "support/temp_dir.h"
#include "unit/sr/sr_test_util.h"

namespace alveo::sr::testing {
namespace {

using alveo::testing::ScratchDir;

::testing::AssertionResult HasText(const std::string& message, const std::string& text) {
  if (message.find(text) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << message << "\" does not mention \"" << text << "\"";
}

class SrValidationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir("sr-validation");
    study_ = new SourceStudy(WriteCtStudy((*dir_ / "ct").string()));
  }
  static void TearDownTestSuite() {
    delete study_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_FALSE(study_->evidence.empty());
    request_ = MakeRequest(tmpl_, FlaggedCt(), *study_);
    auto built = BuildSrDocument(request_);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    doc_ = std::move(built).value();
    expect_ = ExpectationsFor(request_);
  }

  // The document with its dataset (or meta header) changed by `change`.
  SrDocument Mutated(const std::function<void(DcmFileFormat&)>& change,
                     bool keep_meta = false) const {
    std::unique_ptr<DcmFileFormat> file = ParseDicom(doc_.bytes);
    EXPECT_NE(file, nullptr);
    SrDocument copy = doc_;
    if (file == nullptr) return copy;
    change(*file);
    copy.bytes = SerializeDicom(*file, keep_meta);
    return copy;
  }

  // Fails the test unless `doc` is refused with kInvalidSr; returns the message.
  std::string Refusal(const SrDocument& doc) const {
    const Status status = ValidateSr(doc, expect_);
    EXPECT_EQ(status.code(), ErrorCode::kInvalidSr) << status.ToString();
    return status.message();
  }

  static ScratchDir* dir_;
  static SourceStudy* study_;
  SrTemplate tmpl_ = LoadTemplate("default");
  SrDocumentRequest request_;
  SrDocument doc_;
  SrValidationExpectations expect_;
};

ScratchDir* SrValidationTest::dir_ = nullptr;
SourceStudy* SrValidationTest::study_ = nullptr;

// The first item of `sequence` anywhere below `item` (depth first), or nullptr.
DcmItem* FindItem(DcmItem& item, const DcmTagKey& sequence) {
  DcmStack stack;
  if (item.search(sequence, stack, ESM_fromHere, OFTrue /*searchIntoSub*/).bad()) return nullptr;
  auto* found = dynamic_cast<DcmSequenceOfItems*>(stack.top());
  return found != nullptr && found->card() > 0 ? found->getItem(0) : nullptr;
}

TEST_F(SrValidationTest, AcceptsTheDocumentsWeBuild) {
  EXPECT_TRUE(ValidateSr(doc_, expect_).ok()) << ValidateSr(doc_, expect_).ToString();
  // Only the SOP class is required; everything else is optional.
  SrValidationExpectations minimal;
  minimal.sop_class_uid = UID_Comprehensive3DSRStorage;
  EXPECT_TRUE(ValidateSr(doc_, minimal).ok()) << ValidateSr(doc_, minimal).ToString();

  const SrTemplate text = LoadTemplate("basic-text");
  const SrDocumentRequest request = MakeRequest(text, NotAnalysableCt(), *study_);
  auto basic = BuildSrDocument(request);
  ASSERT_TRUE(basic.ok()) << basic.status().ToString();
  SrValidationExpectations expect = ExpectationsFor(request);
  expect.document_title = text.codes.basic_text_title;
  EXPECT_TRUE(ValidateSr(*basic, expect).ok()) << ValidateSr(*basic, expect).ToString();
}

TEST_F(SrValidationTest, RefusesTruncatedOrForeignBytes) {
  SrDocument truncated = doc_;
  truncated.bytes.resize(doc_.bytes.size() / 2);
  EXPECT_TRUE(HasText(Refusal(truncated), "DCMTK cannot parse the bytes"));
  truncated.bytes.resize(doc_.bytes.size() - 1);
  truncated.bytes = doc_.bytes.substr(0, doc_.bytes.size() - 1);
  Refusal(truncated);
  truncated.bytes.resize(100);
  EXPECT_TRUE(HasText(Refusal(truncated), "not a DICOM Part 10 file"));
  SrDocument empty = doc_;
  empty.bytes.clear();
  Refusal(empty);
}

TEST_F(SrValidationTest, RefusesUnexpectedIdentity) {
  expect_.sop_instance_uid = "1.2.3.4";
  EXPECT_TRUE(HasText(Refusal(doc_),
                      "SOP Instance UID " + request_.sop_instance_uid + ", expected 1.2.3.4"));
  expect_ = ExpectationsFor(request_);
  expect_.series_instance_uid = "1.2.3.5";
  EXPECT_TRUE(HasText(Refusal(doc_), "Series Instance UID"));
  expect_ = ExpectationsFor(request_);
  expect_.study_instance_uid = "1.2.3.6";
  EXPECT_TRUE(HasText(Refusal(doc_), "Study Instance UID"));
  expect_ = ExpectationsFor(request_);
  expect_.sop_class_uid = UID_BasicTextSRStorage;
  EXPECT_TRUE(HasText(Refusal(doc_), "SOP Class UID"));
}

TEST_F(SrValidationTest, ReportsEveryFailedCheckInOneMessage) {
  expect_.sop_instance_uid = "1.2.3.4";
  expect_.study_instance_uid = "1.2.3.6";
  const std::string message = Refusal(doc_);
  EXPECT_TRUE(HasText(message, "SOP Instance UID"));
  EXPECT_TRUE(HasText(message, "Study Instance UID"));
}

TEST_F(SrValidationTest, RefusesBytesThatDisagreeWithWhatTheBuilderReported) {
  SrDocument doc = doc_;
  doc.sop_instance_uid = "1.2.3.7";
  EXPECT_TRUE(HasText(Refusal(doc), "differ from the ones the builder reported"));
}

TEST_F(SrValidationTest, RefusesIncompleteEvidence) {
  expect_.evidence_count = request_.evidence.size() + 1;
  EXPECT_TRUE(HasText(Refusal(doc_), "lists " + std::to_string(request_.evidence.size()) +
                                         " instances, expected " +
                                         std::to_string(request_.evidence.size() + 1)));
  expect_ = ExpectationsFor(request_);
  expect_.evidence_sop_instance_uids.push_back("1.2.3.8");
  EXPECT_TRUE(HasText(Refusal(doc_), "1 evidence instances missing"));

  expect_ = ExpectationsFor(request_);
  const SrDocument without = Mutated([](DcmFileFormat& f) {
    f.getDataset()->findAndDeleteElement(DCM_CurrentRequestedProcedureEvidenceSequence);
  });
  EXPECT_TRUE(HasText(Refusal(without), "instances, expected"));
}

TEST_F(SrValidationTest, ChecksCharacterSetAndPredecessor) {
  expect_.specific_character_set = "ISO_IR 100";
  EXPECT_TRUE(HasText(Refusal(doc_), "Specific Character Set \"\", expected \"ISO_IR 100\""));
  expect_ = ExpectationsFor(request_);
  expect_.predecessor_sop_instance_uid = "1.2.3.9";
  EXPECT_TRUE(
      HasText(Refusal(doc_), "Predecessor Documents Sequence does not reference exactly 1.2.3.9"));
  expect_.predecessor_sop_instance_uid.reset();
  EXPECT_TRUE(ValidateSr(doc_, expect_).ok());
}

TEST_F(SrValidationTest, ChecksTheDocumentTitle) {
  expect_.document_title = CodedConcept{"126000", "DCM", "Imaging Measurement Report"};
  EXPECT_TRUE(ValidateSr(doc_, expect_).ok());
  expect_.document_title = CodedConcept{"18748-4", "LN", "Diagnostic imaging report"};
  EXPECT_TRUE(HasText(Refusal(doc_), "document title (126000, DCM"));
}

TEST_F(SrValidationTest, RefusesWrongFlags) {
  const SrDocument partial = Mutated(
      [](DcmFileFormat& f) { f.getDataset()->putAndInsertString(DCM_CompletionFlag, "PARTIAL"); });
  EXPECT_TRUE(HasText(Refusal(partial), "Completion Flag is not COMPLETE"));
  const SrDocument preliminary = Mutated([](DcmFileFormat& f) {
    f.getDataset()->putAndInsertString(DCM_PreliminaryFlag, "PRELIMINARY");
  });
  EXPECT_TRUE(HasText(Refusal(preliminary), "Preliminary Flag is not FINAL"));
  const SrDocument verified = Mutated([](DcmFileFormat& f) {
    f.getDataset()->putAndInsertString(DCM_VerificationFlag, "VERIFIED");
  });
  EXPECT_TRUE(HasText(Refusal(verified), "Verification Flag is not UNVERIFIED"));
}

TEST_F(SrValidationTest, RefusesMetaHeaderThatDoesNotMatchTheDataset) {
  const SrDocument doc = Mutated(
      [](DcmFileFormat& f) {
        f.getMetaInfo()->putAndInsertString(DCM_MediaStorageSOPInstanceUID, "1.2.3.10");
      },
      true /*keep_meta*/);
  ASSERT_EQ(RawString(*ParseDicom(doc.bytes)->getMetaInfo(), DCM_MediaStorageSOPInstanceUID),
            "1.2.3.10");
  EXPECT_TRUE(HasText(Refusal(doc), "file meta information does not match"));
}

TEST_F(SrValidationTest, RefusesUndocumentedPrivateCodes) {
  const SrDocument doc = Mutated([](DcmFileFormat& f) {
    f.getDataset()->findAndDeleteElement(DCM_CodingSchemeIdentificationSequence);
  });
  EXPECT_TRUE(HasText(Refusal(doc), "private coding scheme 99ALVEO missing"));
}

TEST_F(SrValidationTest, RefusesIncompleteCodes) {
  const SrDocument doc = Mutated([](DcmFileFormat& f) {
    DcmItem* value = FindItem(*f.getDataset(), DCM_ConceptCodeSequence);
    ASSERT_NE(value, nullptr);
    value->putAndInsertString(DCM_CodeMeaning, "");
  });
  const std::string message = Refusal(doc);
  EXPECT_TRUE(HasText(message, "lack value, scheme or meaning") || HasText(message, "DCMTK"))
      << message;
}

TEST_F(SrValidationTest, RefusesTid1500WithoutItsTemplateIdentification) {
  const SrDocument doc = Mutated(
      [](DcmFileFormat& f) { f.getDataset()->findAndDeleteElement(DCM_ContentTemplateSequence); });
  EXPECT_TRUE(HasText(Refusal(doc), "TID 1500 (DCMR)"));
}

TEST_F(SrValidationTest, ReadSrReferenceReadsTheIdentity) {
  const std::string path = (*dir_ / "sr.dcm").string();
  ASSERT_TRUE(alveo::testing::WriteFile(path, doc_.bytes));
  auto reference = ReadSrReference(path);
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();
  EXPECT_EQ(reference->study_instance_uid, kCtStudyUid);
  EXPECT_EQ(reference->series_instance_uid, request_.series_instance_uid);
  EXPECT_EQ(reference->sop_class_uid, UID_Comprehensive3DSRStorage);
  EXPECT_EQ(reference->sop_instance_uid, request_.sop_instance_uid);
}

TEST_F(SrValidationTest, ReadSrReferenceRefusesWhatIsNotAnSr) {
  EXPECT_EQ(ReadSrReference((*dir_ / "absent.dcm").string()).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(ReadSrReference(dir_->path().string()).status().code(),
            ErrorCode::kNotFound);  // a directory

  const std::string garbage = (*dir_ / "garbage.dcm").string();
  ASSERT_TRUE(alveo::testing::WriteFile(garbage, std::string(400, 'x')));
  EXPECT_EQ(ReadSrReference(garbage).status().code(), ErrorCode::kUnparseableDataset);

  auto image = ReadSrReference(study_->evidence.front().file);  // a CT image
  EXPECT_EQ(image.status().code(), ErrorCode::kInvalidSr);
  EXPECT_TRUE(HasText(image.status().message(), "not a Structured Report"));

  const SrDocument no_series = Mutated(
      [](DcmFileFormat& f) { f.getDataset()->findAndDeleteElement(DCM_SeriesInstanceUID); });
  const std::string path = (*dir_ / "no-series.dcm").string();
  ASSERT_TRUE(alveo::testing::WriteFile(path, no_series.bytes));
  EXPECT_EQ(ReadSrReference(path).status().code(), ErrorCode::kMissingAttribute);
}

}  // namespace
}  // namespace alveo::sr::testing
