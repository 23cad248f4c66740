// SPDX-License-Identifier: Apache-2.0
// `alveo phantom`: help documents every flag, bad arguments exit 2 naming the flag, a good run
// writes the files and prints one summary line.
#include "app/phantom_command.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/phantom/phantom_test_util.h"

namespace alveo::app {
namespace {

struct CommandRun {
  int code;
  std::string out;
  std::string err;
};

CommandRun Invoke(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = RunPhantomCommand(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(PhantomCommandTest, HelpDocumentsEveryFlag) {
  const CommandRun r = Invoke({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* flag : {"--kind",          "--modality",  "--out",         "--slices",
                           "--slice-spacing", "--thickness", "--rows",        "--cols",
                           "--seed",          "--view",      "--photometric", "--transfer-syntax",
                           "--no-meta",       "--prone",     "--study-uid",   "--patient-name",
                           "--patient-id",    "--accession", "--charset",     "--intercept-zero",
                           "--study-date",    "--bits",      "--sc-modality", "--write-labels",
                           "--threads",       "jpeg-ls",     "jpeg-extended", "MONOCHROME1",
                           "abdomen"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST(PhantomCommandTest, BadArgumentsExitTwoNamingTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--kind", "bogus", "--out", "x"}, "--kind"},
      {{"--modality", "MR", "--out", "x"}, "--modality"},
      {{"--slices", "ten", "--out", "x"}, "--slices"},
      {{"--slices"}, "--slices"},
      {{"--frobnicate", "--out", "x"}, "--frobnicate"},
      {{"--kind", "normal"}, "--out"},
      {{"--out", "x", "--view", "PA"}, "--view"},
      {{"--out", "x", "--modality", "DX", "--slices", "4"}, "--slices"},
      {{"--out", "x", "--cols", "3"}, "--cols"},
      {{"--out", "x", "--transfer-syntax", "jpeg-baseline"}, "--transfer-syntax"},
      {{"--out", "x", "--transfer-syntax", "rle", "--no-meta"}, "--no-meta"},
      {{"--out", "x", "--charset", "GB18030"}, "--charset"},
      {{"--out", "x", "--study-uid", "1.2.abc"}, "--study-uid"},
      {{"--out", "x", "--study-date", "2024-01-02"}, "--study-date"},
      {{"--out", "x", "--modality", "DX", "--photometric", "RGB"}, "--photometric"},
      {{"--out=x", "--prone=yes"}, "--prone"},
  };
  for (const auto& [args, flag] : cases) {
    const CommandRun r = Invoke(args);
    EXPECT_EQ(r.code, 2) << args[0] << " ... " << r.err;
    EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
  }
}

TEST(PhantomCommandTest, WritesACtSeriesAndTruth) {
  phantom::testing::ScratchDir dir("cli-ct");
  const std::string out = (dir.path() / "series").string();
  const CommandRun r = Invoke({"--kind",
                               "diffuse",
                               "--modality",
                               "CT",
                               "--out",
                               out,
                               "--slices",
                               "4",
                               "--rows",
                               "64",
                               "--cols",
                               "64",
                               "--thickness=5",
                               "--slice-spacing",
                               "5",
                               "--seed",
                               "9",
                               "--prone",
                               "--accession",
                               "ACC1",
                               "--patient-id",
                               "P9"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("CT diffuse 4 x 64x64"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);
  for (const char* f : {"0001.dcm", "0004.dcm", "truth.json"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "series" / f)) << f;
  }
  const auto img = phantom::testing::ReadDicom(dir.path() / "series" / "0002.dcm");
  ASSERT_TRUE(img.ok) << img.error;
  EXPECT_EQ(img.rows, 64);
}

TEST(PhantomCommandTest, WritesARadiograph) {
  phantom::testing::ScratchDir dir("cli-film");
  const CommandRun r = Invoke({"--kind",
                               "effusion",
                               "--modality",
                               "CR",
                               "--out",
                               dir.path().string(),
                               "--rows",
                               "250",
                               "--cols",
                               "200",
                               "--view",
                               "AP",
                               "--photometric",
                               "MONOCHROME1",
                               "--transfer-syntax",
                               "jpeg-ls",
                               "--charset",
                               "ISO_IR 100",
                               "--patient-name",
                               "Müller^Jürgen",
                               "--write-labels"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto img = phantom::testing::ReadDicom(dir.path() / "0001.dcm");
  ASSERT_TRUE(img.ok) << img.error;
  EXPECT_EQ(img.modality, "CR");
  EXPECT_EQ(img.photometric, "MONOCHROME1");
  EXPECT_EQ(img.patient_name_utf8, "Müller^Jürgen");
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "labels.pgm"));
}

}  // namespace
}  // namespace alveo::app
