// SPDX-License-Identifier: Apache-2.0
#include "unit/sr/sr_test_util.h"

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>

#include "config/sr_template_loader.h"
#include "phantom/phantom_writer.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::sr::testing {
namespace {

using classifier::ClassificationResult;
using classifier::DifferentialEntry;
using classifier::LungMeasures;
using classifier::ResultStatus;

// Fixed identities for the goldens: any change here changes every golden file.
constexpr char kSeriesUid[] = "1.2.826.0.1.3680043.10.1081.1";
constexpr char kSopInstanceUid[] = "1.2.826.0.1.3680043.10.1081.2";
constexpr char kObserverUid[] = "1.2.826.0.1.3680043.10.1081.3";
constexpr std::int64_t kCreatedAtMs = 1735732800000;  // 2025-01-01 12:00:00 UTC

LungMeasures Lung(double volume_ml, double ggo, double consolidation) {
  LungMeasures m;
  m.volume_ml = volume_ml;
  m.ggo_percent = ggo;
  m.consolidation_percent = consolidation;
  m.opacity_percent = ggo + consolidation;
  return m;
}

DifferentialEntry Entry(int rank, const char* code, const char* meaning,
                        std::vector<std::string> reasons) {
  DifferentialEntry e;
  e.rank = rank;
  e.code = code;
  e.scheme = "SCT";
  e.meaning = meaning;
  e.score = 1.0 - 0.1 * rank;
  e.reasons = std::move(reasons);
  return e;
}

// Reads the UIDs of a written instance (header only).
SrEvidence EvidenceOf(const std::string& file) {
  DcmFileFormat format;
  SrEvidence e;
  e.file = file;
  EXPECT_TRUE(format.loadFile(file.c_str(), EXS_Unknown, EGL_noChange, 4096).good()) << file;
  OFString value;
  DcmDataset& ds = *format.getDataset();
  if (ds.findAndGetOFString(DCM_StudyInstanceUID, value).good())
    e.study_instance_uid = value.c_str();
  if (ds.findAndGetOFString(DCM_SeriesInstanceUID, value).good())
    e.series_instance_uid = value.c_str();
  if (ds.findAndGetOFString(DCM_SOPClassUID, value).good()) e.sop_class_uid = value.c_str();
  if (ds.findAndGetOFString(DCM_SOPInstanceUID, value).good()) e.sop_instance_uid = value.c_str();
  return e;
}

SourceStudy FromSummary(const Result<phantom::WriteSummary>& summary) {
  SourceStudy study;
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  if (!summary.ok()) return study;
  study.study_instance_uid = summary->study_instance_uid;
  for (const std::string& name : summary->files) {
    study.evidence.push_back(EvidenceOf((summary->directory / name).string()));
  }
  return study;
}

phantom::WriteOptions Identity(const std::string& study_uid, const std::string& patient_name,
                               const std::string& character_set) {
  phantom::WriteOptions w;
  w.identity.study_instance_uid = study_uid;
  w.identity.patient_name = patient_name;
  w.identity.patient_id = "SR-TEST-1";
  w.identity.accession_number = "ACC0001";
  w.identity.character_set = character_set;
  w.threads = 1;
  return w;
}

std::vector<std::string> DciodvfyLines(const std::string& file, const std::string& prefix,
                                       std::string* full_output) {
  const alveo::testing::ToolResult run = alveo::testing::RunTool({"dciodvfy", file});
  const std::string output = run.stdout_text + run.stderr_text;
  if (full_output != nullptr) *full_output = output;
  std::vector<std::string> lines;
  if (!run.error.empty() || run.timed_out)
    return {"Error - dciodvfy did not run: " + run.Describe()};
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

}  // namespace

SrTemplate LoadTemplate(const std::string& name) {
  const std::string path = std::string(ALVEO_SOURCE_DIR) + "/sr_templates/" + name + ".json";
  Result<SrTemplate> loaded = config::LoadSrTemplateFile(path);
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
  return loaded.ok() ? loaded.value() : SrTemplate{};
}

ClassificationResult FlaggedCt() {
  ClassificationResult r;
  r.study_instance_uid = kCtStudyUid;
  r.modality = "CT";
  r.status = ResultStatus::kFlagged;
  r.certainty = 72;
  r.diffuse_bilateral = true;
  r.findings = {"diffuse",      "central",     "apical_sparing", "dependent_gradient",
                "crazy_paving", "no_effusion", "normal_heart"};
  r.analysis = "ct_3d";
  r.right = Lung(2650.4, 38.26, 6.1);
  r.left = Lung(2310.0, 35.0, 4.95);
  r.total = Lung(4960.4, 36.74, 5.57);
  r.differential = {
      Entry(1, "78144005", "Pulmonary hemorrhage",
            {"bilateral diffuse opacity (42% of lung, both lungs > 25%)",
             "central predominance (core/rind 1.6)",
             "relative apical sparing (upper 12% vs lower 51%)"}),
      Entry(2, "67782005", "Acute respiratory distress syndrome",
            {"bilateral diffuse opacity (42% of lung, both lungs > 25%)",
             "gravity-dependent gradient (2.1)"}),
      Entry(3, "19242006", "Pulmonary edema",
            {"bilateral diffuse opacity (42% of lung, both lungs > 25%)",
             "against: no effusion (0 ml)"}),
  };
  r.rule_version = "alveo-dph-rule-1.1";
  return r;
}

ClassificationResult NotFlaggedCt() {
  ClassificationResult r;
  r.study_instance_uid = kCtStudyUid;
  r.modality = "CT";
  r.status = ResultStatus::kNotFlagged;
  r.certainty = 3;
  r.findings = {"no_effusion", "normal_heart"};
  r.analysis = "ct_3d";
  r.right = Lung(2800, 0.4, 0.1);
  r.left = Lung(2500, 0.3, 0.0);
  r.total = Lung(5300, 0.35, 0.05);
  r.rule_version = "alveo-dph-rule-1.1";
  return r;
}

ClassificationResult NotAnalysableCt() {
  ClassificationResult r;
  r.study_instance_uid = kCtStudyUid;
  r.modality = "CT";
  r.status = ResultStatus::kNotAnalysable;
  r.reason = classifier::NotAnalysableReason::kSlicesTooThick;
  r.reason_detail = "thinnest axial series has 8 mm slices";
  r.rule_version = "alveo-dph-rule-1.1";
  return r;
}

ClassificationResult FlaggedRadiograph() {
  ClassificationResult r;
  r.study_instance_uid = kRadiographStudyUid;
  r.modality = "DX";
  r.status = ResultStatus::kFlagged;
  r.certainty = 15;  // radiographs cap the certainty low: "undetermined" with the default threshold
  r.diffuse_bilateral = true;
  r.findings = {"diffuse", "no_effusion", "normal_heart"};
  r.analysis = "radiograph";
  LungMeasures right, left, total;
  right.opacity_percent = 46.0;
  left.opacity_percent = 41.04;
  total.opacity_percent = 43.5;
  r.right = right;
  r.left = left;
  r.total = total;
  r.differential = {
      Entry(1, "78144005", "Pulmonary hemorrhage",
            {"bilateral diffuse opacity (44% of the lung fields)"}),
      Entry(2, "67782005", "Acute respiratory distress syndrome",
            {"bilateral diffuse opacity (44% of the lung fields)"}),
  };
  r.rule_version = "alveo-dph-rule-1.1";
  return r;
}

SourceStudy WriteCtStudy(const std::string& dir, const std::string& patient_name,
                         const std::string& character_set) {
  phantom::CtOptions ct;
  ct.kind = phantom::PatternKind::kDiffuse;
  ct.seed = 11;
  ct.columns = ct.rows = 32;
  ct.slices = 3;
  ct.slice_spacing_mm = 5.0;
  return FromSummary(
      phantom::WriteCtSeries(ct, Identity(kCtStudyUid, patient_name, character_set), dir));
}

SourceStudy WriteRadiographStudy(const std::string& dir) {
  phantom::RadiographOptions film;
  film.kind = phantom::PatternKind::kDiffuse;
  film.seed = 12;
  film.columns = 64;
  film.rows = 80;
  return FromSummary(
      phantom::WriteRadiograph(film, Identity(kRadiographStudyUid, "PHANTOM^FILM", ""), dir));
}

AlgorithmInfo TestAlgorithm() {
  return {"Alveo lung opacity classifier", "0.1.0 alveo-dph-rule-1.1", {"ggo_band=(-700,-250] HU"}};
}

SrDocumentRequest MakeRequest(const SrTemplate& tmpl, const ClassificationResult& result,
                              const SourceStudy& study) {
  SrDocumentRequest request;
  request.tmpl = &tmpl;
  request.content = BuildSrContent(result, tmpl, TestAlgorithm());
  request.source_file = study.evidence.empty() ? "" : study.evidence.front().file;
  request.evidence = study.evidence;
  request.image_library = tmpl.output != SrOutputClass::kBasicText;
  request.series_instance_uid = kSeriesUid;
  request.sop_instance_uid = kSopInstanceUid;
  request.device_observer_uid = kObserverUid;
  request.created_at = FromUnixMillis(kCreatedAtMs);
  return request;
}

bool HaveTool(const std::string& name) {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/"}) {
    if (std::filesystem::exists(std::string(dir) + name)) return true;
  }
  return false;
}

std::vector<std::string> DciodvfyErrors(const std::string& file, std::string* full_output) {
  return DciodvfyLines(file, "Error", full_output);
}

std::vector<std::string> DciodvfyWarnings(const std::string& file) {
  return DciodvfyLines(file, "Warning", nullptr);
}

std::string Dsrdump(const std::string& file, std::string* stderr_text) {
  const alveo::testing::ToolResult run =
      alveo::testing::RunTool({"dsrdump", "+Pl", "+Pc", "+Pu", "+Psu", "+Pt", file});
  EXPECT_TRUE(run.ok()) << run.Describe();
  if (stderr_text != nullptr) *stderr_text = run.stderr_text;
  return run.stdout_text;
}

SrValidationExpectations ExpectationsFor(const SrDocumentRequest& request) {
  SrValidationExpectations expect;
  expect.sop_class_uid = SopClassUidFor(request.tmpl->output);
  expect.sop_instance_uid = request.sop_instance_uid;
  expect.series_instance_uid = request.series_instance_uid;
  if (!request.evidence.empty())
    expect.study_instance_uid = request.evidence.front().study_instance_uid;
  expect.evidence_count = request.evidence.size();
  for (const SrEvidence& e : request.evidence)
    expect.evidence_sop_instance_uids.push_back(e.sop_instance_uid);
  expect.predecessor_sop_instance_uid =
      request.predecessor ? request.predecessor->sop_instance_uid : "";
  return expect;
}

std::unique_ptr<DcmFileFormat> ParseDicom(const std::string& bytes) {
  DcmInputBufferStream stream;
  stream.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  stream.setEos();
  auto file = std::make_unique<DcmFileFormat>();
  file->transferInit();
  const OFCondition cond = file->read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
  file->transferEnd();
  if (cond.bad() || cond == EC_StreamNotifyClient) return nullptr;
  return file;
}

std::string SerializeDicom(DcmFileFormat& file, bool keep_meta) {
  std::string bytes;
  std::vector<char> chunk(1 << 16);
  DcmOutputBufferStream stream(chunk.data(), chunk.size());
  file.transferInit();
  OFCondition cond;
  do {
    cond = file.write(stream, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr, EGL_recalcGL,
                      EPD_noChange, 0, 0, 0, keep_meta ? EWM_dontUpdateMeta : EWM_createNewMeta);
    void* buffer = nullptr;
    offile_off_t length = 0;
    stream.flushBuffer(buffer, length);
    bytes.append(static_cast<const char*>(buffer), static_cast<std::size_t>(length));
  } while (cond == EC_StreamNotifyClient);
  file.transferEnd();
  EXPECT_TRUE(cond.good()) << cond.text();
  return bytes;
}

std::string RawString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) return "";
  return std::string(value.c_str(), value.length());
}

std::string RawString(const std::string& file_bytes, const DcmTagKey& tag) {
  std::unique_ptr<DcmFileFormat> file = ParseDicom(file_bytes);
  EXPECT_NE(file, nullptr);
  return file ? RawString(*file->getDataset(), tag) : "";
}

namespace {

// UIDs that identify instances (ours, the phantom's): "2.25.<n>" and anything with five or more
// components. Standard DICOM UIDs (1.2.840.10008.*: SOP classes, mapping resources) stay: they mean
// something.
std::string NormaliseUids(const std::string& line) {
  static const std::regex kUid(R"(\b(2\.25\.\d+|\d+(\.\d+){4,})\b)");
  std::string out;
  std::size_t done = 0;
  for (std::sregex_iterator it(line.begin(), line.end(), kUid), end; it != end; ++it) {
    const std::size_t at = static_cast<std::size_t>(it->position());
    out.append(line, done, at - done);
    out += it->str().rfind("1.2.840.10008.", 0) == 0 ? it->str() : "<UID>";
    done = at + static_cast<std::size_t>(it->length());
  }
  return out.append(line, done, std::string::npos);
}

std::string ReplaceValue(const std::string& line, const char* placeholder) {
  static const std::regex kValue(R"(="[^"]*")");
  return std::regex_replace(line, kValue, std::string("=\"") + placeholder + "\"");
}

}  // namespace

std::string NormaliseDsrdump(const std::string& text) {
  static const std::regex kVersion(R"(OFFIS_DCMTK_\d+|DCMTK \d+\.\d+\.\d+|\$dcmtk: .*\$)");
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.rfind("Content Date/Time", 0) == 0) {
      line = line.substr(0, line.find(':') + 1) + " <DATETIME>";
    } else if (line.find("DATETIME:(") != std::string::npos) {
      line = ReplaceValue(line, "<DATETIME>");
    } else if (line.find("DATE:(") != std::string::npos) {
      line = ReplaceValue(line, "<DATE>");
    } else if (line.find("TIME:(") != std::string::npos) {
      line = ReplaceValue(line, "<TIME>");
    }
    line = std::regex_replace(NormaliseUids(line), kVersion, "<VERSION>");
    out += line + "\n";
  }
  return out;
}

::testing::AssertionResult MatchesGolden(const std::string& name, const std::string& normalised) {
  const std::string path = std::string(ALVEO_SOURCE_DIR) + "/sr_templates/golden/" + name + ".txt";
  const char* update = std::getenv("ALVEO_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    if (!alveo::testing::WriteFile(path, normalised))
      return ::testing::AssertionFailure() << "cannot write " << path;
    return ::testing::AssertionSuccess() << "wrote " << path;
  }
  const std::optional<std::string> golden = alveo::testing::ReadFile(path);
  if (!golden) {
    return ::testing::AssertionFailure()
           << "no golden " << path << " (run with ALVEO_UPDATE_GOLDENS=1 to create it)";
  }
  if (*golden == normalised) return ::testing::AssertionSuccess();
  std::istringstream expected(*golden), actual(normalised);
  std::string e, a;
  int line = 0;
  while (true) {
    ++line;
    const bool more_e = static_cast<bool>(std::getline(expected, e));
    const bool more_a = static_cast<bool>(std::getline(actual, a));
    if (!more_e && !more_a) break;
    if (!more_e || !more_a || e != a) {
      return ::testing::AssertionFailure()
             << path << " differs at line " << line << ":\n  golden: " << (more_e ? e : "<end>")
             << "\n  actual: " << (more_a ? a : "<end>")
             << "\nIf the change is intended, regenerate with ALVEO_UPDATE_GOLDENS=1 "
                "(see sr_templates/README.md).";
    }
  }
  return ::testing::AssertionFailure() << path << " differs (line endings?)";
}

}  // namespace alveo::sr::testing
