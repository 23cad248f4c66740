// SPDX-License-Identifier: Apache-2.0
// `alveo classify` end to end: the real binary on studies made by `alveo phantom` (and, when it is
// there, on the real files of ../shared/data). Each case checks the JSON result it prints: the keys,
// the status, the coded not-analysable reason, the exit status.
#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "support/alveo_server.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kPulmonaryHemorrhage[] = "78144005";  // SNOMED CT
constexpr char kJpegLosslessSv1[] = "1.2.840.10008.1.2.4.70";
constexpr char kJpeg2000Lossless[] = "1.2.840.10008.1.2.4.90";  // same length: patched in place

// The shared development data (../shared/data next to the repository); tests using it skip when it
// is absent. The build sets ALVEO_SHARED_DATA_DIR; without it, the folder is found from this
// source file's location (<repo>/tests/e2e/ -> <repo>/../shared/data).
fs::path SharedDataDir() {
#ifdef ALVEO_SHARED_DATA_DIR
  return fs::path(ALVEO_SHARED_DATA_DIR);
#else
  return fs::path(__FILE__).parent_path() / ".." / ".." / ".." / "shared" / "data";
#endif
}

std::string StudyUidOf(const std::string& path) {
  DcmFileFormat file;
  if (file.loadFile(path.c_str()).bad()) return "";
  OFString uid;
  file.getDataset()->findAndGetOFString(DCM_StudyInstanceUID, uid);
  return uid.c_str();
}

std::string TransferSyntaxOf(const std::string& path) {
  DcmFileFormat file;
  if (file.loadFile(path.c_str()).bad()) return "";
  return DcmXfer(file.getDataset()->getOriginalXfer()).getXferID();
}

// Splits compact output (one document per line) and parses every line.
std::vector<JsonValue> ParseLines(const std::string& text) {
  std::vector<JsonValue> docs;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    std::string error;
    JsonValue doc = ParseJson(line, &error);
    EXPECT_TRUE(error.empty() && doc.IsObject()) << "not a JSON object: " << error << "\n" << line;
    docs.push_back(doc);
  }
  return docs;
}

class ClassifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  }

  // `alveo phantom --out <dir> args...`; returns the .dcm files written.
  std::vector<std::string> MakePhantom(const std::string& name, const std::vector<std::string>& args) {
    const std::string out = dir_.Path(name);
    std::vector<std::string> argv{AlveoServer::BinaryPath(), "phantom", "--out", out, "--threads", "2"};
    argv.insert(argv.end(), args.begin(), args.end());
    const ToolResult made = RunTool(argv, std::chrono::seconds(120));
    EXPECT_EQ(made.exit_code, 0) << made.Describe();
    return ListFilesRecursive(out, ".dcm");
  }

  // `alveo classify args...`; the result, with compact stdout parsed line by line into `docs_`
  // (left empty for --pretty output).
  ToolResult Classify(const std::vector<std::string>& args) {
    std::vector<std::string> argv{AlveoServer::BinaryPath(), "classify", "--threads", "2"};
    argv.insert(argv.end(), args.begin(), args.end());
    ToolResult result = RunTool(argv, std::chrono::seconds(120));
    const bool pretty = std::find(args.begin(), args.end(), "--pretty") != args.end();
    docs_ = pretty ? std::vector<JsonValue>{} : ParseLines(result.stdout_text);
    return result;
  }

  // Classifies `path`, expecting exit status 0 and exactly one study; returns its document.
  JsonValue ClassifyOne(const std::string& path) {
    const ToolResult result = Classify({path});
    EXPECT_EQ(result.exit_code, 0) << result.Describe();
    EXPECT_EQ(docs_.size(), 1u) << result.Describe();
    if (docs_.empty()) return JsonValue();
    ExpectResultShape(docs_[0]);
    return docs_[0];
  }

  // Every documented key with the right type (README.md "Classification result").
  static void ExpectResultShape(const JsonValue& doc) {
    const std::vector<std::string> keys{"study_instance_uid", "modality", "status", "reason",
                                        "reason_detail", "certainty", "analysis", "lungs", "zones",
                                        "features", "differential", "series_used", "instances_used",
                                        "rule_version", "timings_ms"};
    for (const auto& key : keys) EXPECT_TRUE(doc.Has(key)) << "missing " << key << " in " << doc.ToString();
    EXPECT_FALSE(doc["study_instance_uid"].AsString().empty());
    EXPECT_TRUE(doc["modality"].IsString());
    const std::string status = doc["status"].AsString();
    EXPECT_TRUE(status == "flagged" || status == "not_flagged" || status == "not_analysable") << status;
    EXPECT_TRUE(doc["reason"].IsNull() || doc["reason"].IsString());
    EXPECT_EQ(doc["reason"].IsNull(), status != "not_analysable") << doc.ToString();
    EXPECT_FALSE(doc["reason_detail"].AsString().empty());
    EXPECT_GE(doc["certainty"].AsDouble(), 0.0);
    EXPECT_LE(doc["certainty"].AsDouble(), 100.0);
    EXPECT_TRUE(doc["analysis"].IsString());
    EXPECT_TRUE(doc["lungs"].IsObject());
    for (const char* side : {"right", "left", "total"}) EXPECT_TRUE(doc["lungs"].Has(side)) << side;
    EXPECT_TRUE(doc["zones"].IsArray());
    EXPECT_TRUE(doc["features"].IsObject());
    EXPECT_TRUE(doc["differential"].IsArray());
    for (std::size_t i = 0; i < doc["differential"].Size(); ++i) {
      const JsonValue entry = doc["differential"].At(i);
      EXPECT_EQ(entry["rank"].AsInt(), static_cast<std::int64_t>(i + 1));
      EXPECT_FALSE(entry["code"].AsString().empty());
      EXPECT_EQ(entry["scheme"].AsString(), "SCT");
      EXPECT_FALSE(entry["meaning"].AsString().empty());
      EXPECT_GE(entry["score"].AsDouble(), 0.0);
      EXPECT_LE(entry["score"].AsDouble(), 1.0);
      EXPECT_TRUE(entry["reasons"].IsArray());
    }
    EXPECT_TRUE(doc["series_used"].IsArray());
    EXPECT_TRUE(doc["instances_used"].IsNumber());
    EXPECT_FALSE(doc["rule_version"].AsString().empty());
    EXPECT_TRUE(doc["timings_ms"].IsObject());
    EXPECT_TRUE(doc["timings_ms"]["total"].IsNumber()) << doc["timings_ms"].ToString();
  }

  static void ExpectNotAnalysable(const JsonValue& doc, const std::string& reason) {
    EXPECT_EQ(doc["status"].AsString(), "not_analysable") << doc.ToString();
    EXPECT_EQ(doc["reason"].IsString() ? doc["reason"].AsString() : "null", reason) << doc.ToString();
    EXPECT_FALSE(doc["reason_detail"].AsString().empty());
    EXPECT_EQ(doc["certainty"].AsDouble(), 0.0);
    EXPECT_EQ(doc["differential"].Size(), 0u);
    EXPECT_TRUE(doc["lungs"]["total"].IsNull()) << doc["lungs"].ToString();
  }

  // A small CT (256x256, 2.5 mm) for the not-analysable cases that need a decodable volume.
  std::vector<std::string> SmallCt(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--kind",  "normal", "--modality", "CT",  "--rows", "256", "--cols",
                                  "256",     "--slices", "40",       "--slice-spacing", "2.5"};
    args.insert(args.end(), extra.begin(), extra.end());
    return MakePhantom(name, args);
  }

  TempDir dir_;
  std::vector<JsonValue> docs_;
};

TEST_F(ClassifyTest, DiffuseCtIsFlaggedWithPulmonaryHemorrhageInTheDifferential) {
  const auto files = MakePhantom("diffuse", {"--kind", "diffuse", "--modality", "CT", "--rows", "256", "--cols",
                                             "256", "--slices", "120", "--slice-spacing", "2.5"});
  ASSERT_EQ(files.size(), 120u);
  const JsonValue doc = ClassifyOne(dir_.Path("diffuse"));
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["study_instance_uid"].AsString(), StudyUidOf(files[0]));
  EXPECT_EQ(doc["modality"].AsString(), "CT");
  EXPECT_EQ(doc["status"].AsString(), "flagged") << doc["reason_detail"].AsString();
  EXPECT_TRUE(doc["reason"].IsNull());
  EXPECT_GT(doc["certainty"].AsDouble(), 0.0);
  EXPECT_EQ(doc["analysis"].AsString(), "ct_3d");

  const JsonValue differential = doc["differential"];
  ASSERT_GE(differential.Size(), 2u) << differential.ToString();
  EXPECT_TRUE(differential.At(0)["code"].AsString() == kPulmonaryHemorrhage ||
              differential.At(1)["code"].AsString() == kPulmonaryHemorrhage)
      << differential.ToString();

  const JsonValue total = doc["lungs"]["total"];
  ASSERT_TRUE(total.IsObject()) << doc["lungs"].ToString();
  EXPECT_GT(total["volume_ml"].AsDouble(), 1000.0);
  EXPECT_GT(total["opacity_percent"].AsDouble(), 0.0);
  EXPECT_TRUE(doc["lungs"]["right"].IsObject());
  EXPECT_TRUE(doc["lungs"]["left"].IsObject());
  EXPECT_GT(doc["zones"].Size(), 0u);
  EXPECT_EQ(doc["series_used"].Size(), 1u);
  EXPECT_EQ(doc["instances_used"].AsInt(), 120);
  EXPECT_FALSE(doc["rule_version"].AsString().empty());
  EXPECT_GT(doc["timings_ms"]["total"].AsDouble(), 0.0);
}

TEST_F(ClassifyTest, NormalDxRadiographIsNotFlagged) {
  const auto files = MakePhantom("dx", {"--kind", "normal", "--modality", "DX", "--rows", "1000", "--cols", "800"});
  ASSERT_EQ(files.size(), 1u);
  const JsonValue doc = ClassifyOne(dir_.Path("dx"));
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["study_instance_uid"].AsString(), StudyUidOf(files[0]));
  EXPECT_EQ(doc["modality"].AsString(), "DX");
  EXPECT_EQ(doc["status"].AsString(), "not_flagged") << doc["reason_detail"].AsString();
  EXPECT_TRUE(doc["reason"].IsNull());
  EXPECT_EQ(doc["analysis"].AsString(), "radiograph");
  EXPECT_EQ(doc["instances_used"].AsInt(), 1);
  const JsonValue score = doc["features"]["opacity_score"];
  ASSERT_TRUE(score.IsNumber()) << doc["features"].ToString();
  EXPECT_GE(score.AsDouble(), 0.0);
  EXPECT_LE(score.AsDouble(), 1.0);
}

TEST_F(ClassifyTest, AbdomenOnlyCtIsNotChest) {
  MakePhantom("abdomen", {"--kind", "abdomen", "--modality", "CT", "--rows", "256", "--cols", "256", "--slices",
                          "60", "--slice-spacing", "2.5"});
  const JsonValue doc = ClassifyOne(dir_.Path("abdomen"));
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["modality"].AsString(), "CT");
  ExpectNotAnalysable(doc, "not_chest");
}

TEST_F(ClassifyTest, SingleLateralRadiographIsNonFrontalView) {
  MakePhantom("lateral", {"--kind", "normal", "--modality", "DX", "--view", "LL", "--rows", "1000", "--cols", "800"});
  const JsonValue doc = ClassifyOne(dir_.Path("lateral"));
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["modality"].AsString(), "DX");
  ExpectNotAnalysable(doc, "non_frontal_view");
}

TEST_F(ClassifyTest, SlicesThickerThan5mmOnlyAreTooThick) {
  SmallCt("thick", {"--thickness", "7", "--slice-spacing", "7"});
  const JsonValue doc = ClassifyOne(dir_.Path("thick"));
  ASSERT_TRUE(doc.IsObject());
  ExpectNotAnalysable(doc, "slices_too_thick");
}

// Ten slices deleted from the middle of the stack: the lungs would be misstated, so the study is
// not analysed and the reason says slices are missing.
TEST_F(ClassifyTest, AVolumeWithSlicesMissingIsAnIncompleteSeries) {
  const std::vector<std::string> files = SmallCt("gappy");
  ASSERT_EQ(files.size(), 40u);
  std::vector<std::pair<double, std::string>> by_position;
  for (const auto& path : files) {
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(path.c_str()).good()) << path;
    Float64 z = 0;
    ASSERT_TRUE(file.getDataset()->findAndGetFloat64(DCM_ImagePositionPatient, z, 2).good()) << path;
    by_position.emplace_back(z, path);
  }
  std::sort(by_position.begin(), by_position.end());
  for (std::size_t i = 15; i < 25; ++i) fs::remove(by_position[i].second);
  const JsonValue doc = ClassifyOne(dir_.Path("gappy"));
  ASSERT_TRUE(doc.IsObject());
  ExpectNotAnalysable(doc, "incomplete_series");
  EXPECT_NE(doc["reason_detail"].AsString().find("missing"), std::string::npos) << doc.ToString();
}

// Pixel Data shortened to 60% of its bytes, the element length matching (DCMTK parses the file):
// the decoder finds too few bytes for the frame.
TEST_F(ClassifyTest, ShortPixelDataIsCorruptPixelData) {
  const auto files = SmallCt("ct");
  ASSERT_FALSE(files.empty());
  for (const auto& path : files) {
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(path.c_str()).good()) << path;
    DcmDataset* dataset = file.getDataset();
    const Uint16* values = nullptr;
    unsigned long count = 0;
    ASSERT_TRUE(dataset->findAndGetUint16Array(DCM_PixelData, values, &count).good() && values != nullptr) << path;
    const std::vector<Uint16> kept(values, values + count * 6 / 10);
    ASSERT_TRUE(dataset->putAndInsertUint16Array(DCM_PixelData, kept.data(), kept.size()).good());
    const std::string out = dir_.Path("short/" + fs::path(path).filename().string());
    fs::create_directories(fs::path(out).parent_path());
    ASSERT_TRUE(file.saveFile(out.c_str(), EXS_LittleEndianExplicit).good()) << out;
  }
  const JsonValue doc = ClassifyOne(dir_.Path("short"));
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["study_instance_uid"].AsString(), StudyUidOf(files[0]));
  ExpectNotAnalysable(doc, "corrupt_pixel_data");
}

// Every file cut to 60% of its size, inside Pixel Data (a transfer that broke off). DCMTK cannot
// finish parsing such a file ("premature end of stream"), but everything before Pixel Data,
// Study Instance UID included, is there: the study must still get a result, not be skipped.
TEST_F(ClassifyTest, FilesCutInsidePixelDataAreCorruptPixelData) {
  const auto files = SmallCt("ct");
  ASSERT_FALSE(files.empty());
  for (const auto& path : files) {
    const std::string bytes = ReadFile(path).value_or("");
    ASSERT_FALSE(bytes.empty()) << path;
    ASSERT_TRUE(WriteFile(dir_.Path("cut/" + fs::path(path).filename().string()), bytes.substr(0, bytes.size() * 6 / 10)));
  }
  const ToolResult result = Classify({dir_.Path("cut")});
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_EQ(docs_.size(), 1u) << "the truncated study got no result\n" << result.Describe();
  ExpectResultShape(docs_[0]);
  EXPECT_EQ(docs_[0]["study_instance_uid"].AsString(), StudyUidOf(files[0]));
  ExpectNotAnalysable(docs_[0], "corrupt_pixel_data");
}

// JPEG 2000 has no decoder: a CT and a film whose meta header names JPEG 2000 (a JPEG-lossless
// phantom with (0002,0010) patched in place; the UIDs have the same length).
TEST_F(ClassifyTest, Jpeg2000IsUnsupportedEncoding) {
  const auto patch = [&](const std::vector<std::string>& files, const std::string& to_dir) {
    for (const auto& path : files) {
      std::string bytes = ReadFile(path).value_or("");
      const std::size_t at = bytes.find(kJpegLosslessSv1);
      ASSERT_NE(at, std::string::npos) << path;
      ASSERT_LT(at, 1024u) << "transfer syntax UID not in the meta header of " << path;
      bytes.replace(at, std::string(kJpeg2000Lossless).size(), kJpeg2000Lossless);
      const std::string out = JoinPath(to_dir, fs::path(path).filename().string());
      ASSERT_TRUE(WriteFile(out, bytes));
      ASSERT_EQ(TransferSyntaxOf(out), kJpeg2000Lossless) << out;
    }
  };
  patch(SmallCt("ct", {"--transfer-syntax", "jpeg-lossless", "--slices", "30"}), dir_.Path("ct-j2k"));
  patch(MakePhantom("dx", {"--kind", "normal", "--modality", "DX", "--rows", "1000", "--cols", "800",
                           "--transfer-syntax", "jpeg-lossless"}),
        dir_.Path("dx-j2k"));
  if (HasFatalFailure()) return;

  const JsonValue ct = ClassifyOne(dir_.Path("ct-j2k"));
  ASSERT_TRUE(ct.IsObject());
  ExpectNotAnalysable(ct, "unsupported_encoding");
  EXPECT_NE(ct["reason_detail"].AsString().find(kJpeg2000Lossless), std::string::npos) << ct["reason_detail"].AsString();

  const JsonValue dx = ClassifyOne(dir_.Path("dx-j2k"));
  ASSERT_TRUE(dx.IsObject());
  ExpectNotAnalysable(dx, "unsupported_encoding");
}

TEST_F(ClassifyTest, MissingPathExitsNonZeroAndNamesIt) {
  const std::string missing = dir_.Path("no-such-study/0001.dcm");
  const ToolResult result = Classify({missing});
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  EXPECT_EQ(result.exit_code, 1) << result.Describe();  // documented: a path could not be read
  EXPECT_NE(result.stderr_text.find(missing), std::string::npos) << result.Describe();
  EXPECT_TRUE(docs_.empty()) << result.Describe();
}

TEST_F(ClassifyTest, TwoStudiesInOneFolderGiveTwoLinesAndPrettyOutputParses) {
  // Two films (different seeds, so different studies) copied side by side into one folder.
  const auto a = MakePhantom("a", {"--kind", "normal", "--modality", "DX", "--rows", "1000", "--cols", "800", "--seed", "21"});
  const auto b = MakePhantom("b", {"--kind", "diffuse", "--modality", "CR", "--rows", "1000", "--cols", "800", "--seed", "22"});
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  const std::string both = dir_.MakeDir("both");
  fs::copy_file(a[0], JoinPath(both, "a.dcm"));
  fs::copy_file(b[0], JoinPath(both, "b.dcm"));
  const std::set<std::string> expected{StudyUidOf(a[0]), StudyUidOf(b[0])};
  ASSERT_EQ(expected.size(), 2u);

  const ToolResult compact = Classify({both});
  EXPECT_EQ(compact.exit_code, 0) << compact.Describe();
  ASSERT_EQ(docs_.size(), 2u) << compact.Describe();
  std::set<std::string> seen;
  for (const auto& doc : docs_) {
    ExpectResultShape(doc);
    seen.insert(doc["study_instance_uid"].AsString());
  }
  EXPECT_EQ(seen, expected);
  const std::vector<JsonValue> compact_docs = docs_;

  // --pretty: indented documents separated by a blank line; each one parses on its own.
  const ToolResult pretty = Classify({"--pretty", both});
  EXPECT_EQ(pretty.exit_code, 0) << pretty.Describe();
  std::vector<std::string> chunks;
  std::size_t start = 0;
  const std::string& text = pretty.stdout_text;
  while (start < text.size()) {
    std::size_t end = text.find("\n\n", start);
    if (end == std::string::npos) end = text.size();
    const std::string chunk = text.substr(start, end - start);
    if (chunk.find_first_not_of(" \n") != std::string::npos) chunks.push_back(chunk);
    start = end + 2;
  }
  ASSERT_EQ(chunks.size(), 2u) << pretty.Describe();
  std::set<std::string> pretty_seen;
  for (const auto& chunk : chunks) {
    EXPECT_NE(chunk.find('\n'), std::string::npos) << "not indented:\n" << chunk;
    std::string error;
    const JsonValue doc = ParseJson(chunk, &error);
    ASSERT_TRUE(error.empty() && doc.IsObject()) << error << "\n" << chunk;
    ExpectResultShape(doc);
    pretty_seen.insert(doc["study_instance_uid"].AsString());
    for (const auto& same : compact_docs) {
      if (same["study_instance_uid"].AsString() != doc["study_instance_uid"].AsString()) continue;
      EXPECT_EQ(doc["status"].AsString(), same["status"].AsString());
      EXPECT_EQ(doc["differential"].ToString(), same["differential"].ToString());
      EXPECT_EQ(doc.Keys(), same.Keys());
    }
  }
  EXPECT_EQ(pretty_seen, expected);
}

// Every file of ../shared/data (real scanners' output, SRs, reformats, files without a meta
// header) classifies without a crash: exit status 0 and one result per study in the folder.
TEST_F(ClassifyTest, SharedDataEveryStudyGetsOneResult) {
  const fs::path data = SharedDataDir();
  if (!fs::is_directory(data)) GTEST_SKIP() << "shared data not found at " << data.string();

  std::set<std::string> studies;
  for (const auto& path : ListFilesRecursive(data.string())) {
    const std::string uid = StudyUidOf(path);
    if (!uid.empty()) studies.insert(uid);
  }
  ASSERT_FALSE(studies.empty()) << "no DICOM files under " << data.string();

  const ToolResult result = Classify({"--quiet", data.string()});
  ASSERT_FALSE(result.timed_out) << result.Describe();
  ASSERT_TRUE(result.status.has_value() && !result.status->signaled) << result.Describe();
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_EQ(docs_.size(), studies.size()) << result.stderr_text;
  std::set<std::string> seen;
  for (const auto& doc : docs_) {
    ExpectResultShape(doc);
    EXPECT_TRUE(seen.insert(doc["study_instance_uid"].AsString()).second)
        << "two results for " << doc["study_instance_uid"].AsString();
  }
  EXPECT_EQ(seen, studies);
}

}  // namespace
}  // namespace alveo::testing
