// SPDX-License-Identifier: Apache-2.0
#include "phantom/lung_pattern.h"

#include <algorithm>
#include <cmath>

#include "phantom/chest_model.h"
#include "phantom/random.h"

namespace alveo::phantom {
namespace {

// Severity thresholds: below kGroundGlass aerated, below kConsolidation ground glass.
constexpr double kGroundGlass = 0.40;
constexpr double kConsolidation = 0.85;

// Noise-free HU ranges, kept >= 50 HU inside the CLASSIFIER.md bands so image noise rarely moves a
// voxel out of its truth band.
constexpr double kAeratedHu = -865.0;  // non-dependent aerated lung
constexpr double kDependentHu = 65.0;  // extra density of dependent normal lung
constexpr double kGgoLowHu = -650.0;
constexpr double kGgoHighHu = -320.0;
constexpr double kConsolidationLowHu = -120.0;
constexpr double kConsolidationHighHu = 30.0;

inline double Sq(double v) { return v * v; }

double Diffuse(const LungPoint& p, double u) {
  const double apical = 1.0 - 0.85 * SmoothStep(0.5, 0.85, u);
  return apical * (0.36 + 0.36 * p.dependency + 0.25 * p.depth_rel + 0.6 * (p.texture - 0.5));
}

double Peripheral(const LungPoint& p, double u) {
  const double band = 1.0 - SmoothStep(0.22, 0.40, p.depth_rel);
  const double lower = 1.0 - 0.8 * SmoothStep(0.30, 0.75, u);
  return band * lower * (0.62 + 0.7 * (p.texture - 0.5) + 0.12 * p.dependency);
}

// A lobar-ish blob in the posterior right lower lobe (above the dome, so a frontal film shows it)
// with a ground-glass halo.
double Focal(const LungPoint& p) {
  if (!p.right) return 0.0;
  const double q =
      std::sqrt(Sq((p.x + 80.0) / 36.0) + Sq((p.y - 35.0) / 32.0) + Sq((p.h - 98.0) / 36.0)) +
      0.25 * (p.texture - 0.5);
  return kGroundGlass + (1.05 - q) / 0.25 * (kConsolidation - kGroundGlass);
}

// Mild perihilar (bat-wing) ground glass plus compressive atelectasis next to the fluid.
double Perihilar(const LungPoint& p) {
  if (p.near_fluid) return 1.0;
  const double hx = p.right ? -55.0 : 55.0;
  const double r2 = (Sq(p.x - hx) + Sq(p.y - 20.0) + Sq(p.h - 120.0)) / Sq(55.0);
  return 0.6 * std::exp(-r2) + 0.5 * (p.texture - 0.5);
}

}  // namespace

LungPattern::LungPattern(PatternKind kind, std::uint64_t seed)
    : kind_(kind),
      coarse_(HashCombine(seed, HashTag("texture-coarse")), 16.0),
      fine_(HashCombine(seed, HashTag("texture-fine")), 7.0) {}

double LungPattern::CombineTexture(double coarse, double fine) {
  return std::clamp(0.5 + 1.7 * (0.65 * coarse + 0.35 * fine - 0.5), 0.0, 1.0);
}

double LungPattern::Severity(const LungPoint& p) const {
  const double u = p.h / kLungApexHeight;
  switch (kind_) {
    case PatternKind::kDiffuse:
      return Diffuse(p, u);
    case PatternKind::kPeripheral:
      return Peripheral(p, u);
    case PatternKind::kFocal:
      return Focal(p);
    case PatternKind::kEffusion:
      return Perihilar(p);
    case PatternKind::kNormal:
    case PatternKind::kAbdomen:
      break;
  }
  return 0.0;
}

Parenchyma LungPattern::At(const LungPoint& p) const {
  const double s = Severity(p);
  Parenchyma out;
  if (s < kGroundGlass) {
    out.hu = static_cast<float>(kAeratedHu + kDependentHu * p.dependency);
  } else if (s < kConsolidation) {
    const double t = (s - kGroundGlass) / (kConsolidation - kGroundGlass);
    out.opacity = Opacity::kGroundGlass;
    out.hu = static_cast<float>(kGgoLowHu + (kGgoHighHu - kGgoLowHu) * t);
  } else {
    const double t = std::min(1.0, (s - kConsolidation) / 0.25);
    out.opacity = Opacity::kConsolidation;
    out.hu =
        static_cast<float>(kConsolidationLowHu + (kConsolidationHighHu - kConsolidationLowHu) * t);
  }
  return out;
}

}  // namespace alveo::phantom
