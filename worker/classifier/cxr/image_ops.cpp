// SPDX-License-Identifier: Apache-2.0
#include "classifier/cxr/image_ops.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace alveo::classifier::cxr {
namespace {

// Source taps of one output sample along one axis.
struct Taps {
  int first = 0;
  std::vector<float> weights;
};

std::vector<Taps> AxisTaps(int src, int dst) {
  std::vector<Taps> taps(static_cast<std::size_t>(dst));
  const double scale = static_cast<double>(src) / dst;
  for (int i = 0; i < dst; ++i) {
    Taps& t = taps[static_cast<std::size_t>(i)];
    if (scale > 1.0) {  // box: overlap of [i*scale, (i+1)*scale) with each source pixel
      const double a = i * scale, b = (i + 1) * scale;
      t.first = static_cast<int>(std::floor(a));
      const int last = std::min(src - 1, static_cast<int>(std::ceil(b)) - 1);
      for (int k = t.first; k <= last; ++k) {
        const double w = std::min(b, k + 1.0) - std::max(a, static_cast<double>(k));
        t.weights.push_back(static_cast<float>(w / scale));
      }
    } else {  // bilinear at the output pixel centre
      const double c = std::clamp((i + 0.5) * scale - 0.5, 0.0, src - 1.0);
      t.first = std::min(static_cast<int>(c), std::max(0, src - 2));
      const double f = c - t.first;
      t.weights = {static_cast<float>(1.0 - f)};
      if (src > 1) t.weights.push_back(static_cast<float>(f));
    }
  }
  return taps;
}

// Chamfer 3-4 distance (in pixels) from every pixel to the nearest pixel with site[p] true.
std::vector<float> ChamferDistance(const std::vector<bool>& site, int w, int h) {
  constexpr float kFar = std::numeric_limits<float>::max() / 4;
  std::vector<float> d(site.size());
  for (std::size_t i = 0; i < site.size(); ++i) d[i] = site[i] ? 0.0f : kFar;
  auto at = [&](int x, int y) -> float& { return d[static_cast<std::size_t>(y) * w + x]; };
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      float& v = at(x, y);
      if (x > 0) v = std::min(v, at(x - 1, y) + 3);
      if (y > 0) {
        v = std::min(v, at(x, y - 1) + 3);
        if (x > 0) v = std::min(v, at(x - 1, y - 1) + 4);
        if (x + 1 < w) v = std::min(v, at(x + 1, y - 1) + 4);
      }
    }
  }
  for (int y = h - 1; y >= 0; --y) {
    for (int x = w - 1; x >= 0; --x) {
      float& v = at(x, y);
      if (x + 1 < w) v = std::min(v, at(x + 1, y) + 3);
      if (y + 1 < h) {
        v = std::min(v, at(x, y + 1) + 3);
        if (x + 1 < w) v = std::min(v, at(x + 1, y + 1) + 4);
        if (x > 0) v = std::min(v, at(x - 1, y + 1) + 4);
      }
    }
  }
  for (float& v : d) v /= 3.0f;
  return d;
}

}  // namespace

Image2D Resample(const Image2D& image, int width, int height) {
  const std::vector<Taps> tx = AxisTaps(image.width, width);
  const std::vector<Taps> ty = AxisTaps(image.height, height);
  Image2D across(width, image.height);
  for (int y = 0; y < image.height; ++y) {
    const float* in = image.Row(y);
    float* out = across.Row(y);
    for (int x = 0; x < width; ++x) {
      const Taps& t = tx[static_cast<std::size_t>(x)];
      float sum = 0.0f;
      for (std::size_t k = 0; k < t.weights.size(); ++k) sum += t.weights[k] * in[t.first + k];
      out[x] = sum;
    }
  }
  Image2D result(width, height);
  for (int y = 0; y < height; ++y) {
    const Taps& t = ty[static_cast<std::size_t>(y)];
    float* out = result.Row(y);
    for (std::size_t k = 0; k < t.weights.size(); ++k) {
      const float* in = across.Row(t.first + static_cast<int>(k));
      const float w = t.weights[k];
      for (int x = 0; x < width; ++x) out[x] += w * in[x];
    }
  }
  result.spacing_x = image.spacing_x * image.width / width;
  result.spacing_y = image.spacing_y * image.height / height;
  return result;
}

std::vector<double> GaussianBlur1D(const std::vector<double>& values, double sigma) {
  if (sigma <= 0.0 || values.empty()) return values;
  const int radius = static_cast<int>(std::ceil(3.0 * sigma));
  std::vector<double> kernel(static_cast<std::size_t>(2 * radius + 1));
  double total = 0.0;
  for (int i = -radius; i <= radius; ++i) {
    total += kernel[static_cast<std::size_t>(i + radius)] =
        std::exp(-0.5 * i * i / (sigma * sigma));
  }
  const int n = static_cast<int>(values.size());
  std::vector<double> out(values.size());
  for (int i = 0; i < n; ++i) {
    double sum = 0.0;
    for (int k = -radius; k <= radius; ++k) {
      sum += kernel[static_cast<std::size_t>(k + radius)] *
             values[static_cast<std::size_t>(std::clamp(i + k, 0, n - 1))];
    }
    out[static_cast<std::size_t>(i)] = sum / total;
  }
  return out;
}

void GaussianBlur(Image2D& image, double sigma) {
  if (sigma <= 0.0 || image.pixels.empty()) return;
  const int w = image.width, h = image.height;
  std::vector<double> line;
  for (int y = 0; y < h; ++y) {
    float* row = image.Row(y);
    line.assign(row, row + w);
    line = GaussianBlur1D(line, sigma);
    for (int x = 0; x < w; ++x) row[x] = static_cast<float>(line[static_cast<std::size_t>(x)]);
  }
  for (int x = 0; x < w; ++x) {
    line.resize(static_cast<std::size_t>(h));
    for (int y = 0; y < h; ++y) line[static_cast<std::size_t>(y)] = image.At(x, y);
    line = GaussianBlur1D(line, sigma);
    for (int y = 0; y < h; ++y)
      image.At(x, y) = static_cast<float>(line[static_cast<std::size_t>(y)]);
  }
}

double Percentile(std::vector<float> values, double q) {
  if (values.empty()) return 0.0;
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const auto k = static_cast<std::size_t>(pos);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  const double low = values[k];
  if (k + 1 >= values.size()) return low;
  const double high =
      *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(k) + 1, values.end());
  return low + (pos - static_cast<double>(k)) * (high - low);
}

double Median(std::vector<float> values) { return Percentile(std::move(values), 0.5); }

double OtsuThreshold(const std::vector<float>& values, double lo, double hi) {
  constexpr int kBins = 256;
  if (!(hi > lo)) return lo;
  std::array<double, kBins> hist{};
  double count = 0.0;
  for (const float v : values) {
    if (v < lo || v > hi) continue;
    const int b = std::min(kBins - 1, static_cast<int>((v - lo) / (hi - lo) * kBins));
    hist[static_cast<std::size_t>(b)] += 1.0;
    count += 1.0;
  }
  if (count == 0.0) return lo;
  double total_mean = 0.0;
  for (int b = 0; b < kBins; ++b) total_mean += b * hist[static_cast<std::size_t>(b)];
  total_mean /= count;
  double w0 = 0.0, sum0 = 0.0, best = -1.0;
  int best_bin = 0;
  for (int b = 0; b < kBins - 1; ++b) {
    w0 += hist[static_cast<std::size_t>(b)] / count;
    sum0 += b * hist[static_cast<std::size_t>(b)] / count;
    if (w0 <= 0.0 || w0 >= 1.0) continue;
    const double m0 = sum0 / w0, m1 = (total_mean - sum0) / (1.0 - w0);
    const double between = w0 * (1.0 - w0) * (m0 - m1) * (m0 - m1);
    if (between > best) {
      best = between;
      best_bin = b;
    }
  }
  return lo + (best_bin + 1) * (hi - lo) / kBins;
}

Blobs LabelBlobs(const Mask2D& mask) {
  Blobs out;
  out.labels.assign(mask.PixelCount(), 0);
  std::vector<std::size_t> stack;
  const int w = mask.width, h = mask.height;
  for (std::size_t seed = 0; seed < mask.pixels.size(); ++seed) {
    if (mask.pixels[seed] == 0 || out.labels[seed] != 0) continue;
    Blob blob;
    blob.label = static_cast<std::uint32_t>(out.blobs.size() + 1);
    blob.min_x = blob.min_y = std::numeric_limits<int>::max();
    blob.max_x = blob.max_y = -1;
    double sx = 0.0, sy = 0.0;
    out.labels[seed] = blob.label;
    stack.push_back(seed);
    while (!stack.empty()) {
      const std::size_t p = stack.back();
      stack.pop_back();
      const int x = static_cast<int>(p % static_cast<std::size_t>(w));
      const int y = static_cast<int>(p / static_cast<std::size_t>(w));
      ++blob.pixels;
      sx += x;
      sy += y;
      blob.min_x = std::min(blob.min_x, x);
      blob.max_x = std::max(blob.max_x, x);
      blob.min_y = std::min(blob.min_y, y);
      blob.max_y = std::max(blob.max_y, y);
      const std::array<std::array<int, 2>, 4> steps{{{-1, 0}, {1, 0}, {0, -1}, {0, 1}}};
      for (const auto& [dx, dy] : steps) {
        const int nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const std::size_t q = mask.Index(nx, ny);
        if (mask.pixels[q] == 0 || out.labels[q] != 0) continue;
        out.labels[q] = blob.label;
        stack.push_back(q);
      }
    }
    blob.centroid_x = sx / static_cast<double>(blob.pixels);
    blob.centroid_y = sy / static_cast<double>(blob.pixels);
    out.blobs.push_back(blob);
  }
  return out;
}

Mask2D MaskOfBlob(const Blobs& blobs, const Mask2D& like, std::uint32_t label) {
  Mask2D out(like.width, like.height);
  out.spacing_x = like.spacing_x;
  out.spacing_y = like.spacing_y;
  for (std::size_t i = 0; i < out.pixels.size(); ++i) out.pixels[i] = blobs.labels[i] == label;
  return out;
}

void FillHoles(Mask2D& mask) {
  Mask2D outside(mask.width, mask.height);
  std::vector<std::size_t> stack;
  auto push = [&](int x, int y) {
    const std::size_t p = mask.Index(x, y);
    if (mask.pixels[p] != 0 || outside.pixels[p] != 0) return;
    outside.pixels[p] = 1;
    stack.push_back(p);
  };
  for (int x = 0; x < mask.width; ++x) {
    push(x, 0);
    push(x, mask.height - 1);
  }
  for (int y = 0; y < mask.height; ++y) {
    push(0, y);
    push(mask.width - 1, y);
  }
  while (!stack.empty()) {
    const std::size_t p = stack.back();
    stack.pop_back();
    const int x = static_cast<int>(p % static_cast<std::size_t>(mask.width));
    const int y = static_cast<int>(p / static_cast<std::size_t>(mask.width));
    if (x > 0) push(x - 1, y);
    if (x + 1 < mask.width) push(x + 1, y);
    if (y > 0) push(x, y - 1);
    if (y + 1 < mask.height) push(x, y + 1);
  }
  for (std::size_t i = 0; i < mask.pixels.size(); ++i) mask.pixels[i] = outside.pixels[i] == 0;
}

Mask2D Dilate(const Mask2D& mask, double radius) {
  std::vector<bool> site(mask.pixels.size());
  for (std::size_t i = 0; i < site.size(); ++i) site[i] = mask.pixels[i] != 0;
  const std::vector<float> d = ChamferDistance(site, mask.width, mask.height);
  Mask2D out = mask;
  for (std::size_t i = 0; i < d.size(); ++i) out.pixels[i] = d[i] <= radius;
  return out;
}

Mask2D Erode(const Mask2D& mask, double radius) {
  std::vector<bool> site(mask.pixels.size());
  for (std::size_t i = 0; i < site.size(); ++i) site[i] = mask.pixels[i] == 0;
  const std::vector<float> d = ChamferDistance(site, mask.width, mask.height);
  Mask2D out = mask;
  for (std::size_t i = 0; i < d.size(); ++i) out.pixels[i] = d[i] > radius;
  return out;
}

Mask2D Close(const Mask2D& mask, double radius) {
  Mask2D out = Erode(Dilate(mask, radius), radius);
  for (std::size_t i = 0; i < out.pixels.size(); ++i) out.pixels[i] |= mask.pixels[i] != 0;
  return out;
}

Mask2D Open(const Mask2D& mask, double radius) {
  Mask2D out = Dilate(Erode(mask, radius), radius);
  for (std::size_t i = 0; i < out.pixels.size(); ++i) out.pixels[i] &= mask.pixels[i] != 0;
  return out;
}

std::size_t CountNonZero(const Mask2D& mask) {
  return static_cast<std::size_t>(
      std::count_if(mask.pixels.begin(), mask.pixels.end(), [](std::uint8_t v) { return v != 0; }));
}

}  // namespace alveo::classifier::cxr
