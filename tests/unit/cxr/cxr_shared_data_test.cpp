// SPDX-License-Identifier: Apache-2.0
// The real films of ../shared/data/cxr: every file is analysed without a crash; prints the per-file
// table, the ROC AUC of opacity_score (bilateral opacity vs normal) and its correlation with the
// original image size. The AUC is reported, not asserted (the evaluation script checks the goal).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "classifier/cxr/cxr_analysis.h"
#include "cxr_test_support.h"

namespace alveo::classifier::cxr {
namespace {

namespace fs = std::filesystem;

constexpr int kWebColumns = 800;  // typical width of the web-sized positives

struct Film {
  std::string file;
  std::string label;  // normal, bilateral_airspace_or_interstitial_opacity, focal_consolidation
};

// Splits one CSV line, honouring double quotes.
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<Film> ListFilms(const fs::path& cxr_dir) {
  std::vector<Film> films;
  std::ifstream csv(cxr_dir / "labelled" / "labels.csv");
  std::string line;
  std::getline(csv, line);  // header
  while (std::getline(csv, line)) {
    const std::vector<std::string> f = SplitCsv(line);
    if (f.size() >= 2 && !f[0].empty()) films.push_back({"labelled/" + f[0], f[1]});
  }
  if (fs::exists(cxr_dir / "fodicom_CR-MONO1-10-chest.dcm")) {
    films.push_back({"fodicom_CR-MONO1-10-chest.dcm", "normal"});
  }
  return films;
}

// The film box-averaged down to `columns` wide (what a web-sized copy of it would look like).
RadiographInput Shrunk(const RadiographInput& in, int columns) {
  const int w = in.image.width, h = in.image.height;
  const int rows = std::max(1, h * columns / w);
  RadiographInput out = in;
  out.image = Image2D(columns, rows);
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < columns; ++x) {
      double sum = 0;
      int n = 0;
      for (int sy = y * h / rows; sy < std::max(y * h / rows + 1, (y + 1) * h / rows); ++sy) {
        for (int sx = x * w / columns; sx < std::max(x * w / columns + 1, (x + 1) * w / columns);
             ++sx) {
          sum += in.image.At(sx, sy);
          ++n;
        }
      }
      out.image.At(x, y) = static_cast<float>(sum / n);
    }
  }
  if (out.spacing_x_mm > 0) out.spacing_x_mm *= static_cast<double>(w) / columns;
  if (out.spacing_y_mm > 0) out.spacing_y_mm *= static_cast<double>(h) / rows;
  return out;
}

TEST(CxrSharedData, EveryFilmIsAnalysedAndAucIsReported) {
  const fs::path dir = fs::path(ALVEO_SHARED_DATA_DIR) / "cxr";
  if (!fs::exists(dir / "labelled" / "labels.csv")) GTEST_SKIP() << "no shared data at " << dir;
  const std::vector<Film> films = ListFilms(dir);
  ASSERT_FALSE(films.empty());
  std::vector<double> pos, neg, not_bilateral, scores, sizes;
  double worst_shrink_delta = 0;
  std::printf("%-32s %-10s %5s %5s %5s %6s %6s %6s %6s %s\n", "file", "label", "rows", "cols",
              "lungs", "right", "left", "total", "score", "zones(RU RM RL LU LM LL) ms");
  for (const Film& film : films) {
    std::string error;
    const auto loaded = testing::LoadDicomFilm((dir / film.file).string(), &error);
    ASSERT_TRUE(loaded.has_value()) << film.file << ": " << error;
    const auto start = std::chrono::steady_clock::now();
    const CxrAnalysis a = AnalyzeRadiograph(loaded->input);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    testing::MaybeWriteOverlay(fs::path(film.file).stem().string(), loaded->input, a);
    const std::string label = film.label == "normal" ? "normal"
                              : film.label == "bilateral_airspace_or_interstitial_opacity"
                                  ? "bilateral"
                                  : "focal";
    std::printf(
        "%-32s %-10s %5d %5d %5s %6.3f %6.3f %6.3f %6.3f  %.2f %.2f %.2f %.2f %.2f %.2f  %.0f %s\n",
        film.file.c_str(), label.c_str(), loaded->rows, loaded->columns,
        a.lungs_found ? "yes" : "no", a.right_opacity, a.left_opacity, a.total_opacity,
        a.opacity_score, a.zone_opacity[0], a.zone_opacity[1], a.zone_opacity[2], a.zone_opacity[3],
        a.zone_opacity[4], a.zone_opacity[5], ms, a.failure.c_str());
    if (std::getenv("ALVEO_CXR_PRINT_FEATURES") != nullptr) {
      for (const auto& [k, v] : a.features) std::printf("    %s=%.4f\n", k.c_str(), v);
    }
    if (label == "bilateral") pos.push_back(a.opacity_score);
    if (label == "normal") neg.push_back(a.opacity_score);
    if (label != "bilateral") not_bilateral.push_back(a.opacity_score);
    if (label != "focal") {
      scores.push_back(a.opacity_score);
      sizes.push_back(std::sqrt(static_cast<double>(loaded->rows) * loaded->columns));
    }
    if (loaded->columns > 2 * kWebColumns) {  // the same film at web size must score the same
      const CxrAnalysis small = AnalyzeRadiograph(Shrunk(loaded->input, kWebColumns));
      const double delta = small.opacity_score - a.opacity_score;
      worst_shrink_delta = std::max(worst_shrink_delta, std::abs(delta));
      std::printf("    shrunk to %d columns: score %.3f (delta %+.3f)\n", kWebColumns,
                  small.opacity_score, delta);
    }
  }
  std::printf("ROC AUC opacity_score, bilateral (n=%zu) vs normal (n=%zu): %.3f\n", pos.size(),
              neg.size(), testing::RocAuc(pos, neg));
  std::printf("ROC AUC opacity_score, bilateral vs normal + focal (n=%zu): %.3f\n",
              not_bilateral.size(), testing::RocAuc(pos, not_bilateral));
  std::printf("Pearson r(opacity_score, sqrt(rows*cols)) over normal+bilateral: %.3f\n",
              testing::Pearson(scores, sizes));
  std::printf("largest score change when a full-size film is shrunk to %d columns: %.3f\n",
              kWebColumns, worst_shrink_delta);
}

}  // namespace
}  // namespace alveo::classifier::cxr
