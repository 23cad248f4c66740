// SPDX-License-Identifier: Apache-2.0
#include "classifier/cxr/thorax.h"

#include <algorithm>
#include <cmath>

#include "classifier/cxr/cxr_params.h"
#include "classifier/kernels/fill_holes.h"
#include "classifier/kernels/image2d_ops.h"

namespace alveo::classifier::cxr {
namespace {

// Rows [y0, y1] and columns [x0, x1] (clamped to the image) of an image the size of `like`.
Mask2D BoxMask(const Image2D& like, int x0, int x1, int y0, int y1) {
  Mask2D box(like.width, like.height);
  x0 = std::max(0, x0);
  x1 = std::min(like.width - 1, x1);
  for (int y = std::max(0, y0); y <= std::min(like.height - 1, y1); ++y) {
    for (int x = x0; x <= x1; ++x) box.At(x, y) = 1;
  }
  return box;
}

// Quantile q (0-1) of the pixels `mask` selects; `fallback` when it selects none.
double QuantileOr(const Image2D& image, const Mask2D& mask, double q, double fallback) {
  const double v = kernels::Percentile(image, 100.0 * q, &mask);
  return std::isnan(v) ? fallback : v;
}

}  // namespace

Mask2D BodyMask(const Image2D& work) {
  Mask2D body(work.width, work.height);
  for (std::size_t i = 0; i < body.pixels.size(); ++i) {
    body.pixels[i] = work.pixels[i] >= kBackgroundLevel;
  }
  kernels::FillHoles2D(body);  // dark regions enclosed by the body (lungs, bowel gas) are body
  body.spacing_x = work.spacing_x;
  body.spacing_y = work.spacing_y;
  return body;
}

int FindMidline(const Image2D& work) {
  const int y0 = Frac(work.height, kMidlineRowsFrac[0]);
  const int y1 = Frac(work.height, kMidlineRowsFrac[1]);
  // The column profile as a one-row image: the 2-D Gaussian then smooths it along x only.
  Image2D profile(work.width, 1);
  for (int y = y0; y < y1; ++y) {
    for (int x = 0; x < work.width; ++x) profile.At(x, 0) += work.At(x, y);
  }
  profile = kernels::Gaussian2D(profile, kMidlineProfileSigma);
  const int x0 = Frac(work.width, kMidlineSearchFrac[0]);
  const int x1 = Frac(work.width, kMidlineSearchFrac[1]);
  int best = work.width / 2;
  for (int x = x0; x <= x1; ++x) {
    if (profile.At(x, 0) > profile.At(best, 0)) best = x;
  }
  return best;
}

double AirThreshold(const Image2D& work, const Mask2D& body) {
  const int y0 = Frac(work.height, kThresholdRowsFrac[0]);
  const int y1 = Frac(work.height, kThresholdRowsFrac[1]);
  Mask2D thoracic_body = BoxMask(work, 0, work.width - 1, y0, y1 - 1);
  for (std::size_t i = 0; i < body.pixels.size(); ++i) thoracic_body.pixels[i] &= body.pixels[i];
  const double otsu = kernels::OtsuThreshold(work, &thoracic_body);
  return std::isnan(otsu) ? 0.0 : otsu;  // no body in those rows: nothing is aerated lung
}

std::array<int, 2> RowRange(const Mask2D& labels, std::uint8_t label) {
  std::array<int, 2> range{-1, -1};
  for (int y = 0; y < labels.height; ++y) {
    const std::uint8_t* row = labels.Row(y);
    if (std::find(row, row + labels.width, label) == row + labels.width) continue;
    if (range[0] < 0) range[0] = y;
    range[1] = y;
  }
  return range;
}

References MeasureReferences(const Image2D& work, const Mask2D& lung_labels, int midline) {
  References r;
  r.aerated = QuantileOr(work, lung_labels, kAeratedQuantile, 0.0);
  const std::array<int, 2> rr = RowRange(lung_labels, 1), rl = RowRange(lung_labels, 2);
  const int top = rr[0] < 0 ? rl[0] : (rl[0] < 0 ? rr[0] : std::min(rr[0], rl[0]));
  const int bottom = std::max(rr[1], rl[1]);
  const int y0 = std::max(0, top + Frac(bottom - top, kSoftRowsFrac[0]));
  const int y1 = std::min(work.height - 1, top + Frac(bottom - top, kSoftRowsFrac[1]));
  const int half = Frac(work.width, kSoftBandHalfWidthFrac);
  r.soft = QuantileOr(work, BoxMask(work, midline - half, midline + half, y0, y1), 0.5, 1.0);
  r.soft = std::max(r.soft, r.aerated + kMinReferenceContrast);
  return r;
}

}  // namespace alveo::classifier::cxr
