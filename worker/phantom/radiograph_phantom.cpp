// SPDX-License-Identifier: Apache-2.0
#include "phantom/radiograph_phantom.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <string>
#include <vector>

#include "phantom/chest_model.h"
#include "phantom/lung_pattern.h"
#include "phantom/parallel.h"
#include "phantom/plane_renderer.h"
#include "phantom/radiograph_truth.h"
#include "phantom/random.h"
#include "phantom/vessel_tree.h"

namespace alveo::phantom {
namespace {

constexpr double kFilmCentreHeight = 105.0;  // h at the film centre: apices to upper abdomen
constexpr double kLateralCentreY = 20.0;     // y at the centre of a lateral film
constexpr double kRayStepMm = 2.0;           // sampling along each ray
constexpr double kCoarseMinMm = 1.0;         // finest coarse projection grid
constexpr double kFrontalRayFirst = -125.0, kFrontalRayLast = 165.0;  // y span of the trunk
constexpr double kLateralRayFirst = -175.0, kLateralRayLast = 175.0;  // x span of the trunk
// Film response: white fraction = (1 - exp(-path / kAttenuationMm))^kContrastGamma, which puts
// aerated lung near 1/3 and the mediastinum near 4/5 of the range.
constexpr double kAttenuationMm = 120.0;
constexpr double kContrastGamma = 2.6;
constexpr double kBackgroundShare = 0.02;
constexpr double kNoiseShare = 0.004;
constexpr float kVesselGain = 0.9f;  // water-equivalent gain when blood replaces aerated lung

enum Channel : int {
  kWater,
  kLungPath,
  kRightLungPath,
  kOpacifiedPath,
  kHeartPath,
  kAbdomenPath,
  kEffusionPath,
  kChannelCount
};
using Sample = std::array<float, kChannelCount>;

Status Invalid(const std::string& field, const std::string& why) {
  return Status::Error(ErrorCode::kInvalidArgument, field + ": " + why);
}

// Film pixel centres in patient millimetres: u is x (frontal, patient's right on the image left)
// or y (lateral, anterior on the image left); h runs down the film.
struct Film {
  int columns = 0, rows = 0;
  double spacing = 0.0, u_first = 0.0, h_top = 0.0;
  bool frontal = true;
  double U(double c) const { return u_first + c * spacing; }
  double H(double r) const { return h_top - r * spacing; }
};

// Per-channel path integrals on a coarse (u, h) grid, channel-interleaved.
class Projection {
 public:
  explicit Projection(const Film& film) {
    du_ = dh_ = std::max(film.spacing, kCoarseMinMm);
    nu_ = static_cast<int>(std::ceil(film.columns * film.spacing / du_)) + 3;
    nh_ = static_cast<int>(std::ceil(film.rows * film.spacing / dh_)) + 3;
    u0_ = film.U(0) - du_;
    h0_ = film.H(0) + dh_;
    data_.assign(static_cast<std::size_t>(nu_) * nh_ * kChannelCount, 0.0f);
  }
  int nu() const { return nu_; }
  int nh() const { return nh_; }
  double U(int i) const { return u0_ + i * du_; }
  double H(int k) const { return h0_ - k * dh_; }
  double du() const { return du_; }
  float* At(int k, int i) {
    return &data_[(static_cast<std::size_t>(k) * nu_ + i) * kChannelCount];
  }
  Sample Bilinear(double u, double h) const {
    const double fu = std::clamp((u - u0_) / du_, 0.0, nu_ - 1.001);
    const double fh = std::clamp((h0_ - h) / dh_, 0.0, nh_ - 1.001);
    const int i = static_cast<int>(fu), k = static_cast<int>(fh);
    const auto tu = static_cast<float>(fu - i), th = static_cast<float>(fh - k);
    const float* p00 = &data_[(static_cast<std::size_t>(k) * nu_ + i) * kChannelCount];
    const float* p10 = p00 + kChannelCount;
    const float* p01 = p00 + static_cast<std::size_t>(nu_) * kChannelCount;
    const float* p11 = p01 + kChannelCount;
    Sample s;
    for (int c = 0; c < kChannelCount; ++c) {
      const float top = p00[c] + (p10[c] - p00[c]) * tu;
      const float bottom = p01[c] + (p11[c] - p01[c]) * tu;
      s[static_cast<std::size_t>(c)] = top + (bottom - top) * th;
    }
    return s;
  }

 private:
  int nu_ = 0, nh_ = 0;
  double u0_ = 0.0, du_ = 1.0, h0_ = 0.0, dh_ = 1.0;
  std::vector<float> data_;
};

void Accumulate(std::uint8_t label, std::uint8_t opacity, float hu, float step, float* out) {
  out[kWater] += std::max(0.0f, (hu + 1000.0f) / 1000.0f) * step;
  if (IsLung(label)) {
    out[kLungPath] += step;
    if (IsRightLung(label)) out[kRightLungPath] += step;
    if (opacity != 0) out[kOpacifiedPath] += step;
    return;
  }
  switch (static_cast<Label>(label)) {
    case Label::kHeart:
      out[kHeartPath] += step;
      break;
    case Label::kLiver:
    case Label::kSpleen:
    case Label::kKidney:
    case Label::kBowel:
    case Label::kBowelGas:
      out[kAbdomenPath] += step;
      break;
    case Label::kEffusion:
      out[kEffusionPath] += step;
      break;
    default:
      break;
  }
}

// Renders one coarse axial plane and integrates it along the rays.
void ProjectPlane(const PlaneRenderer& renderer, const Film& film, Projection& proj, int k) {
  const bool frontal = film.frontal;
  const double first = frontal ? kFrontalRayFirst : kLateralRayFirst;
  const double last = frontal ? kFrontalRayLast : kLateralRayLast;
  const int n_ray = static_cast<int>((last - first) / kRayStepMm) + 1;
  const PlaneGrid grid = frontal
                             ? PlaneGrid{proj.nu(), n_ray, proj.U(0), proj.du(), first, kRayStepMm}
                             : PlaneGrid{n_ray, proj.nu(), first, kRayStepMm, proj.U(0), proj.du()};
  thread_local PlaneImage plane;
  renderer.Render(grid, proj.H(k), plane);
  const auto step = static_cast<float>(kRayStepMm);
  for (int j = 0; j < grid.height; ++j) {
    for (int i = 0; i < grid.width; ++i) {
      const std::size_t p = static_cast<std::size_t>(j) * grid.width + i;
      Accumulate(plane.labels[p], plane.opacity[p], plane.hu[p], step, proj.At(k, frontal ? i : j));
    }
  }
}

// Blood path of each projected vessel, added to the water-equivalent film.
void DrawVessels(const VesselTree& vessels, const Film& film, std::vector<float>& water) {
  for (const Capsule& c : vessels.segments()) {
    const double ua = film.frontal ? c.a.x : c.a.y, ub = film.frontal ? c.b.x : c.b.y;
    const double ha = c.a.h, hb = c.b.h, r = c.radius;
    const int c0 =
        std::max(0, static_cast<int>((std::min(ua, ub) - r - film.u_first) / film.spacing));
    const int c1 =
        std::min(film.columns - 1,
                 static_cast<int>((std::max(ua, ub) + r - film.u_first) / film.spacing) + 1);
    const int r0 =
        std::max(0, static_cast<int>((film.h_top - std::max(ha, hb) - r) / film.spacing));
    const int r1 = std::min(
        film.rows - 1, static_cast<int>((film.h_top - std::min(ha, hb) + r) / film.spacing) + 1);
    const double su = ub - ua, sh = hb - ha, len2 = su * su + sh * sh;
    for (int row = r0; row <= r1; ++row) {
      const double h = film.H(row);
      float* out = water.data() + static_cast<std::size_t>(row) * film.columns;
      for (int col = c0; col <= c1; ++col) {
        const double u = film.U(col);
        double t = len2 > 0.0 ? ((u - ua) * su + (h - ha) * sh) / len2 : 0.0;
        t = std::clamp(t, 0.0, 1.0);
        const double d2 =
            (u - ua - t * su) * (u - ua - t * su) + (h - ha - t * sh) * (h - ha - t * sh);
        if (d2 < r * r) out[col] += kVesselGain * 2.0f * static_cast<float>(std::sqrt(r * r - d2));
      }
    }
  }
}

// Film response: exposure falls exponentially with the water-equivalent path; MONOCHROME2 sense.
void Expose(const std::vector<float>& water, const RadiographOptions& o, const Film& film,
            Image2DU16& image, int threads) {
  const double max_value = std::ldexp(1.0, o.bits_stored) - 1.0;
  const double background = kBackgroundShare * max_value;
  const auto sigma = static_cast<float>(kNoiseShare * max_value * o.noise);
  ParallelFor(film.rows, threads, [&](int row) {
    SplitMix64 rng(
        HashCombine(HashCombine(o.seed, HashTag("xr-noise")), static_cast<std::uint64_t>(row)));
    const float* in = water.data() + static_cast<std::size_t>(row) * film.columns;
    std::uint16_t* out = image.Row(row);
    for (int c = 0; c < film.columns; ++c) {
      const double white = std::pow(1.0 - std::exp(-in[c] / kAttenuationMm), kContrastGamma);
      const double signal = background + (max_value - background) * white;
      const double v = std::clamp(signal + sigma * rng.Normal(), 0.0, max_value);
      out[c] = static_cast<std::uint16_t>(v + 0.5);
    }
  });
}

Film MakeFilm(const RadiographOptions& o) {
  Film f;
  f.columns = o.columns;
  f.rows = o.rows;
  f.spacing = o.field_width_mm / o.columns;
  f.frontal = o.view != ViewPosition::kLateral;
  const double centre_u = f.frontal ? 0.0 : kLateralCentreY;
  f.u_first = centre_u - o.field_width_mm / 2.0 + f.spacing / 2.0;
  f.h_top = kFilmCentreHeight + o.rows * f.spacing / 2.0 - f.spacing / 2.0;
  return f;
}

}  // namespace

std::string_view ViewName(ViewPosition view) {
  switch (view) {
    case ViewPosition::kPa:
      return "PA";
    case ViewPosition::kAp:
      return "AP";
    case ViewPosition::kLateral:
      break;
  }
  return "LL";
}

std::optional<ViewPosition> ParseView(std::string_view text) {
  for (const ViewPosition v : {ViewPosition::kPa, ViewPosition::kAp, ViewPosition::kLateral}) {
    if (ViewName(v) == text) return v;
  }
  return std::nullopt;
}

Status ValidateRadiographOptions(const RadiographOptions& o) {
  if (o.columns < 64 || o.columns > 8192) return Invalid("cols", "must be 64..8192");
  if (o.rows < 64 || o.rows > 8192) return Invalid("rows", "must be 64..8192");
  if (!(o.field_width_mm >= 150.0 && o.field_width_mm <= 600.0)) {
    return Invalid("field-width", "must be 150..600");
  }
  if (o.bits_stored < 8 || o.bits_stored > 16) return Invalid("bits", "must be 8..16");
  if (!(o.noise >= 0.0 && o.noise <= 20.0)) return Invalid("noise", "must be 0..20");
  return Status::Ok();
}

Result<RadiographData> GenerateRadiograph(const RadiographOptions& o, int threads) {
  if (Status s = ValidateRadiographOptions(o); !s.ok()) return s;
  try {
    const Gravity gravity = o.view == ViewPosition::kAp ? Gravity::kPosterior : Gravity::kInferior;
    const ChestModel model(o.kind, gravity, o.seed, /*with_table=*/false);
    const LungPattern pattern(o.kind, o.seed);
    const VesselTree vessels(model, o.seed);
    const PlaneRenderer renderer(model, pattern, nullptr);
    const Film film = MakeFilm(o);
    Projection proj(film);
    ParallelFor(proj.nh(), threads, [&](int k) { ProjectPlane(renderer, film, proj, k); });

    RadiographData data;
    data.image = Image2DU16(film.columns, film.rows);
    data.lung_fields = Mask2D(film.columns, film.rows);
    data.opacity = Image2D(film.columns, film.rows);
    for (auto* spacing :
         {&data.image.spacing_x, &data.image.spacing_y, &data.lung_fields.spacing_x,
          &data.lung_fields.spacing_y, &data.opacity.spacing_x, &data.opacity.spacing_y}) {
      *spacing = film.spacing;
    }
    std::vector<float> water(data.image.PixelCount());
    std::vector<RowTally> tallies(static_cast<std::size_t>(film.rows));
    ParallelFor(film.rows, threads, [&](int row) {
      thread_local std::vector<RayPaths> paths;
      paths.resize(static_cast<std::size_t>(film.columns));
      for (int c = 0; c < film.columns; ++c) {
        const Sample s = proj.Bilinear(film.U(c), film.H(row));
        water[static_cast<std::size_t>(row) * film.columns + c] = s[kWater];
        paths[static_cast<std::size_t>(c)] =
            RayPaths{s[kLungPath],  s[kRightLungPath], s[kOpacifiedPath],
                     s[kHeartPath], s[kAbdomenPath],   s[kEffusionPath]};
      }
      if (film.frontal)
        tallies[static_cast<std::size_t>(row)] = ClassifyRow(paths.data(), row, data);
    });
    DrawVessels(vessels, film, water);
    Expose(water, o, film, data.image, threads);
    if (film.frontal) {
      data.truth = SummariseFrontal(data, tallies, film.spacing);
    } else {
      data.truth.frontal = false;
    }
    return data;
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kInternal,
                         std::string("radiograph phantom generation failed: ") + e.what());
  }
}

}  // namespace alveo::phantom
