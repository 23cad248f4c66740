// SPDX-License-Identifier: Apache-2.0
#include "classifier/cxr/working_image.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "classifier/cxr/cxr_params.h"
#include "classifier/kernels/image2d_ops.h"

namespace alveo::classifier::cxr {
namespace {

// The inner part of the image (labels and collimator edges live at the border).
Mask2D InnerMask(const Image2D& image) {
  const int mx = static_cast<int>(image.width * kNormaliseBorder);
  const int my = static_cast<int>(image.height * kNormaliseBorder);
  Mask2D inner(image.width, image.height);
  for (int y = my; y < image.height - my; ++y) {
    std::fill(inner.Row(y) + mx, inner.Row(y) + image.width - mx, std::uint8_t{1});
  }
  return inner;
}

// Clamps to the VOI window when most of the image lies inside it (a window that excludes most
// of the film is taken as belonging to another value space and ignored).
bool ApplyWindow(const RadiographInput& input, Image2D& image) {
  if (!input.window_center || !input.window_width || !(*input.window_width > 1e-6)) return false;
  const double lo = *input.window_center - *input.window_width / 2.0;
  const double hi = *input.window_center + *input.window_width / 2.0;
  const auto inside = std::count_if(image.pixels.begin(), image.pixels.end(),
                                    [&](float v) { return v >= lo && v <= hi; });
  if (static_cast<double>(inside) < kWindowMinInside * static_cast<double>(image.PixelCount())) {
    return false;
  }
  for (float& v : image.pixels) v = static_cast<float>(std::clamp(static_cast<double>(v), lo, hi));
  return true;
}

}  // namespace

WorkingImage MakeWorkingImage(const RadiographInput& input) {
  WorkingImage out;
  const Image2D& src = input.image;
  if (src.width < kMinInputSide || src.height < kMinInputSide ||
      src.PixelCount() != static_cast<std::size_t>(src.width) * src.height) {
    out.failure = "empty_image";
    return out;
  }
  if (!std::all_of(src.pixels.begin(), src.pixels.end(),
                   [](float v) { return std::isfinite(v); })) {
    out.failure = "corrupt_values";
    return out;
  }
  const bool spacing_known = input.spacing_x_mm > 0 && input.spacing_y_mm > 0;
  const double sx = spacing_known ? input.spacing_x_mm : 1.0;
  const double sy = spacing_known ? input.spacing_y_mm : 1.0;
  const double aspect = std::clamp((src.height * sy) / (src.width * sx), kMinAspect, kMaxAspect);
  const int height = static_cast<int>(std::lround(kWorkingWidth * aspect));
  out.image = kernels::Resize(src, kWorkingWidth, height);
  out.mm_per_px = spacing_known ? src.width * sx / kWorkingWidth : 0.0;
  out.window_used = ApplyWindow(input, out.image);

  const Mask2D inner = InnerMask(out.image);
  const double lo = kernels::Percentile(out.image, 100.0 * kNormaliseLowQuantile, &inner);
  const double hi = kernels::Percentile(out.image, 100.0 * kNormaliseHighQuantile, &inner);
  if (!(hi - lo > 1e-6 * std::max(1.0, std::abs(hi)))) {
    out.failure = "uniform_image";
    return out;
  }
  for (float& v : out.image.pixels) {
    v = static_cast<float>(std::clamp((v - lo) / (hi - lo), 0.0, 1.0));
  }
  out.image = kernels::Gaussian2D(out.image, kWorkingBlurSigma);
  out.image.spacing_x = out.image.spacing_y = out.mm_per_px > 0 ? out.mm_per_px : 1.0;
  return out;
}

}  // namespace alveo::classifier::cxr
