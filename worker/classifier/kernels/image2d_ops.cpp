// SPDX-License-Identifier: Apache-2.0
#include "classifier/kernels/image2d_ops.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <vector>

#include "classifier/kernels/separable_internal.h"

namespace alveo::kernels {
namespace {

// Output sample o of an axis = sum of weight * input[index] over taps[begin[o] .. begin[o + 1]).
struct AxisMap {
  struct Tap {
    int index;
    float weight;
  };
  std::vector<std::size_t> begin{0};
  std::vector<Tap> taps;
  void Add(int index, double weight) { taps.push_back({index, static_cast<float>(weight)}); }
  void EndSample() { begin.push_back(taps.size()); }
};

AxisMap AreaMap(int in, int out) {
  AxisMap map;
  const double scale = static_cast<double>(in) / out;
  for (int o = 0; o < out; ++o) {
    const double lo = o * scale;
    const double hi = std::min<double>(in, (o + 1) * scale);
    for (int i = static_cast<int>(lo); i < in && i < hi; ++i) {
      const double overlap = std::min<double>(hi, i + 1) - std::max<double>(lo, i);
      if (overlap > 1e-12) map.Add(i, overlap / scale);
    }
    map.EndSample();
  }
  return map;
}

AxisMap LinearMap(int in, int out) {
  AxisMap map;
  const double scale = static_cast<double>(in) / out;
  for (int o = 0; o < out; ++o) {
    const double src = std::clamp((o + 0.5) * scale - 0.5, 0.0, in - 1.0);
    const int i0 = static_cast<int>(src);
    const double f = src - i0;
    map.Add(i0, 1.0 - f);
    if (f > 0) map.Add(std::min(i0 + 1, in - 1), f);
    map.EndSample();
  }
  return map;
}

AxisMap MapFor(int in, int out) {
  if (out < in) return AreaMap(in, out);
  if (out > in) return LinearMap(in, out);
  AxisMap map;
  for (int o = 0; o < out; ++o) {
    map.Add(o, 1.0);
    map.EndSample();
  }
  return map;
}

void CheckImage(const Image2D& image, const Mask2D* mask) {
  const std::size_t n =
      static_cast<std::size_t>(std::max(image.width, 0)) * std::max(image.height, 0);
  if (image.pixels.size() != n) throw std::invalid_argument("image: pixel count does not match");
  if (mask != nullptr &&
      (mask->width != image.width || mask->height != image.height || mask->pixels.size() != n)) {
    throw std::invalid_argument("image: mask size differs from the image");
  }
}

// The selected, non-NaN pixel values.
std::vector<float> Selected(const Image2D& image, const Mask2D* mask) {
  CheckImage(image, mask);
  std::vector<float> values;
  values.reserve(image.pixels.size());
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    const float v = image.pixels[i];
    if ((mask == nullptr || mask->pixels[i] != 0) && !std::isnan(v)) values.push_back(v);
  }
  return values;
}

}  // namespace

Image2D Resize(const Image2D& image, int width, int height) {
  CheckImage(image, nullptr);
  if (width < 1 || height < 1 || image.width < 1 || image.height < 1) {
    throw std::invalid_argument("Resize: sizes must be >= 1");
  }
  const AxisMap mx = MapFor(image.width, width);
  const AxisMap my = MapFor(image.height, height);
  std::vector<float> rows(static_cast<std::size_t>(width) * image.height);  // x resized first
  for (int y = 0; y < image.height; ++y) {
    const float* src = image.Row(y);
    float* dst = rows.data() + static_cast<std::size_t>(y) * width;
    for (int o = 0; o < width; ++o) {
      float sum = 0;
      for (std::size_t t = mx.begin[o]; t < mx.begin[o + 1]; ++t) {
        sum += mx.taps[t].weight * src[mx.taps[t].index];
      }
      dst[o] = sum;
    }
  }
  Image2D out(width, height);
  out.spacing_x = image.spacing_x * image.width / width;
  out.spacing_y = image.spacing_y * image.height / height;
  for (int o = 0; o < height; ++o) {
    float* dst = out.Row(o);
    for (std::size_t t = my.begin[o]; t < my.begin[o + 1]; ++t) {
      const float* src = rows.data() + static_cast<std::size_t>(my.taps[t].index) * width;
      const float w = my.taps[t].weight;
      for (int x = 0; x < width; ++x) dst[x] += w * src[x];
    }
  }
  return out;
}

Image2D Gaussian2D(const Image2D& image, double sigma_px) {
  CheckImage(image, nullptr);
  Image2D out(image.width, image.height);
  out.spacing_x = image.spacing_x;
  out.spacing_y = image.spacing_y;
  const internal::Kernel1D kernel = internal::GaussianKernel(sigma_px);
  internal::SeparableFilter(image.pixels.data(), image.width, image.height, 1,
                            {kernel, kernel, internal::Kernel1D{}}, out.pixels.data(), 1);
  return out;
}

float Percentile(const Image2D& image, double p, const Mask2D* mask) {
  std::vector<float> values = Selected(image, mask);
  if (values.empty() || std::isnan(p)) return std::numeric_limits<float>::quiet_NaN();
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(rank);
  std::nth_element(values.begin(), values.begin() + lower, values.end());
  const double a = values[lower];
  const double frac = rank - static_cast<double>(lower);
  if (frac <= 0 || lower + 1 >= values.size()) return static_cast<float>(a);
  const double b = *std::min_element(values.begin() + lower + 1, values.end());
  return static_cast<float>(a + frac * (b - a));
}

double OtsuThreshold(const Image2D& image, const Mask2D* mask, int bins) {
  std::vector<float> values = Selected(image, mask);
  std::erase_if(values, [](float v) { return !std::isfinite(v); });
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  const double lo = *min_it;
  const double range = static_cast<double>(*max_it) - lo;
  if (range <= 0 || bins < 2) return lo;
  std::vector<double> hist(static_cast<std::size_t>(bins), 0.0);
  for (float v : values) hist[std::min(bins - 1, static_cast<int>((v - lo) / range * bins))] += 1;
  double total_sum = 0;
  for (int k = 0; k < bins; ++k) total_sum += k * hist[k];
  const auto n = static_cast<double>(values.size());
  double w0 = 0, sum0 = 0, best = -1;
  int first = 0, last = 0;  // plateau of the best split (empty bins between modes)
  for (int k = 0; k + 1 < bins; ++k) {
    w0 += hist[k];
    sum0 += k * hist[k];
    const double w1 = n - w0;
    if (w0 <= 0 || w1 <= 0) continue;
    const double d = sum0 / w0 - (total_sum - sum0) / w1;
    const double between = w0 * w1 * d * d;
    if (between > best * (1 + 1e-12)) {
      best = between;
      first = last = k;
    } else if (k == last + 1 && between >= best * (1 - 1e-12)) {
      last = k;
    }
  }
  return lo + range / bins * (0.5 * (first + last) + 1.0);
}

}  // namespace alveo::kernels
