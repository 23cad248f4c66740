// SPDX-License-Identifier: Apache-2.0
#include "classifier/cxr/lung_fields.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "classifier/cxr/cxr_params.h"
#include "classifier/cxr/lung_seeds.h"
#include "classifier/cxr/thorax.h"
#include "classifier/kernels/fill_holes.h"
#include "classifier/kernels/image2d_ops.h"
#include "classifier/kernels/mask_ops.h"
#include "classifier/kernels/morphology.h"

namespace alveo::classifier::cxr {
namespace {

constexpr int kRight = 0, kLeft = 1;  // patient sides; the right lung is on the image left

int Lateral(int x, int midline, int side) { return LateralDistance(x, midline, side); }

int ColumnAt(int lateral, int midline, int side) {
  return side == kRight ? midline - lateral : midline + lateral;
}

// Frame from robust extents of the seed: apex/base by quantiles of its pixels' rows (a row-index
// image masked by the seed), walls by quantiles of its per-row lateral extents (one-row images,
// a pixel per film row, masked by the rows the seed occupies).
LungFrame FitFrame(const Mask2D& seed, int midline, int side) {
  Image2D row_of(seed.width, seed.height);
  Image2D outer(seed.height, 1), inner(seed.height, 1);
  Mask2D occupied(seed.height, 1);
  for (int y = 0; y < seed.height; ++y) {
    int lo = seed.width, hi = -1;
    for (int x = 0; x < seed.width; ++x) {
      row_of.At(x, y) = static_cast<float>(y);
      if (seed.At(x, y) == 0) continue;
      const int d = Lateral(x, midline, side);
      lo = std::min(lo, d);
      hi = std::max(hi, d);
    }
    if (hi < 0) continue;
    outer.At(y, 0) = static_cast<float>(hi);
    inner.At(y, 0) = static_cast<float>(lo);
    occupied.At(y, 0) = 1;
  }
  LungFrame f;
  if (kernels::CountNonZero(seed) < 2) return f;
  f.found = true;
  const double apex = kernels::Percentile(row_of, 100.0 * kFrameRowQuantile, &seed);
  const double base = kernels::Percentile(row_of, 100.0 * (1.0 - kFrameRowQuantile), &seed);
  f.apex_y = static_cast<int>(apex);
  f.base_y = static_cast<int>(std::ceil(base));
  const auto outer_d =
      static_cast<int>(kernels::Percentile(outer, 100.0 * kFrameOuterQuantile, &occupied));
  const auto inner_d =
      static_cast<int>(kernels::Percentile(inner, 100.0 * kFrameInnerQuantile, &occupied));
  f.outer_x = ColumnAt(outer_d, midline, side);
  f.inner_x = ColumnAt(std::min(inner_d, outer_d - 2), midline, side);
  return f;
}

// A missing or much smaller side takes the other side's frame, mirrored.
void MirrorMissingSides(LungFields& lf, const std::array<double, 2>& areas) {
  for (int s : {kRight, kLeft}) {
    const int o = 1 - s;
    if (!lf.frames[o].found) continue;
    if (lf.frames[s].found && areas[s] >= kMirrorAreaRatio * areas[o]) continue;
    LungFrame m = lf.frames[o];
    m.outer_x = ColumnAt(Lateral(m.outer_x, lf.midline_x, o), lf.midline_x, s);
    m.inner_x = ColumnAt(Lateral(m.inner_x, lf.midline_x, o), lf.midline_x, s);
    lf.frames[s] = m;
    lf.mirrored[s] = true;
  }
}

// Dense lung cuts the aerated seed short: a field implausibly short for its width gets the prior
// height, downwards (dense bases) or, when only the bases are aerated, upwards.
void ExtendShortFrames(LungFields& lf, int height) {
  const int margin = Frac(height, kAirBorderMarginFrac);
  for (int s : {kRight, kLeft}) {
    LungFrame& f = lf.frames[s];
    const int width = Lateral(f.outer_x, lf.midline_x, s);
    if (!f.found || f.base_y - f.apex_y >= kMinHeightToWidth * width) continue;
    const int prior = static_cast<int>(kPriorHeightToWidth * width);
    if (f.apex_y > Frac(height, kMaxApexFrac)) {
      f.apex_y = std::max(margin, f.base_y - prior);  // only the bases are aerated
    } else {
      f.base_y = f.apex_y + prior;
    }
  }
}

// Mirrors missing sides, extends short fields, and keeps one base from ending far above the
// other (records which frames changed).
void CompleteFrames(LungFields& lf, const std::array<double, 2>& areas, int height) {
  MirrorMissingSides(lf, areas);
  const std::array<LungFrame, 2> before = lf.frames;
  ExtendShortFrames(lf, height);
  const std::array<LungFrame, 2> extended = lf.frames;
  const int margin = Frac(height, kAirBorderMarginFrac);
  for (int s : {kRight, kLeft}) {
    LungFrame& f = lf.frames[s];
    const LungFrame& other = extended[static_cast<std::size_t>(1 - s)];
    if (f.found && other.found) {
      const int other_height = other.base_y - other.apex_y;
      f.base_y =
          std::max(f.base_y, other.base_y - static_cast<int>(kBaseMismatchFrac * other_height));
    }
    f.base_y = std::min(f.base_y, height - 1 - margin);
    lf.extended[s] = f.base_y > before[static_cast<std::size_t>(s)].base_y ||
                     f.apex_y < before[static_cast<std::size_t>(s)].apex_y;
  }
}

// Per row, how far from the midline the field may reach: the seed's own lateral edge (plus a
// tolerance) in its rows (gaps take the row above), the frame's wall above and below the seed.
std::vector<int> LateralLimits(const Mask2D& seed, const LungFrame& f, int midline, int side) {
  const auto h = static_cast<std::size_t>(seed.height);
  std::vector<int> edge(h, -1);
  for (int y = 0; y < seed.height; ++y) {
    int& e = edge[static_cast<std::size_t>(y)];
    for (int x = 0; x < seed.width; ++x) {
      if (seed.At(x, y) != 0) e = std::max(e, Lateral(x, midline, side));
    }
  }
  const int wall = Lateral(f.outer_x, midline, side);
  const int tolerance = Frac(seed.width, kTemplateLateralToleranceFrac);
  std::vector<int> limit(h, wall + tolerance);  // outside the seed's rows: the frame's wall
  const auto first = std::find_if(edge.begin(), edge.end(), [](int e) { return e >= 0; });
  if (first == edge.end()) return limit;
  const auto last = std::find_if(edge.rbegin(), edge.rend(), [](int e) { return e >= 0; });
  const auto top = static_cast<std::size_t>(first - edge.begin());
  const std::size_t bottom = h - 1 - static_cast<std::size_t>(last - edge.rbegin());
  int current = *first;
  for (std::size_t y = top; y <= bottom; ++y) {
    if (edge[y] >= 0) current = edge[y];
    limit[y] = current + tolerance;
  }
  return limit;
}

Mask2D TemplateMask(const LungFrame& f, int side, int midline, const std::vector<int>& limit,
                    int width, int height) {
  Mask2D mask(width, height);
  if (!f.found) return mask;
  for (int y = std::max(0, f.apex_y); y <= std::min(height - 1, f.base_y); ++y) {
    for (int x = 0; x < width; ++x) {
      mask.At(x, y) = InLungTemplate(f, side, midline, x, y) &&
                      Lateral(x, midline, side) <= limit[static_cast<std::size_t>(y)];
    }
  }
  return mask;
}

// Copies the seed's runs of row y into `field` (gaps up to max_gap filled, nothing beyond
// outer_limit from the midline); returns how many pixels of the row the field then covers.
int FillSeedRow(const Mask2D& seed, int y, int midline, int side, int outer_limit, int max_gap,
                Mask2D& field) {
  int last = -1, covered = 0;
  for (int x = 0; x < seed.width; ++x) {
    if (seed.At(x, y) == 0 || Lateral(x, midline, side) > outer_limit) continue;
    if (last >= 0 && x - last - 1 <= max_gap) {
      for (int k = last + 1; k < x; ++k) covered += field.At(k, y) == 0, field.At(k, y) = 1;
    }
    covered += field.At(x, y) == 0;
    field.At(x, y) = 1;
    last = x;
  }
  return covered;
}

// Adds template pixels reachable from the field through pixels less dense than soft tissue
// (relative density below kGrowMaxRelative): hazy lung the strict seed left out.
void GrowInsideTemplate(Mask2D& field, const Mask2D& shape, const Image2D& work,
                        const References& refs) {
  Mask2D allowed(field.width, field.height);
  for (std::size_t i = 0; i < allowed.pixels.size(); ++i) {
    allowed.pixels[i] = shape.pixels[i] != 0 && refs.Relative(work.pixels[i]) < kGrowMaxRelative;
  }
  GrowUphill(field, allowed, work, 1.0, field.width + field.height);
}

// The seed (row runs) inside the frame's rows; rows the seed covers poorly take the template's
// pixels; then growth into less-than-soft-tissue template pixels.
Mask2D Compose(const Mask2D& seed, const LungFrame& f, int side, int midline, const Image2D& work,
               const References& refs) {
  Mask2D field(seed.width, seed.height);
  if (!f.found) return field;
  const Mask2D shape = TemplateMask(f, side, midline, LateralLimits(seed, f, midline, side),
                                    seed.width, seed.height);
  const int max_gap = Frac(seed.width, kRowFillMaxGapFrac);
  const int outer_limit =
      static_cast<int>(Lateral(f.outer_x, midline, side) * (1.0 + kSeedLateralTolerance)) + 1;
  for (int y = std::max(0, f.apex_y); y <= std::min(seed.height - 1, f.base_y); ++y) {
    const int covered = FillSeedRow(seed, y, midline, side, outer_limit, max_gap, field);
    const std::uint8_t* row = shape.Row(y);
    const auto template_count = std::count(row, row + shape.width, std::uint8_t{1});
    if (covered >= kMinRowCoverage * static_cast<double>(template_count)) continue;
    for (int x = 0; x < seed.width; ++x) field.At(x, y) |= row[x];
  }
  GrowInsideTemplate(field, shape, work, refs);
  field = kernels::Close2D(field, kLungCloseRadius);
  kernels::FillHoles2D(field);
  return field;
}

}  // namespace

// The geometric lung template in frame coordinates: v from apex (0) to base (1), s from the
// mediastinal border (0) to the lateral wall (1); round apex, heart indent, diaphragm dome.
bool InLungTemplate(const LungFrame& f, int side, int midline, int x, int y) {
  if (y < f.apex_y || y > f.base_y || f.base_y <= f.apex_y) return false;
  const double v = static_cast<double>(y - f.apex_y) / (f.base_y - f.apex_y);
  const double inner = Lateral(f.inner_x, midline, side), outer = Lateral(f.outer_x, midline, side);
  if (outer <= inner) return false;
  const double s = (Lateral(x, midline, side) - inner) / (outer - inner);
  const double r = std::min(1.0, v / kApexRoundV);
  const double k = 1.0 - (1.0 - r) * (1.0 - r);
  double s_lo = kApexS * (1.0 - k);
  const double s_hi = kApexS + (1.0 - kApexS) * k;
  const double heart = side == kLeft ? kHeartIndentLeft : kHeartIndentRight;
  const double t = (v - kHeartCentreV) / kHeartHalfSpanV;
  if (std::abs(t) < 1.0) s_lo = std::max(s_lo, heart * (1.0 - t * t));
  if (s < s_lo || s > s_hi) return false;
  const double span = s >= kDomePeakS ? 1.0 - kDomePeakS : kDomePeakS;
  const double u = (s - kDomePeakS) / span;
  return v <= 1.0 - kDomeHeight * std::max(0.0, 1.0 - u * u);
}

LungFields EstimateLungFields(const Image2D& work) {
  LungFields lf;
  lf.body = BodyMask(work);
  lf.midline_x = FindMidline(work);
  lf.air_threshold = AirThreshold(work, lf.body);
  std::array<Mask2D, 2> seeds = FindAeratedSeeds(work, lf.body, lf.midline_x, lf.air_threshold);
  std::array<double, 2> areas{};
  for (int s : {kRight, kLeft}) {
    lf.frames[s] = FitFrame(seeds[s], lf.midline_x, s);
    areas[s] = static_cast<double>(kernels::CountNonZero(seeds[s]));
  }
  if (!lf.frames[kRight].found && !lf.frames[kLeft].found) {
    lf.failure = "no_lung_fields";
    lf.labels = Mask2D(work.width, work.height);
    return lf;
  }
  lf.seed_frames = lf.frames;
  lf.aerated = Mask2D(work.width, work.height);
  for (std::size_t i = 0; i < lf.aerated.pixels.size(); ++i) {
    lf.aerated.pixels[i] = seeds[kRight].pixels[i] != 0 ? 1 : (seeds[kLeft].pixels[i] != 0 ? 2 : 0);
  }
  const References refs = MeasureReferences(work, lf.aerated, lf.midline_x);
  CompleteFrames(lf, areas, work.height);
  lf.labels = Mask2D(work.width, work.height);
  for (int s : {kRight, kLeft}) {
    const Mask2D field = Compose(seeds[s], lf.frames[s], s, lf.midline_x, work, refs);
    for (std::size_t i = 0; i < field.pixels.size(); ++i) {
      const bool on_side = (static_cast<int>(i % work.width) < lf.midline_x) == (s == kRight);
      const auto label = static_cast<std::uint8_t>(s + 1);
      if (field.pixels[i] != 0 && lf.body.pixels[i] != 0 && on_side) lf.labels.pixels[i] = label;
    }
  }
  for (Mask2D* m : {&lf.labels, &lf.aerated}) {
    m->spacing_x = work.spacing_x;
    m->spacing_y = work.spacing_y;
  }
  return lf;
}

}  // namespace alveo::classifier::cxr
