// SPDX-License-Identifier: Apache-2.0
#include "classifier/cxr/lung_seeds.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "classifier/cxr/cxr_params.h"
#include "classifier/cxr/lung_fields.h"
#include "classifier/cxr/thorax.h"
#include "classifier/kernels/components.h"
#include "classifier/kernels/fill_holes.h"
#include "classifier/kernels/image2d_ops.h"
#include "classifier/kernels/morphology.h"

namespace alveo::classifier::cxr {
namespace {

constexpr int kRight = 0, kLeft = 1;  // patient sides; the right lung is on the image left

// The body with `inset` pixels removed at both ends of every row's body run (the soft tissue
// between the skin and the ribs is never lung).
Mask2D InsetRows(const Mask2D& body, int inset) {
  Mask2D out(body.width, body.height);
  for (int y = 0; y < body.height; ++y) {
    const std::uint8_t* row = body.Row(y);
    const auto first = std::find(row, row + body.width, std::uint8_t{1}) - row;
    if (first == body.width) continue;
    int last = body.width - 1;
    while (row[last] == 0) --last;
    for (int x = static_cast<int>(first) + inset; x <= last - inset; ++x) out.At(x, y) = row[x];
  }
  return out;
}

// Dark body pixels away from the midline band and the image edges.
Mask2D AirMask(const Image2D& work, const Mask2D& body, int midline, double threshold) {
  Mask2D air(work.width, work.height);
  const Mask2D inner_body = InsetRows(body, Frac(work.width, kBodyMarginFrac));
  const int cut = Frac(work.width, kMidlineCutFrac);
  const int mx = Frac(work.width, kAirBorderMarginFrac);
  const int my = Frac(work.height, kAirBorderMarginFrac);
  for (int y = my; y < work.height - my; ++y) {
    for (int x = mx; x < work.width - mx; ++x) {
      air.At(x, y) =
          inner_body.At(x, y) != 0 && work.At(x, y) < threshold && std::abs(x - midline) > cut;
    }
  }
  return air;
}

// Between the darkest body values and the Otsu threshold: only clearly aerated lung.
double StrictThreshold(const Image2D& work, const Mask2D& body, double otsu) {
  const double dark = kernels::Percentile(work, 100.0 * kDarkQuantile, &body);
  if (std::isnan(dark)) return 0.0;  // no body pixels: nothing is clearly aerated
  return dark + kStrictLevel * (otsu - dark);
}

// Cuts the seed above its narrowest row in the upper part when it widens again above it.
void CutAboveWaist(Mask2D& seed, const std::vector<int>& lo, const std::vector<int>& hi) {
  int top = -1, bottom = -1;
  for (int y = 0; y < seed.height; ++y) {
    if (hi[static_cast<std::size_t>(y)] < 0) continue;
    if (top < 0) top = y;
    bottom = y;
  }
  if (top < 0) return;
  const int search_end = top + Frac(bottom - top, kWaistSearchFrac);
  int waist = -1, waist_width = seed.width;
  for (int y = top; y <= search_end; ++y) {
    const auto i = static_cast<std::size_t>(y);
    const int width = hi[i] - lo[i] + 1;
    if (hi[i] >= 0 && width <= waist_width) {
      waist_width = width;
      waist = y;
    }
  }
  int above = 0;
  for (int y = top; y < waist; ++y) {
    const auto i = static_cast<std::size_t>(y);
    if (hi[i] >= 0) above = std::max(above, hi[i] - lo[i] + 1);
  }
  if (waist < 0 || above < kWaistWidening * waist_width) return;
  for (int y = 0; y < waist; ++y) {
    for (int x = 0; x < seed.width; ++x) seed.At(x, y) = 0;
  }
}

double SeedScore(const kernels::Component2D& b, const Mask2D& mask, int midline) {
  const double w = mask.width, h = mask.height;
  double score = static_cast<double>(b.pixels);
  const double dx = std::abs(b.centroid[0] - midline) / w;
  if (dx < kSeedMinOffsetFrac || dx > kSeedMaxOffsetFrac) score *= kSeedOffPositionWeight;
  const double cy = b.centroid[1] / h;
  if (cy < kSeedRowsFrac[0] || cy > kSeedRowsFrac[1]) score *= kSeedOffPositionWeight;
  return score;
}

// The most lung-like blob of `core` (dark at the strict threshold) on one side of the midline.
// Blobs are chosen after an erosion (which breaks thin bridges to outside air and bowel gas) and
// grown back uphill inside `air` (dark at the Otsu threshold).
Mask2D PickSeed(const Mask2D& core, const Mask2D& air, const Image2D& work, int midline, int side) {
  const kernels::Components2D blobs =
      kernels::LabelComponents2D(kernels::Erode2D(core, kSeedErodeRadius));
  const double min_pixels = kMinLungAreaFrac * static_cast<double>(air.PixelCount());
  std::uint32_t best = 0;
  double best_score = 0.0;
  for (const kernels::Component2D& b : blobs.components) {
    if ((b.centroid[0] < midline) != (side == kRight)) continue;
    if (static_cast<double>(b.pixels) < min_pixels) continue;
    const double score = SeedScore(b, core, midline);
    if (score > best_score) {
      best_score = score;
      best = b.label;
    }
  }
  Mask2D seed(air.width, air.height);
  if (best == 0) return seed;
  seed = kernels::Dilate2D(kernels::MaskOfLabels2D(blobs, air, {best}), kSeedErodeRadius + 1.0);
  for (std::size_t i = 0; i < seed.pixels.size(); ++i) seed.pixels[i] &= core.pixels[i];
  GrowUphill(seed, air, work, kUphillTolerance, Frac(air.width, kUphillStepsFrac));
  seed = kernels::Close2D(seed, kLungCloseRadius);
  kernels::FillHoles2D(seed);
  return seed;
}

std::vector<int> RunningMedian(const std::vector<int>& values, int half, int invalid) {
  std::vector<int> out(values.size(), invalid);
  std::vector<int> window;
  const int n = static_cast<int>(values.size());
  for (int i = 0; i < n; ++i) {
    window.clear();
    for (int k = std::max(0, i - half); k <= std::min(n - 1, i + half); ++k) {
      if (values[static_cast<std::size_t>(k)] != invalid)
        window.push_back(values[static_cast<std::size_t>(k)]);
    }
    if (window.empty()) continue;
    std::nth_element(window.begin(),
                     window.begin() + static_cast<std::ptrdiff_t>(window.size() / 2), window.end());
    out[static_cast<std::size_t>(i)] = window[window.size() / 2];
  }
  return out;
}

// Removes leaks: per row, lateral extents beyond the running median of the neighbouring rows, and
// everything above the apex "waist" when the seed widens again towards the top (neck, shoulders).
void CleanSeed(Mask2D& seed, int midline, int side) {
  const int h = seed.height, w = seed.width;
  std::vector<int> lo(static_cast<std::size_t>(h), -1), hi(static_cast<std::size_t>(h), -1);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      if (seed.At(x, y) == 0) continue;
      const int d = LateralDistance(x, midline, side);
      auto& l = lo[static_cast<std::size_t>(y)];
      auto& u = hi[static_cast<std::size_t>(y)];
      l = l < 0 ? d : std::min(l, d);
      u = std::max(u, d);
    }
  }
  const int half = Frac(h, kEdgeMedianRowsFrac);
  const std::vector<int> lo_med = RunningMedian(lo, half, -1), hi_med = RunningMedian(hi, half, -1);
  const int tol = Frac(w, kEdgeToleranceFrac);
  for (int y = 0; y < h; ++y) {
    const auto i = static_cast<std::size_t>(y);
    for (int x = 0; x < w; ++x) {
      const int d = LateralDistance(x, midline, side);
      if (hi_med[i] < 0 || d > hi_med[i] + tol || d < lo_med[i] - tol) seed.At(x, y) = 0;
    }
  }
  CutAboveWaist(seed, lo_med, hi_med);
}

}  // namespace

// Grows `region` inside `air` only uphill (a neighbour joins when it is at most `tolerance`
// darker than the pixel it is reached from) and at most `steps` pixels (city block) from where it
// started: aerated lung climbs into hazy lung and up the chest wall, but not over a ridge into
// the dark soft tissue or air beyond it.
void GrowUphill(Mask2D& region, const Mask2D& air, const Image2D& work, double tolerance,
                int steps) {
  std::vector<std::size_t> queue;
  std::vector<int> step(region.pixels.size(), 0);
  for (std::size_t i = 0; i < region.pixels.size(); ++i) {
    if (region.pixels[i] != 0) queue.push_back(i);
  }
  const auto w = static_cast<std::size_t>(region.width);
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const std::size_t p = queue[head];
    if (step[p] >= steps) continue;
    const std::size_t x = p % w;
    const float floor = work.pixels[p] - static_cast<float>(tolerance);
    for (const std::size_t q : {x > 0 ? p - 1 : p, x + 1 < w ? p + 1 : p, p >= w ? p - w : p,
                                p + w < region.pixels.size() ? p + w : p}) {
      if (region.pixels[q] != 0 || air.pixels[q] == 0 || work.pixels[q] < floor) continue;
      region.pixels[q] = 1;
      step[q] = step[p] + 1;
      queue.push_back(q);
    }
  }
}

std::array<Mask2D, 2> FindAeratedSeeds(const Image2D& work, const Mask2D& body, int midline,
                                       double otsu) {
  const Mask2D air = AirMask(work, body, midline, otsu);
  const Mask2D core = AirMask(work, body, midline, StrictThreshold(work, body, otsu));
  std::array<Mask2D, 2> seeds{PickSeed(core, air, work, midline, kRight),
                              PickSeed(core, air, work, midline, kLeft)};
  for (int s : {kRight, kLeft}) CleanSeed(seeds[static_cast<std::size_t>(s)], midline, s);
  return seeds;
}

}  // namespace alveo::classifier::cxr
