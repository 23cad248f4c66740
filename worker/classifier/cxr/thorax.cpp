// SPDX-License-Identifier: Apache-2.0
#include "classifier/cxr/thorax.h"

#include <algorithm>
#include <vector>

#include "classifier/cxr/cxr_params.h"
#include "classifier/cxr/image_ops.h"

namespace alveo::classifier::cxr {

Mask2D BodyMask(const Image2D& work) {
  Mask2D body(work.width, work.height);
  for (std::size_t i = 0; i < body.pixels.size(); ++i) {
    body.pixels[i] = work.pixels[i] >= kBackgroundLevel;
  }
  FillHoles(body);  // dark regions enclosed by the body (lungs, bowel gas) are body
  body.spacing_x = work.spacing_x;
  body.spacing_y = work.spacing_y;
  return body;
}

int FindMidline(const Image2D& work) {
  const int y0 = Frac(work.height, kMidlineRowsFrac[0]);
  const int y1 = Frac(work.height, kMidlineRowsFrac[1]);
  std::vector<double> profile(static_cast<std::size_t>(work.width), 0.0);
  for (int y = y0; y < y1; ++y) {
    for (int x = 0; x < work.width; ++x) profile[static_cast<std::size_t>(x)] += work.At(x, y);
  }
  profile = GaussianBlur1D(profile, kMidlineProfileSigma);
  const int x0 = Frac(work.width, kMidlineSearchFrac[0]);
  const int x1 = Frac(work.width, kMidlineSearchFrac[1]);
  int best = work.width / 2;
  for (int x = x0; x <= x1; ++x) {
    if (profile[static_cast<std::size_t>(x)] > profile[static_cast<std::size_t>(best)]) best = x;
  }
  return best;
}

double AirThreshold(const Image2D& work, const Mask2D& body) {
  std::vector<float> values;
  const int y0 = Frac(work.height, kThresholdRowsFrac[0]);
  const int y1 = Frac(work.height, kThresholdRowsFrac[1]);
  for (int y = y0; y < y1; ++y) {
    for (int x = 0; x < work.width; ++x) {
      if (body.At(x, y) != 0) values.push_back(work.At(x, y));
    }
  }
  return OtsuThreshold(values, 0.0, 1.0);
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
  std::vector<float> lung, band;
  for (std::size_t i = 0; i < work.pixels.size(); ++i) {
    if (lung_labels.pixels[i] != 0) lung.push_back(work.pixels[i]);
  }
  r.aerated = Percentile(std::move(lung), kAeratedQuantile);
  const std::array<int, 2> rr = RowRange(lung_labels, 1), rl = RowRange(lung_labels, 2);
  const int top = rr[0] < 0 ? rl[0] : (rl[0] < 0 ? rr[0] : std::min(rr[0], rl[0]));
  const int bottom = std::max(rr[1], rl[1]);
  const int y0 = std::max(0, top + Frac(bottom - top, kSoftRowsFrac[0]));
  const int y1 = std::min(work.height - 1, top + Frac(bottom - top, kSoftRowsFrac[1]));
  const int half = Frac(work.width, kSoftBandHalfWidthFrac);
  for (int y = y0; y <= y1; ++y) {
    for (int x = std::max(0, midline - half); x <= std::min(work.width - 1, midline + half); ++x) {
      band.push_back(work.At(x, y));
    }
  }
  r.soft = band.empty() ? 1.0 : Median(std::move(band));
  r.soft = std::max(r.soft, r.aerated + kMinReferenceContrast);
  return r;
}

}  // namespace alveo::classifier::cxr
