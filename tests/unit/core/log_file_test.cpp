// SPDX-License-Identifier: Apache-2.0
// RotatingFile: lines land in the file, the file rotates by size into FILE.1..FILE.N, the oldest is
// dropped, and an existing file is appended to. Also the Prometheus text writer and histogram.
#include "core/log_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/metrics.h"
#include "support/scratch_dir.h"

namespace alveo::log {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

Record Message(const std::string& text) { return Record{Level::kInfo, Category::kApp, "main", text}; }

TEST(RotatingFileTest, AppendsFormattedLines) {
  alveo::testing::ScratchDir dir("log-file");
  const fs::path path = dir / "alveo.log";
  {
    std::ofstream existing(path);
    existing << "earlier line\n";
  }
  auto file = RotatingFile::Open(path.string(), 1 << 20, 3);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  (*file)->Write(Message("hello"));
  const std::string text = Read(path);
  EXPECT_EQ(text.rfind("earlier line\n", 0), 0u) << text;
  EXPECT_NE(text.find(" info  app      [main] hello\n"), std::string::npos) << text;
}

TEST(RotatingFileTest, RotatesBySizeAndKeepsTheNewestFiles) {
  alveo::testing::ScratchDir dir("log-rotate");
  const fs::path path = dir / "alveo.log";
  const std::string payload(150, 'x');  // each line is about 190 bytes
  auto file = RotatingFile::Open(path.string(), 1000, 2);
  ASSERT_TRUE(file.ok());
  for (int i = 0; i < 40; ++i) (*file)->Write(Message(payload + " " + std::to_string(i)));
  EXPECT_TRUE(fs::exists(dir / "alveo.log.1"));
  EXPECT_TRUE(fs::exists(dir / "alveo.log.2"));
  EXPECT_FALSE(fs::exists(dir / "alveo.log.3")) << "only keep_files rotated files stay";
  for (const char* name : {"alveo.log", "alveo.log.1", "alveo.log.2"}) {
    EXPECT_LE(fs::file_size(dir / name), 1000u) << name;
  }
  EXPECT_NE(Read(path).find(payload + " 39\n"), std::string::npos) << "the newest line is in the live file";
  EXPECT_NE(Read(dir / "alveo.log.1").find(" 3"), std::string::npos);
}

TEST(RotatingFileTest, UnwritablePathIsAnIoError) {
  auto file = RotatingFile::Open("/nonexistent-dir/alveo.log", 1000, 2);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), ErrorCode::kIoError);
  EXPECT_NE(file.status().message().find("/nonexistent-dir/alveo.log"), std::string::npos);
}

TEST(PrometheusTextTest, HistogramIsCumulativeAndLabelsAreEscaped) {
  Histogram histogram;
  histogram.Observe(0.02);
  histogram.Observe(0.3);
  histogram.Observe(100);
  PrometheusText text;
  text.Family("x_seconds", "histogram", "test");
  text.HistogramSamples("x_seconds", histogram.Read(), {{"kind", "a\"b\\c"}});
  const std::string& out = text.text();
  EXPECT_NE(out.find("# TYPE x_seconds histogram\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{kind=\"a\\\"b\\\\c\",le=\"0.01\"} 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{kind=\"a\\\"b\\\\c\",le=\"0.025\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{kind=\"a\\\"b\\\\c\",le=\"0.5\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{kind=\"a\\\"b\\\\c\",le=\"60\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{kind=\"a\\\"b\\\\c\",le=\"+Inf\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_count{kind=\"a\\\"b\\\\c\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_sum{kind=\"a\\\"b\\\\c\"} 100.32\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace alveo::log
