// SPDX-License-Identifier: Apache-2.0
#include "cxr_test_support.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "classifier/cxr/lung_fields.h"
#include "classifier/cxr/working_image.h"

namespace alveo::classifier::cxr::testing {

RadiographInput InputFromPhantom(const phantom::RadiographData& data) {
  RadiographInput in;
  in.image = Image2D(data.image.width, data.image.height);
  for (std::size_t i = 0; i < data.image.pixels.size(); ++i) {
    in.image.pixels[i] = static_cast<float>(data.image.pixels[i]);
  }
  in.spacing_x_mm = data.image.spacing_x;
  in.spacing_y_mm = data.image.spacing_y;
  return in;
}

namespace {

template <typename T>
bool CopyPixels(const T* values, unsigned long count, bool is_signed, int bits, Image2D& image) {
  if (count < image.PixelCount()) return false;
  const std::uint32_t mask = bits >= 32 ? 0xffffffffu : ((1u << bits) - 1u);
  for (std::size_t i = 0; i < image.PixelCount(); ++i) {
    std::uint32_t v = static_cast<std::uint32_t>(values[i]) & mask;
    double value = v;
    if (is_signed && bits < 32 && (v & (1u << (bits - 1))) != 0) value -= std::ldexp(1.0, bits);
    image.pixels[i] = static_cast<float>(value);
  }
  return true;
}

}  // namespace

std::optional<LoadedFilm> LoadDicomFilm(const std::string& path, std::string* error) {
  DcmFileFormat file;
  if (OFCondition c =
          file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
      c.bad()) {
    *error = std::string("load: ") + c.text();
    return std::nullopt;
  }
  DcmDataset* ds = file.getDataset();
  if (ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr).bad()) {
    *error = "compressed pixel data";
    return std::nullopt;
  }
  Uint16 rows = 0, cols = 0, allocated = 0, stored = 0, representation = 0, samples = 1;
  ds->findAndGetUint16(DCM_Rows, rows);
  ds->findAndGetUint16(DCM_Columns, cols);
  ds->findAndGetUint16(DCM_BitsAllocated, allocated);
  ds->findAndGetUint16(DCM_BitsStored, stored);
  ds->findAndGetUint16(DCM_PixelRepresentation, representation);
  ds->findAndGetUint16(DCM_SamplesPerPixel, samples);
  OFString photometric;
  ds->findAndGetOFString(DCM_PhotometricInterpretation, photometric);
  if (rows == 0 || cols == 0 || samples != 1) {
    *error = "not a single-sample image";
    return std::nullopt;
  }
  LoadedFilm film;
  film.rows = rows;
  film.columns = cols;
  film.photometric = photometric.c_str();
  film.input.image = Image2D(cols, rows);
  bool ok = false;
  if (allocated == 8) {
    const Uint8* p = nullptr;
    unsigned long n = 0;
    ok = ds->findAndGetUint8Array(DCM_PixelData, p, &n).good() &&
         CopyPixels(p, n, representation == 1, stored, film.input.image);
  } else if (allocated == 16) {
    const Uint16* p = nullptr;
    unsigned long n = 0;
    ok = ds->findAndGetUint16Array(DCM_PixelData, p, &n).good() &&
         CopyPixels(p, n, representation == 1, stored, film.input.image);
  }
  if (!ok) {
    *error = "pixel data unreadable";
    return std::nullopt;
  }
  Float64 slope = 1.0, intercept = 0.0;  // DCMTK zeroes the output when a tag is absent
  if (ds->findAndGetFloat64(DCM_RescaleSlope, slope).bad() || slope == 0.0) slope = 1.0;
  if (ds->findAndGetFloat64(DCM_RescaleIntercept, intercept).bad()) intercept = 0.0;
  for (float& v : film.input.image.pixels) v = static_cast<float>(v * slope + intercept);
  if (film.photometric == "MONOCHROME1") {
    const auto [lo, hi] =
        std::minmax_element(film.input.image.pixels.begin(), film.input.image.pixels.end());
    const float sum = *lo + *hi;
    for (float& v : film.input.image.pixels) v = sum - v;
  }
  for (const DcmTagKey& tag : {DCM_PixelSpacing, DCM_ImagerPixelSpacing}) {
    Float64 sy = 0.0, sx = 0.0;
    if (ds->findAndGetFloat64(tag, sy, 0).good() && ds->findAndGetFloat64(tag, sx, 1).good() &&
        sy > 0.0 && sx > 0.0) {
      film.input.spacing_y_mm = sy;
      film.input.spacing_x_mm = sx;
      break;
    }
  }
  return film;
}

double RocAuc(const std::vector<double>& positives, const std::vector<double>& negatives) {
  if (positives.empty() || negatives.empty()) return 0.5;
  double wins = 0.0;
  for (const double p : positives) {
    for (const double n : negatives) wins += p > n ? 1.0 : (p == n ? 0.5 : 0.0);
  }
  return wins / (static_cast<double>(positives.size()) * static_cast<double>(negatives.size()));
}

double Pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  if (n < 2) return 0.0;
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= static_cast<double>(n);
  mb /= static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

namespace {

void WritePpm(const std::string& path, const Image2D& img, const Mask2D& labels) {
  std::ofstream out(path, std::ios::binary);
  out << "P6 " << img.width << " " << img.height << " 255\n";
  const bool same = labels.width == img.width && labels.height == img.height;
  for (std::size_t i = 0; i < img.pixels.size(); ++i) {
    const int v = static_cast<int>(std::clamp(img.pixels[i], 0.0f, 1.0f) * 255.0f);
    const int l = same ? labels.pixels[i] : 0;
    const int r = l == 1 ? v / 2 + 110 : (l == 0 ? v : v / 2);
    const int g = l == 2 ? v / 2 + 110 : (l == 0 ? v : v / 2);
    const int b = l == 0 ? v : v / 2;
    out.put(static_cast<char>(r)).put(static_cast<char>(g)).put(static_cast<char>(b));
  }
}

}  // namespace

void MaybeWriteOverlay(const std::string& name, const RadiographInput& input,
                       const CxrAnalysis& analysis) {
  const char* dir = std::getenv("ALVEO_CXR_DEBUG_DIR");
  if (dir == nullptr || *dir == '\0') return;
  const WorkingImage work = MakeWorkingImage(input);
  if (!work.failure.empty()) return;
  WritePpm(std::string(dir) + "/" + name + ".ppm", work.image, analysis.lung_fields);
  const LungFields fields = EstimateLungFields(work.image);
  WritePpm(std::string(dir) + "/" + name + "_seed.ppm", work.image, fields.aerated);
  const double* aerated = analysis.Feature("reference_aerated");
  const double* soft = analysis.Feature("reference_soft");
  if (aerated == nullptr || soft == nullptr) return;
  Image2D relative = work.image;  // relative density inside the fields, 0 outside
  Mask2D relative_labels(relative.width, relative.height);
  for (std::size_t i = 0; i < relative.pixels.size(); ++i) {
    const bool inside = analysis.lung_fields.pixels[i] != 0;
    const double rel = (work.image.pixels[i] - *aerated) / (*soft - *aerated);
    relative.pixels[i] = inside ? static_cast<float>(rel) : 0.0f;
    relative_labels.pixels[i] = inside && rel > 0.4 ? 1 : 0;
  }
  WritePpm(std::string(dir) + "/" + name + "_rel.ppm", relative, relative_labels);
}

}  // namespace alveo::classifier::cxr::testing
