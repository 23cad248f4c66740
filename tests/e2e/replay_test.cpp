// SPDX-License-Identifier: Apache-2.0
// `alveo replay` end to end with the real binary and real DCMTK tools: a folder of mixed phantom
// studies (diffuse, normal and abdomen CT, a radiograph, a file that is not DICOM) gives one
// validated SR per study and a summary; a second run skips everything and a new study is the only
// one processed; the SR UID equals the one `alveo serve` gives the same study; --send delivers to
// a storescp PACS, and a PACS that stays down fails the run; --jobs 2 gives the rows of --jobs 1;
// bad usage exits 2. Ports are chosen at run time on loopback.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "e2e_util.h"
#include "support/alveo_server.h"
#include "support/dicom_tools.h"
#include "support/http_client.h"
#include "support/net_util.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr auto kReplayTimeout = seconds(240);
const std::vector<std::string> kCsvHeader{"study_key", "study_instance_uid", "modality", "status", "reason",
                                          "certainty", "top_differential", "sr_sop_instance_uid", "outcome",
                                          "detail"};

std::vector<std::string> SmallCt(const std::string& kind, const std::string& seed, const std::string& spacing = "5") {
  return {"--kind", kind, "--modality", "CT", "--rows", "256", "--cols", "256", "--slices", "60",
          "--slice-spacing", spacing, "--seed", seed};
}

void CopyTree(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      record.push_back(field);
      field.clear();
      records.push_back(record);
      record.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !record.empty()) {
    record.push_back(field);
    records.push_back(record);
  }
  return records;
}

// One replay's output folder, read back.
struct ReplayOutput {
  ToolResult run;
  JsonValue summary;                                  // summary.json
  std::vector<std::vector<std::string>> csv;          // summary.csv, header first
  std::map<std::string, JsonValue> by_study;          // summary.json rows by Study Instance UID
  std::vector<std::string> srs;                       // out/sr/*.dcm
};

struct FileIdentity {
  ino_t inode = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

FileIdentity IdentityOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {st.st_ino, static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

std::map<std::string, FileIdentity> Identities(const std::string& dir) {
  std::map<std::string, FileIdentity> identities;
  for (const auto& file : ListFilesRecursive(dir)) identities[file] = IdentityOf(file);
  return identities;
}

class ReplayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!AlveoServer::Available()) return;
    phantoms_ = new TempDir("replay-phantoms");
    diffuse_ = new Phantom(MakePhantom(phantoms_->Path("diffuse"), SmallCt("diffuse", "7")));
    normal_ = new Phantom(MakePhantom(phantoms_->Path("normal"), SmallCt("normal", "8")));
    abdomen_ = new Phantom(MakePhantom(phantoms_->Path("abdomen"), SmallCt("abdomen", "9", "2.5")));
    film_ = new Phantom(MakePhantom(phantoms_->Path("film"),
                                    {"--kind", "normal", "--modality", "DX", "--rows", "1024", "--cols", "1024",
                                     "--seed", "10"}));
    late_ = new Phantom(MakePhantom(phantoms_->Path("late"),
                                    {"--kind", "diffuse", "--modality", "DX", "--rows", "1024", "--cols", "1024",
                                     "--seed", "11"}));
  }
  static void TearDownTestSuite() {
    for (Phantom* p : {diffuse_, normal_, abdomen_, film_, late_}) delete p;
    diffuse_ = normal_ = abdomen_ = film_ = late_ = nullptr;
    delete phantoms_;
    phantoms_ = nullptr;
  }
  void SetUp() override {
    if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
    for (const Phantom* p : {diffuse_, normal_, abdomen_, film_, late_}) {
      ASSERT_NE(p, nullptr);
      ASSERT_FALSE(p->files.empty()) << p->dir;
      ASSERT_FALSE(p->study_uid.empty()) << p->dir;
    }
    ASSERT_EQ(diffuse_->files.size(), 60u);
  }

  // The four studies of the mixed folder, plus a file that is not DICOM, copied under `name`.
  std::string MixedInput(const std::string& name) {
    const std::string input = dir_.MakeDir(name);
    for (const Phantom* p : {diffuse_, normal_, abdomen_, film_}) {
      CopyTree(p->dir, JoinPath(input, fs::path(p->dir).filename().string()));
    }
    EXPECT_TRUE(WriteFile(JoinPath(input, "notes/garbage.bin"), std::string(4096, '\x5a')));
    return input;
  }

  // `alveo replay args... --out out --config <the repository's config>` and its output read back.
  ReplayOutput Replay(const std::string& out, std::vector<std::string> args) {
    std::vector<std::string> argv{AlveoServer::BinaryPath(), "replay", "--out", out};
    if (std::find(args.begin(), args.end(), "--config") == args.end()) {
      argv.insert(argv.end(), {"--config", AlveoServer::DefaultConfigPath()});
    }
    argv.insert(argv.end(), args.begin(), args.end());
    ReplayOutput output;
    output.run = RunTool(argv, kReplayTimeout);
    std::string error;
    output.summary = ParseJson(ReadFile(JoinPath(out, "summary.json")).value_or(""), &error);
    EXPECT_TRUE(error.empty() && output.summary.IsObject()) << error << "\n" << output.run.Describe();
    output.csv = ParseCsv(ReadFile(JoinPath(out, "summary.csv")).value_or(""));
    const JsonValue studies = output.summary["studies"];
    for (std::size_t i = 0; i < studies.Size(); ++i) {
      output.by_study[studies.At(i)["study_instance_uid"].AsString()] = studies.At(i);
    }
    output.srs = ListFilesRecursive(JoinPath(out, "sr"), ".dcm");
    std::sort(output.srs.begin(), output.srs.end());
    return output;
  }

  static void ExpectCounts(const ReplayOutput& output, int studies, int processed, int skipped, int failed) {
    const JsonValue counts = output.summary["counts"];
    EXPECT_EQ(counts["studies"].AsInt(), studies) << counts.ToString();
    EXPECT_EQ(counts["processed"].AsInt(), processed) << counts.ToString();
    EXPECT_EQ(counts["skipped"].AsInt(), skipped) << counts.ToString();
    EXPECT_EQ(counts["failed"].AsInt(), failed) << counts.ToString() << "\n" << output.run.Describe();
  }

  static TempDir* phantoms_;
  static Phantom* diffuse_;
  static Phantom* normal_;
  static Phantom* abdomen_;
  static Phantom* film_;
  static Phantom* late_;  // a study added to the input after a first run
  TempDir dir_;
};

TempDir* ReplayTest::phantoms_ = nullptr;
Phantom* ReplayTest::diffuse_ = nullptr;
Phantom* ReplayTest::normal_ = nullptr;
Phantom* ReplayTest::abdomen_ = nullptr;
Phantom* ReplayTest::film_ = nullptr;
Phantom* ReplayTest::late_ = nullptr;

TEST_F(ReplayTest, MixedFolderGivesOneValidatedSrPerStudyAndASummary) {
  const std::string out = dir_.Path("out");
  const ReplayOutput output = Replay(out, {MixedInput("input")});
  ASSERT_EQ(output.run.exit_code, 0) << output.run.Describe();
  ExpectCounts(output, 4, 4, 0, 0);
  const JsonValue counts = output.summary["counts"];
  EXPECT_EQ(counts["flagged"].AsInt(), 1) << counts.ToString();
  EXPECT_EQ(counts["not_flagged"].AsInt(), 2) << counts.ToString();
  EXPECT_EQ(counts["not_analysable"].AsInt(), 1) << counts.ToString();

  const std::map<std::string, std::string> expected{{diffuse_->study_uid, "flagged"},
                                                    {normal_->study_uid, "not_flagged"},
                                                    {abdomen_->study_uid, "not_analysable"},
                                                    {film_->study_uid, "not_flagged"}};
  ASSERT_EQ(output.by_study.size(), 4u) << output.summary.ToString();
  for (const auto& [uid, status] : expected) {
    ASSERT_TRUE(output.by_study.count(uid)) << uid << " missing from " << output.summary.ToString();
    const JsonValue row = output.by_study.at(uid);
    EXPECT_EQ(row["status"].AsString(), status) << row.ToString();
    EXPECT_EQ(row["outcome"].AsString(), "processed") << row.ToString();
    EXPECT_EQ(row["study_key"].AsString().size(), 32u) << row.ToString();
    EXPECT_FALSE(row["sr_sop_instance_uid"].AsString().empty()) << row.ToString();
  }
  EXPECT_EQ(output.by_study.at(abdomen_->study_uid)["reason"].AsString(), "not_chest");
  EXPECT_EQ(output.by_study.at(diffuse_->study_uid)["modality"].AsString(), "CT");
  EXPECT_EQ(output.by_study.at(film_->study_uid)["modality"].AsString(), "DX");
  EXPECT_GT(output.by_study.at(diffuse_->study_uid)["certainty"].AsDouble(), 0.0);
  EXPECT_FALSE(output.by_study.at(diffuse_->study_uid)["top_differential"].AsString().empty());

  // summary.csv: the documented header, then the same rows.
  ASSERT_EQ(output.csv.size(), 5u) << ReadFile(JoinPath(out, "summary.csv")).value_or("");
  EXPECT_EQ(output.csv[0], kCsvHeader);
  for (std::size_t i = 1; i < output.csv.size(); ++i) {
    const auto& record = output.csv[i];
    ASSERT_EQ(record.size(), kCsvHeader.size());
    ASSERT_TRUE(output.by_study.count(record[1])) << record[1];
    const JsonValue row = output.by_study.at(record[1]);
    EXPECT_EQ(record[3], row["status"].AsString());
    EXPECT_EQ(record[7], row["sr_sop_instance_uid"].AsString());
    EXPECT_EQ(record[8], "processed");
  }

  // One SR per study: readable by dsrdump, in its study, named by its SOP Instance UID.
  ASSERT_EQ(output.srs.size(), 4u);
  for (const auto& sr : output.srs) {
    const ToolResult dump = RunTool({"dsrdump", sr}, seconds(30), DcmtkEnv());
    EXPECT_EQ(dump.exit_code, 0) << dump.Describe();
    const std::string uid = DicomTagValue(sr, "SOPInstanceUID").value_or("");
    EXPECT_EQ(fs::path(sr).stem().string(), uid);
    const std::string study = DicomTagValue(sr, "StudyInstanceUID").value_or("");
    ASSERT_TRUE(output.by_study.count(study)) << sr << " is in study " << study;
    EXPECT_EQ(output.by_study.at(study)["sr_sop_instance_uid"].AsString(), uid);
  }
  EXPECT_EQ(ListFilesRecursive(JoinPath(out, "studies"), ".json").size(), 4u);

  // Plain progress (stderr is not a terminal): one line per study; the non-DICOM file was skipped
  // with a warning; the closing lines on stdout.
  const std::string& err = output.run.stderr_text;
  for (int i = 1; i <= 4; ++i) {
    EXPECT_NE(err.find("replay: " + std::to_string(i) + "/4 "), std::string::npos) << err;
  }
  EXPECT_NE(err.find("garbage.bin (not DICOM)"), std::string::npos) << err;
  EXPECT_NE(output.run.stdout_text.find("replay: 4 studies: 4 processed, 0 skipped, 0 failed"), std::string::npos)
      << output.run.stdout_text;
  EXPECT_TRUE(std::regex_search(output.run.stdout_text,
                                std::regex(R"(replay: 4 studies in [0-9.]+ s \([0-9.]+ studies/min, jobs 1\))")))
      << output.run.stdout_text;

  // No patient names or IDs in anything replay wrote besides the SRs (PHANTOM^CHEST, PHANTOM-<seed>).
  for (const auto& file : ListFilesRecursive(out)) {
    if (fs::path(file).extension() == ".dcm") continue;
    EXPECT_EQ(ReadFile(file).value_or("").find("PHANTOM"), std::string::npos) << file;
  }
}

TEST_F(ReplayTest, ASecondRunSkipsEveryStudyAndOnlyANewStudyIsProcessed) {
  const std::string input = MixedInput("input");
  const std::string out = dir_.Path("out");
  const ReplayOutput first = Replay(out, {input});
  ASSERT_EQ(first.run.exit_code, 0) << first.run.Describe();
  ExpectCounts(first, 4, 4, 0, 0);
  const auto srs_before = Identities(JoinPath(out, "sr"));
  const auto records_before = Identities(JoinPath(out, "studies"));
  ASSERT_EQ(srs_before.size(), 4u);

  const ReplayOutput second = Replay(out, {input});
  ASSERT_EQ(second.run.exit_code, 0) << second.run.Describe();
  ExpectCounts(second, 4, 0, 4, 0);
  for (const auto& [uid, row] : second.by_study) {
    EXPECT_EQ(row["outcome"].AsString(), "skipped") << row.ToString();
    ASSERT_TRUE(first.by_study.count(uid));
    const JsonValue before = first.by_study.at(uid);
    for (const char* key : {"status", "reason", "sr_sop_instance_uid", "top_differential", "modality"}) {
      EXPECT_EQ(row[key].AsString(), before[key].AsString()) << key;
    }
    EXPECT_EQ(row["certainty"].AsDouble(), before["certainty"].AsDouble());
  }
  EXPECT_EQ(second.by_study.at(abdomen_->study_uid)["status"].AsString(), "not_analysable");
  EXPECT_EQ(Identities(JoinPath(out, "sr")), srs_before) << "skipped studies' SRs were rewritten";
  EXPECT_EQ(Identities(JoinPath(out, "studies")), records_before) << "skipped studies' records were rewritten";

  CopyTree(late_->dir, JoinPath(input, "late"));
  const ReplayOutput third = Replay(out, {input});
  ASSERT_EQ(third.run.exit_code, 0) << third.run.Describe();
  ExpectCounts(third, 5, 1, 4, 0);
  ASSERT_TRUE(third.by_study.count(late_->study_uid));
  EXPECT_EQ(third.by_study.at(late_->study_uid)["outcome"].AsString(), "processed");
  EXPECT_EQ(third.srs.size(), 5u);
  for (const auto& [file, identity] : srs_before) EXPECT_EQ(IdentityOf(file), identity) << file;
}

TEST_F(ReplayTest, TheSrHasTheUidTheLivePathGivesTheSameStudy) {
  const std::string results = dir_.Path("results");
  AlveoServerOptions options;
  options.extra_args = {"--results-dir", results, "--quiet-period", "1"};
  AlveoServer server(options);
  ASSERT_TRUE(server.Start()) << server.error();
  const ToolResult sent = RunStorescu(server.dicom_port(), diffuse_->files);
  ASSERT_EQ(sent.exit_code, 0) << sent.Describe();
  ASSERT_TRUE(WaitUntil([&] { return !ListFilesRecursive(results, ".dcm").empty(); }, seconds(90),
                        std::chrono::milliseconds(100)))
      << "no SR from the live path";
  const auto live = ListFilesRecursive(results, ".dcm");
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(server.Stop(), 0);

  // The study's folder through a DICOMDIR path (a file by that name means its folder).
  const std::string input = dir_.MakeDir("input");
  CopyTree(diffuse_->dir, input);
  ASSERT_TRUE(WriteFile(JoinPath(input, "DICOMDIR"), "not a real DICOMDIR"));
  const ReplayOutput output = Replay(dir_.Path("out"), {JoinPath(input, "DICOMDIR")});
  ASSERT_EQ(output.run.exit_code, 0) << output.run.Describe();
  ASSERT_EQ(output.srs.size(), 1u);
  const std::string live_uid = DicomTagValue(live[0], "SOPInstanceUID").value_or("live");
  EXPECT_EQ(output.by_study.at(diffuse_->study_uid)["sr_sop_instance_uid"].AsString(), live_uid);
  EXPECT_EQ(DicomTagValue(output.srs[0], "SOPInstanceUID").value_or("replay"), live_uid);
  EXPECT_EQ(DicomTagValue(output.srs[0], "SeriesInstanceUID").value_or("replay"),
            DicomTagValue(live[0], "SeriesInstanceUID").value_or("live"));
}

TEST_F(ReplayTest, SendDeliversEverySrToThePacsOnce) {
  StorescpOptions pacs_options;
  pacs_options.log_name = "pacs";
  std::string error;
  auto pacs = StorescpPacs::Start(dir_.MakeDir("pacs"), dir_.MakeDir("logs"), pacs_options, &error);
  ASSERT_TRUE(pacs) << error;
  const std::string input = MixedInput("input");
  const std::string out = dir_.Path("out");
  const std::string destination = "pacs=PACS@127.0.0.1:" + std::to_string(pacs->port());

  const ReplayOutput output = Replay(out, {input, "--send", destination});
  ASSERT_EQ(output.run.exit_code, 0) << output.run.Describe();
  ExpectCounts(output, 4, 4, 0, 0);
  // Replay returned after every delivery: the PACS already holds all four.
  ASSERT_TRUE(pacs->WaitForStored(4, seconds(10)));
  std::set<std::string> received;
  for (const auto& file : pacs->StoredFiles()) received.insert(DicomTagValue(file, "SOPInstanceUID").value_or(""));
  std::set<std::string> reported;
  for (const auto& [uid, row] : output.by_study) reported.insert(row["sr_sop_instance_uid"].AsString());
  EXPECT_EQ(received, reported);
  EXPECT_EQ(ListFilesRecursive(JoinPath(out, "outbox"), ".json").size(), 4u);

  // A resumed run with the same destination: nothing new is sent.
  const ReplayOutput again = Replay(out, {input, "--send", destination});
  ASSERT_EQ(again.run.exit_code, 0) << again.run.Describe();
  ExpectCounts(again, 4, 0, 4, 0);
  EXPECT_EQ(pacs->ReceivedFiles().size(), 4u) << "an SR delivered by the first run was sent again";
}

TEST_F(ReplayTest, APacsThatStaysDownFailsTheRun) {
  const std::string config = dir_.Path("alveo.json");
  ASSERT_TRUE(WriteFile(config, R"({"delivery": {"max_attempts": 2, "initial_backoff_ms": 50, "max_backoff_ms": 100,
                                   "connect_timeout_seconds": 5}})"));
  const std::string input = dir_.MakeDir("input");
  CopyTree(film_->dir, input);
  const int port = FreeTcpPort();  // nothing listens there
  const ReplayOutput output =
      Replay(dir_.Path("out"), {input, "--config", config, "--send", "pacs=PACS@127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(output.run.exit_code, 1) << output.run.Describe();
  ExpectCounts(output, 1, 0, 0, 1);
  ASSERT_TRUE(output.by_study.count(film_->study_uid));
  const JsonValue row = output.by_study.at(film_->study_uid);
  EXPECT_EQ(row["outcome"].AsString(), "failed");
  EXPECT_EQ(row["status"].AsString(), "not_flagged") << "the analysis itself succeeded";
  EXPECT_NE(row["detail"].AsString().find("not delivered to pacs"), std::string::npos) << row.ToString();
  EXPECT_NE(row["detail"].AsString().find("dead after 2 attempt(s)"), std::string::npos) << row.ToString();
  EXPECT_NE(output.run.stdout_text.find("1 failed"), std::string::npos) << output.run.stdout_text;
  EXPECT_EQ(output.srs.size(), 1u) << "the SR is written even when it cannot be delivered";

  // Once the PACS is up, repeating the run retries the dead delivery without analysing again.
  StorescpOptions pacs_options;
  pacs_options.port = port;
  pacs_options.log_name = "pacs";
  std::string error;
  auto pacs = StorescpPacs::Start(dir_.MakeDir("pacs"), dir_.MakeDir("logs"), pacs_options, &error);
  ASSERT_TRUE(pacs) << error;
  const ReplayOutput again =
      Replay(dir_.Path("out"), {input, "--config", config, "--send", "pacs=PACS@127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(again.run.exit_code, 0) << again.run.Describe();
  ExpectCounts(again, 1, 0, 1, 0);
  ASSERT_TRUE(pacs->WaitForStored(1, seconds(10)));
  EXPECT_EQ(DicomTagValue(pacs->StoredFiles()[0], "SOPInstanceUID").value_or(""),
            row["sr_sop_instance_uid"].AsString());
}

TEST_F(ReplayTest, TwoJobsGiveTheSameRowsAsOne) {
  const std::string input = MixedInput("input");
  const ReplayOutput one = Replay(dir_.Path("one"), {input, "--jobs", "1"});
  const ReplayOutput two = Replay(dir_.Path("two"), {input, "--jobs", "2", "--quiet"});
  ASSERT_EQ(one.run.exit_code, 0) << one.run.Describe();
  ASSERT_EQ(two.run.exit_code, 0) << two.run.Describe();
  ASSERT_EQ(one.csv.size(), 5u);
  auto rows_one = std::multiset<std::vector<std::string>>(one.csv.begin() + 1, one.csv.end());
  auto rows_two = std::multiset<std::vector<std::string>>(two.csv.begin() + 1, two.csv.end());
  EXPECT_EQ(rows_one, rows_two);
  EXPECT_EQ(one.summary["counts"].ToString(), two.summary["counts"].ToString());
  // --quiet: nothing on stderr, only the two closing lines on stdout.
  EXPECT_EQ(two.run.stderr_text, "") << two.run.Describe();
  EXPECT_NE(two.run.stdout_text.find("jobs 2)"), std::string::npos) << two.run.stdout_text;
}

TEST_F(ReplayTest, BadUsageExits2AndAMissingPathExits1) {
  const std::string input = dir_.MakeDir("input");
  CopyTree(film_->dir, input);
  const std::string binary = AlveoServer::BinaryPath();

  const ToolResult no_out = RunTool({binary, "replay", input});
  EXPECT_EQ(no_out.exit_code, 2) << no_out.Describe();
  EXPECT_NE(no_out.stderr_text.find("--out"), std::string::npos) << no_out.Describe();

  const ToolResult sender = RunTool({binary, "replay", input, "--out", dir_.Path("out"), "--send", "sender"});
  EXPECT_EQ(sender.exit_code, 2) << sender.Describe();
  EXPECT_NE(sender.stderr_text.find("sender"), std::string::npos) << sender.Describe();

  const ToolResult bad_send = RunTool({binary, "replay", input, "--out", dir_.Path("out"), "--send", "pacs@host"});
  EXPECT_EQ(bad_send.exit_code, 2) << bad_send.Describe();

  const ToolResult bad_jobs = RunTool({binary, "replay", input, "--out", dir_.Path("out"), "--jobs", "0"});
  EXPECT_EQ(bad_jobs.exit_code, 2) << bad_jobs.Describe();

  const std::string missing = dir_.Path("no-such-folder");
  const ToolResult not_there = RunTool({binary, "replay", missing, "--out", dir_.Path("out")});
  EXPECT_EQ(not_there.exit_code, 1) << not_there.Describe();
  EXPECT_NE(not_there.stderr_text.find(missing), std::string::npos) << not_there.Describe();
  EXPECT_FALSE(fs::exists(dir_.Path("out/summary.csv")));

  const ToolResult help = RunTool({binary, "replay", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.Describe();
  EXPECT_NE(help.stdout_text.find("usage: alveo replay"), std::string::npos);
}

}  // namespace
}  // namespace alveo::testing
