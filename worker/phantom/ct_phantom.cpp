// SPDX-License-Identifier: Apache-2.0
#include "phantom/ct_phantom.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include "phantom/parallel.h"
#include "phantom/plane_renderer.h"
#include "phantom/random.h"

namespace alveo::phantom {
namespace {

constexpr double kChestCentreHeight = 118.0;  // middle of the lungs
constexpr double kAbdomenTopHeight = -25.0;   // abdomen scans stop below the lowest lung point
constexpr double kSubPlaneMm = 1.5;           // thick slices average planes this far apart
constexpr int kMaxSubPlanes = 9;
constexpr double kBlurNoiseGain = 0.375;  // std of white noise after the [1 2 1]^2 / 16 blur
constexpr int kMinHu = -1024;
constexpr int kMaxHu = 3071;

Status Invalid(const std::string& field, const std::string& why) {
  return Status::Error(ErrorCode::kInvalidArgument, field + ": " + why);
}

int SubPlanes(double thickness_mm) {
  int n = static_cast<int>(std::ceil(thickness_mm / kSubPlaneMm));
  if (n % 2 == 0) ++n;
  return std::clamp(n, 1, kMaxSubPlanes);
}

// Separable [1 2 1] / 4 blur in x then y, edges clamped. Gives the noise a CT-like grain and the
// anatomy a little partial-volume softness.
void Blur(std::vector<float>& image, std::vector<float>& tmp, int width, int height) {
  tmp.resize(image.size());
  for (int j = 0; j < height; ++j) {
    const float* in = image.data() + static_cast<std::size_t>(j) * width;
    float* out = tmp.data() + static_cast<std::size_t>(j) * width;
    for (int i = 0; i < width; ++i) {
      const float l = in[i > 0 ? i - 1 : 0], r = in[i + 1 < width ? i + 1 : i];
      out[i] = 0.25f * (l + r) + 0.5f * in[i];
    }
  }
  for (int j = 0; j < height; ++j) {
    const float* up = tmp.data() + static_cast<std::size_t>(j > 0 ? j - 1 : 0) * width;
    const float* mid = tmp.data() + static_cast<std::size_t>(j) * width;
    const float* down = tmp.data() + static_cast<std::size_t>(j + 1 < height ? j + 1 : j) * width;
    float* out = image.data() + static_cast<std::size_t>(j) * width;
    for (int i = 0; i < width; ++i) out[i] = 0.25f * (up[i] + down[i]) + 0.5f * mid[i];
  }
}

}  // namespace

Status ValidateCtOptions(const CtOptions& o) {
  if (o.columns < 16 || o.columns > 2048) return Invalid("cols", "must be 16..2048");
  if (o.rows < 16 || o.rows > 2048) return Invalid("rows", "must be 16..2048");
  if (o.slices < 1 || o.slices > 4000) return Invalid("slices", "must be 1..4000");
  if (!(o.field_of_view_mm >= 100.0 && o.field_of_view_mm <= 1000.0)) {
    return Invalid("fov", "must be 100..1000");
  }
  if (!(o.slice_spacing_mm > 0.0 && o.slice_spacing_mm <= 50.0)) {
    return Invalid("slice-spacing", "must be > 0 and <= 50");
  }
  if (!(o.slice_thickness_mm >= 0.0 && o.slice_thickness_mm <= 50.0)) {
    return Invalid("thickness", "must be 0..50 (0 = spacing)");
  }
  if (!(o.noise_hu >= 0.0 && o.noise_hu <= 500.0)) return Invalid("noise", "must be 0..500");
  return Status::Ok();
}

CtPhantom::CtPhantom(const CtOptions& options)
    : options_(options),
      thickness_mm_(options.slice_thickness_mm > 0.0 ? options.slice_thickness_mm
                                                     : options.slice_spacing_mm),
      sub_planes_(SubPlanes(thickness_mm_)),
      top_height_(0.0),
      model_(options.kind, options.prone ? Gravity::kAnterior : Gravity::kPosterior, options.seed,
             /*with_table=*/true),
      pattern_(options.kind, options.seed),
      vessels_(model_, options.seed) {
  const double pixel = options.field_of_view_mm / options.columns;
  const double extent = (options.slices - 1) * options.slice_spacing_mm;
  const double centre =
      options.kind == PatternKind::kAbdomen ? kAbdomenTopHeight - extent / 2.0 : kChestCentreHeight;
  top_height_ = centre + extent / 2.0;
  const double flip = options.prone ? -1.0 : 1.0;
  geometry_.size_x = options.columns;
  geometry_.size_y = options.rows;
  geometry_.size_z = options.slices;
  geometry_.spacing = {pixel, pixel, options.slice_spacing_mm};
  geometry_.row_direction = {flip, 0.0, 0.0};
  geometry_.column_direction = {0.0, flip, 0.0};
  geometry_.slice_direction = {0.0, 0.0, -1.0};
  geometry_.origin = {-flip * (options.columns - 1) * pixel / 2.0,
                      -flip * (options.rows - 1) * pixel / 2.0, top_height_ + kLungBaseZ};
}

double CtPhantom::HeightOf(double k) const { return top_height_ - k * options_.slice_spacing_mm; }

void CtPhantom::RenderSlice(int k, CtSlice& out) const {
  const PlaneGrid grid{geometry_.size_x,    geometry_.size_y,
                       geometry_.origin[0], geometry_.spacing[0] * geometry_.row_direction[0],
                       geometry_.origin[1], geometry_.spacing[1] * geometry_.column_direction[1]};
  const std::size_t n = geometry_.SliceSize();
  thread_local PlaneImage plane;
  thread_local std::vector<float> sum, scratch;
  const PlaneRenderer renderer(model_, pattern_, &vessels_);
  const int centre = sub_planes_ / 2;
  for (int m = 0; m < sub_planes_; ++m) {
    const double offset = (m - centre) * thickness_mm_ / sub_planes_;
    renderer.Render(grid, HeightOf(k) + offset, plane);
    if (m == 0) {
      sum.assign(plane.hu.begin(), plane.hu.end());
    } else {
      for (std::size_t p = 0; p < n; ++p) sum[p] += plane.hu[p];
    }
    if (m != centre) continue;
    out.labels = plane.labels;
    out.opacity = plane.opacity;
    out.depth_mm = plane.depth_mm;
    out.max_depth_mm = plane.max_depth_mm;
  }
  const float sigma = static_cast<float>(options_.noise_hu / kBlurNoiseGain /
                                         std::sqrt(std::max(1.0, thickness_mm_)));
  SplitMix64 rng(
      HashCombine(HashCombine(options_.seed, HashTag("ct-noise")), static_cast<std::uint64_t>(k)));
  const float inv = 1.0f / static_cast<float>(sub_planes_);
  for (std::size_t p = 0; p < n; ++p) sum[p] = sum[p] * inv + sigma * rng.Normal();
  Blur(sum, scratch, geometry_.size_x, geometry_.size_y);
  out.hu.resize(n);
  for (std::size_t p = 0; p < n; ++p) {
    const float v = std::clamp(sum[p], static_cast<float>(kMinHu), static_cast<float>(kMaxHu));
    out.hu[p] = static_cast<std::int16_t>(std::floor(v + 0.5f));
  }
}

Result<CtPhantomData> GenerateCt(const CtOptions& options, int threads) {
  if (Status s = ValidateCtOptions(options); !s.ok()) return s;
  try {
    const CtPhantom phantom(options);
    CtPhantomData data;
    data.hu = Volume(phantom.geometry());
    data.labels = MaskVolume(phantom.geometry());
    data.opacity = MaskVolume(phantom.geometry());
    CtTruthBuilder truth(phantom.geometry());
    const std::size_t n = phantom.geometry().SliceSize();
    ParallelFor(options.slices, threads, [&](int k) {
      thread_local CtSlice slice;
      phantom.RenderSlice(k, slice);
      std::copy_n(slice.hu.data(), n, data.hu.Slice(k));
      std::copy_n(slice.labels.data(), n, data.labels.Slice(k));
      std::copy_n(slice.opacity.data(), n, data.opacity.Slice(k));
      truth.AddSlice(k, slice.labels.data(), slice.opacity.data(), slice.depth_mm.data(),
                     slice.max_depth_mm);
    });
    data.truth = truth.Finish(phantom.dependent_is_dorsal());
    return data;
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kInternal,
                         std::string("CT phantom generation failed: ") + e.what());
  }
}

}  // namespace alveo::phantom
