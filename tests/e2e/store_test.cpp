// SPDX-License-Identifier: Apache-2.0
// Storing real-size studies made by the phantom generator: a 300-slice CT, eight senders at once,
// every accepted transfer syntax and the radiograph SOP classes. What arrives on disk must carry
// exactly the pixel data that was sent.
#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>

#include <map>

#include "e2e_util.h"
#include "support/dicom_tools.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

struct Phantom {
  std::string dir;
  std::vector<std::string> files;
  std::string study_uid;
};

// Runs `alveo phantom` with `args` into `dir`; the generator is part of the product.
Phantom MakePhantom(const std::string& dir, std::vector<std::string> args) {
  std::vector<std::string> argv{AlveoServer::BinaryPath(), "phantom", "--out", dir};
  argv.insert(argv.end(), args.begin(), args.end());
  const ToolResult made = RunTool(argv, std::chrono::seconds(120));
  EXPECT_EQ(made.exit_code, 0) << made.Describe();
  Phantom phantom{dir, ListFilesRecursive(dir, ".dcm"), ""};
  if (!phantom.files.empty()) {
    DcmFileFormat file;
    OFString uid;
    if (file.loadFile(phantom.files[0].c_str()).good()) file.getDataset()->findAndGetOFString(DCM_StudyInstanceUID, uid);
    phantom.study_uid = uid.c_str();
  }
  return phantom;
}

// Decoded pixel values keyed by SOP Instance UID (compressed data is decompressed by DCMTK).
std::map<std::string, std::vector<Uint16>> DecodedPixels(const std::vector<std::string>& files) {
  std::map<std::string, std::vector<Uint16>> pixels;
  for (const auto& path : files) {
    DcmFileFormat file;
    if (file.loadFile(path.c_str()).bad()) continue;
    DcmDataset* ds = file.getDataset();
    ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
    const Uint16* values = nullptr;
    unsigned long count = 0;
    OFString uid;
    ds->findAndGetOFString(DCM_SOPInstanceUID, uid);
    if (ds->findAndGetUint16Array(DCM_PixelData, values, &count).good() && values != nullptr) {
      pixels[uid.c_str()] = std::vector<Uint16>(values, values + count);
    } else {
      const Uint8* bytes = nullptr;
      if (ds->findAndGetUint8Array(DCM_PixelData, bytes, &count).good() && bytes != nullptr) {
        pixels[uid.c_str()] = std::vector<Uint16>(bytes, bytes + count);
      }
    }
  }
  return pixels;
}

// The encoded dataset of a Part 10 file: everything after the File Meta Information group, whose
// length is the value of (0002,0000) right after the 128-byte preamble and "DICM" (PS3.10 7.1).
std::string DatasetBytesOf(const std::string& path) {
  const std::string bytes = ReadFile(path).value_or("");
  if (bytes.size() < 144 || bytes.compare(128, 4, "DICM") != 0) return "";
  const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])); };
  const std::uint32_t group_length = byte(140) | byte(141) << 8 | byte(142) << 16 | byte(143) << 24;
  return bytes.substr(144 + group_length);
}

std::string TransferSyntaxOf(const std::string& path) {
  DcmFileFormat file;
  if (file.loadFile(path.c_str()).bad()) return "";
  return DcmXfer(file.getDataset()->getOriginalXfer()).getXferID();
}

class StoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  }
  void SetUp() override {
    if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
    ASSERT_TRUE(server_.Start()) << server_.error();
  }
  void TearDown() override {
    if (server_.IsRunning()) {
      EXPECT_EQ(server_.Stop(), 0);
    }
  }
  void ExpectStoredIdentically(const std::vector<std::string>& sent) {
    const auto expected = DecodedPixels(sent);
    const auto stored = DecodedPixels(StoredInstanceFiles(server_));
    ASSERT_EQ(expected.size(), sent.size());
    for (const auto& [uid, pixels] : expected) {
      const auto found = stored.find(uid);
      ASSERT_NE(found, stored.end()) << uid << " missing";
      EXPECT_TRUE(found->second == pixels) << uid << " pixel data differs";
    }
  }

  TempDir dir_;
  AlveoServer server_;
};

TEST_F(StoreTest, A300SliceCtIsStoredIdenticallyAndCompletesOnEvidence) {
  const Phantom ct = MakePhantom(dir_.Path("ct"), {"--kind", "normal", "--modality", "CT", "--slices", "300"});
  ASSERT_EQ(ct.files.size(), 300u);
  const ToolResult store = RunStorescu(server_.dicom_port(), ct.files);
  ASSERT_EQ(CountSuccesses(ParseStoreResponses(store.stderr_text)), 300u) << store.Describe();
  const auto study = WaitForStudy(server_, ct.study_uid, [](const JsonValue& s) { return StateIs(s, "processed"); });
  ASSERT_TRUE(study.has_value());
  EXPECT_EQ(study->Get("instance_count").AsInt(), 300);
  EXPECT_EQ(study->Get("completion_reason").AsString(), "evidence");
  ExpectStoredIdentically(ct.files);
}

TEST_F(StoreTest, EightParallelSendersAllLandIdentically) {
  std::vector<Phantom> studies;
  for (int i = 0; i < 8; ++i) {
    studies.push_back(MakePhantom(dir_.Path("s" + std::to_string(i)),
                                  {"--kind", i % 2 ? "diffuse" : "normal", "--modality", "CT", "--slices", "30",
                                   "--seed", std::to_string(100 + i)}));
  }
  std::vector<std::unique_ptr<Process>> senders;
  for (int i = 0; i < 8; ++i) {
    ProcessOptions sender;
    sender.argv = StorescuArgs(server_.dicom_port(), studies[i].files, StorescuOptions{});
    sender.env = DcmtkEnv();
    sender.log_dir = dir_.path();
    sender.log_name = "storescu-" + std::to_string(i);
    sender.capture_stderr = true;
    senders.push_back(Process::Start(sender));
    ASSERT_TRUE(senders.back());
  }
  std::vector<std::string> all_files;
  for (int i = 0; i < 8; ++i) {
    const auto status = senders[i]->Wait(std::chrono::seconds(120));
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(status->ExitedWith(0)) << status->ToString();
    EXPECT_EQ(CountSuccesses(ParseStoreResponses(senders[i]->Output(OutputStream::kStderr))), 30u);
    all_files.insert(all_files.end(), studies[i].files.begin(), studies[i].files.end());
  }
  for (const auto& study : studies) {
    EXPECT_TRUE(WaitForStudy(server_, study.study_uid, [](const JsonValue& s) {
      return StateIs(s, "processed") && s.Get("instance_count").AsInt() == 30;
    }));
  }
  EXPECT_EQ(StoredInstanceFiles(server_).size(), 240u);
  ExpectStoredIdentically(all_files);
}

TEST_F(StoreTest, EveryAcceptedTransferSyntaxIsStoredAsReceived) {
  // Alveo prefers uncompressed syntaxes when a sender offers both (conformance statement 3.2), so each
  // syntax is offered alone: the raw sender proposes exactly that syntax and sends the phantom file's
  // encoded dataset bytes as they are.
  const std::vector<std::pair<std::string, std::string>> syntaxes{
      {"implicit", "1.2.840.10008.1.2"},         {"deflated", "1.2.840.10008.1.2.1.99"},
      {"jpeg-lossless", "1.2.840.10008.1.2.4.70"}, {"jpeg-ls", "1.2.840.10008.1.2.4.80"},
      {"rle", "1.2.840.10008.1.2.5"},            {"jpeg-extended", "1.2.840.10008.1.2.4.51"},
  };
  std::vector<std::string> sent;
  int seed = 7;  // a new seed per syntax: a new study, not duplicates of the previous one
  for (const auto& [name, uid] : syntaxes) {
    SCOPED_TRACE(name);
    const std::vector<std::string> args{"--kind", "focal", "--modality", "CT", "--slices", "2", "--rows", "128",
                                        "--cols", "128", "--seed", std::to_string(seed++), "--transfer-syntax", name};
    const Phantom reference = MakePhantom(dir_.Path(name), args);
    for (std::size_t i = 0; i < reference.files.size(); ++i) {
      const std::string bare = dir_.Path(name + "-" + std::to_string(i) + ".bin");
      ASSERT_TRUE(WriteFile(bare, DatasetBytesOf(reference.files[i])));
      RawStoreOptions options;
      options.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
      options.sop_instance_uid = SopInstanceUidOf(reference.files[i]);
      options.transfer_syntax_uid = uid;
      const ToolResult result = RunRawStorescu(server_.dicom_port(), bare, options);
      const auto statuses = ParseRawStoreStatuses(result.stdout_text);
      ASSERT_EQ(statuses.size(), 1u) << result.Describe();
      EXPECT_EQ(statuses[0].status, 0x0000) << statuses[0].comment;
    }
    std::size_t matching = 0;
    for (const auto& stored : StoredInstanceFiles(server_)) matching += TransferSyntaxOf(stored) == uid;
    EXPECT_EQ(matching, reference.files.size()) << "stored files keep the transfer syntax they were sent in";
    sent.insert(sent.end(), reference.files.begin(), reference.files.end());
  }
  ExpectStoredIdentically(sent);  // and decode to exactly the pixels that were sent
}

TEST_F(StoreTest, RadiographsOfEveryAcceptedClassCompleteWhenReleased) {
  for (const std::string modality : {"CR", "DX", "SC"}) {
    SCOPED_TRACE(modality);
    const Phantom film = MakePhantom(dir_.Path(modality), {"--kind", "diffuse", "--modality", modality,
                                                           "--rows", "1024", "--cols", "832"});
    ASSERT_EQ(film.files.size(), 1u);
    const ToolResult store = RunStorescu(server_.dicom_port(), film.files);
    ASSERT_EQ(CountSuccesses(ParseStoreResponses(store.stderr_text)), 1u) << store.Describe();
    const auto study = WaitForStudy(server_, film.study_uid, [](const JsonValue& s) { return StateIs(s, "processed"); });
    ASSERT_TRUE(study.has_value());
    EXPECT_EQ(study->Get("completion_reason").AsString(), "evidence");
  }
}

TEST_F(StoreTest, AnAbdomenCtIsStoredButNotAnalysed) {
  const Phantom ct = MakePhantom(dir_.Path("abdomen"), {"--kind", "abdomen", "--modality", "CT", "--slices", "10"});
  const ToolResult store = RunStorescu(server_.dicom_port(), ct.files);
  ASSERT_EQ(CountSuccesses(ParseStoreResponses(store.stderr_text)), 10u) << store.Describe();
  const auto study = WaitForStudy(server_, ct.study_uid, [](const JsonValue& s) { return StateIs(s, "ignored"); });
  ASSERT_TRUE(study.has_value());
  EXPECT_EQ(StoredInstanceFiles(server_).size(), 10u);
}

TEST_F(StoreTest, ACompleteStudyIsClassifiedAndItsResultSurvivesARestart) {
  const Phantom ct = MakePhantom(dir_.Path("diffuse"), {"--kind", "diffuse", "--modality", "CT", "--rows", "256", "--cols",
                                                        "256", "--slices", "120", "--slice-spacing", "2.5"});
  const ToolResult store = RunStorescu(server_.dicom_port(), ct.files);
  ASSERT_EQ(CountSuccesses(ParseStoreResponses(store.stderr_text)), 120u) << store.Describe();
  const auto study = WaitForStudy(server_, ct.study_uid, [](const JsonValue& s) { return StateIs(s, "processed"); });
  ASSERT_TRUE(study.has_value());
  const JsonValue result = study->Get("result");
  ASSERT_TRUE(result.IsObject()) << study->ToString();
  EXPECT_EQ(result.Get("status").AsString(), "flagged");
  EXPECT_EQ(result.Get("analysis").AsString(), "ct_3d");
  const JsonValue differential = result.Get("differential");
  ASSERT_GE(differential.Size(), 2u);
  EXPECT_TRUE(differential.At(0).Get("code").AsString() == "78144005" ||
              differential.At(1).Get("code").AsString() == "78144005");
  EXPECT_NE(study->Get("detail").AsString().find("flagged"), std::string::npos);

  ASSERT_TRUE(server_.Restart()) << server_.error();
  const auto again = WaitForStudy(server_, ct.study_uid, [](const JsonValue& s) { return s.IsObject(); });
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(StateIs(*again, "processed"));
  EXPECT_EQ(again->Get("result").Get("status").AsString(), "flagged");
  EXPECT_EQ(again->Get("version").AsInt(), 1);
}

}  // namespace
}  // namespace alveo::testing
