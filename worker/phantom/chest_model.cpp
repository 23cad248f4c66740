// SPDX-License-Identifier: Apache-2.0
#include "phantom/chest_model.h"

#include <algorithm>
#include <cmath>

#include "phantom/random.h"

namespace alveo::phantom {
namespace {

// Noise-free attenuation of each tissue (HU).
constexpr float kAirHu = -1000.0f;
constexpr float kFatHu = -100.0f;
constexpr float kSoftHu = 45.0f;
constexpr float kCordHu = 35.0f;
constexpr float kCartilageHu = 120.0f;
constexpr float kDiscHu = 85.0f;
constexpr float kCortexHu = 700.0f;
constexpr float kMarrowHu = 330.0f;
constexpr float kMediastinumHu = 30.0f;
constexpr float kHeartHu = 40.0f;
constexpr float kAirwayHu = -995.0f;
constexpr float kLungHu = -860.0f;
constexpr float kEffusionHu = 10.0f;
constexpr float kLiverHu = 60.0f;
constexpr float kSpleenHu = 48.0f;
constexpr float kKidneyHu = 32.0f;
constexpr float kBowelHu = 22.0f;
constexpr float kGasHu = -995.0f;
constexpr float kTableHu = 220.0f;

// Heart: centre and half axes (x, y, h) of a normal adult heart.
constexpr double kHeartX = 22.0, kHeartY = -22.0, kHeartH = 95.0;
constexpr std::array<double, 3> kHeartRadii{62.0, 50.0, 50.0};
constexpr std::array<double, 3> kCardiomegaly{1.4, 1.2, 1.12};

constexpr double kApexTaperStart = 150.0;
constexpr double kNeckStart = 245.0, kNeckEnd = 300.0;
// Rib cage extent in the rib coordinate (h minus the rib slope), so it ends along a rib.
constexpr double kRibLow = -110.0, kRibHigh = 200.0;
constexpr double kTracheaX = -2.0, kTracheaY = 30.0, kTracheaRadius = 9.0;
constexpr double kAirwayWall = 1.8;
constexpr double kMaxDomeHeight = 92.0;
constexpr double kBowelTop = -35.0;

inline double Sq(double v) { return v * v; }

Tissue Make(Label label, float hu) { return Tissue{label, hu, false}; }

}  // namespace

ChestModel::ChestModel(PatternKind kind, Gravity gravity, std::uint64_t seed, bool with_table)
    : kind_(kind),
      gravity_(gravity),
      with_table_(with_table),
      heart_radii_(kHeartRadii),
      bowel_noise_(HashCombine(seed, HashTag("bowel")), 16.0) {
  if (kind == PatternKind::kEffusion) {
    for (int a = 0; a < 3; ++a) heart_radii_[a] *= kCardiomegaly[a];
  }
  capsules_[0] = Capsule{{-2.0, 30.0, kCarinaHeight}, {-46.0, 38.0, 138.0}, 7.0};  // right bronchus
  capsules_[1] = Capsule{{-2.0, 30.0, kCarinaHeight}, {50.0, 42.0, 128.0}, 6.0};   // left bronchus
  capsules_[2] = Capsule{{6.0, -25.0, 180.0}, {22.0, 56.0, 181.0}, 13.0};          // aortic arch
}

Level ChestModel::LevelAt(double h) const {
  Level l;
  l.h = h;
  // The thorax narrows towards the inlet; the abdomen keeps the lower-chest section.
  const double taper = SmoothStep(70.0, 250.0, h);
  l.cav_a = 140.0 - 42.0 * taper;
  l.cav_ant = 88.0 - 25.0 * taper;
  l.cav_post = 95.0 - 22.0 * taper;
  l.body_a = l.cav_a + 30.0;
  l.body_ant = l.cav_ant + 26.0;
  l.body_post = l.cav_post + 62.0;
  // Above the lung apices the trunk rounds off into the neck.
  const double neck = SmoothStep(kNeckStart, kNeckEnd, h);
  if (neck > 0.0) {
    auto blend = [neck](double from, double to) { return from + (to - from) * neck; };
    l.cav_a = blend(l.cav_a, 32.0);
    l.cav_ant = blend(l.cav_ant, 30.0);
    l.cav_post = blend(l.cav_post, 40.0);
    l.body_a = blend(l.body_a, 62.0);
    l.body_ant = blend(l.body_ant, 52.0);
    l.body_post = blend(l.body_post, 95.0);
  }
  l.fat_a = l.body_a - 12.0;
  l.fat_ant = l.body_ant - 12.0;
  l.fat_post = l.body_post - 12.0;
  // Wider at the aortic arch, narrow at the thoracic inlet.
  l.med_half = 24.0 + 5.0 * SmoothStep(140.0, 165.0, h) - 9.0 * SmoothStep(190.0, 225.0, h);
  l.lungs_possible = kind_ != PatternKind::kAbdomen && h >= 0.0 && h < kLungApexHeight;
  if (l.lungs_possible && h > kApexTaperStart) {
    const double t = (h - kApexTaperStart) / (kLungApexHeight - kApexTaperStart);
    const double f = std::sqrt(1.0 - t * t);
    l.apex_rx = 70.0 * f;
    l.apex_ry = 90.0 * f;
    l.apex_x = l.cav_a - 65.0;
  }
  const double dh = (h - kHeartH) / heart_radii_[2];
  if (std::abs(dh) < 1.0) {
    const double f = std::sqrt(1.0 - dh * dh);
    l.heart_rx = heart_radii_[0] * f;
    l.heart_ry = heart_radii_[1] * f;
  }
  l.spine_y = l.cav_post - 6.0;
  l.disc = std::fmod(h + 1000.0, 27.0) < 5.0;
  l.ribs = h > kRibLow - 40.0 && h < kRibHigh + 40.0;
  l.sternum = h > 35.0 && h < 205.0;
  l.trachea = h > kCarinaHeight;
  l.trachea_y = kTracheaY - 40.0 * neck;
  l.aorta_x = 22.0 - 12.0 * std::clamp(-h / 150.0, 0.0, 1.0);
  l.aorta_y = h < 0.0 ? 60.0 : 58.0;
  l.ascending_aorta = h > 110.0 && h < 180.0;
  l.svc = h > 115.0 && h < 200.0;
  if (kind_ == PatternKind::kEffusion && gravity_ != Gravity::kInferior) {
    l.effusion_depth = 50.0 * (1.0 - SmoothStep(15.0, 150.0, h));
  }
  for (const Capsule& c : capsules_) {
    if (h >= c.MinH() && h <= c.MaxH())
      l.capsules[static_cast<std::size_t>(l.capsule_count++)] = &c;
  }
  return l;
}

double ChestModel::DomeHeight(double x, double y) const {
  const double right = 92.0 - 0.0075 * (Sq(x + 70.0) + 0.85 * Sq(y + 15.0));
  const double left = 78.0 - 0.0075 * (Sq(x - 70.0) + 0.85 * Sq(y + 15.0));
  return std::max({right, left, 0.0});
}

Tissue ChestModel::At(const Level& level, double x, double y) const {
  const double q_body = Sq(x / level.body_a) + Sq(y / (y < 0.0 ? level.body_ant : level.body_post));
  if (q_body > 1.0) return Outside(level, x, y);
  Tissue t;
  if (Spine(level, x, y, t)) return t;
  const double q_cav = Sq(x / level.cav_a) + Sq(y / (y < 0.0 ? level.cav_ant : level.cav_post));
  if (q_cav > 1.0) return Wall(level, x, y, q_cav);
  return Interior(level, x, y, level.h < kMaxDomeHeight);
}

void ChestModel::RenderRow(const Level& level, double y, double x0, double dx, int count,
                           RowOut out) const {
  const double qy_body = Sq(y / (y < 0.0 ? level.body_ant : level.body_post));
  const double qy_cav = Sq(y / (y < 0.0 ? level.cav_ant : level.cav_post));
  const bool spine_row = y > level.spine_y - 17.0;
  // Highest dome point on this row: skip the dome test where the plane is above it.
  const bool dome_possible = level.h < 92.0 - 0.0075 * 0.85 * Sq(y + 15.0);
  const Tissue outside = Outside(level, 1e9, y);
  for (int i = 0; i < count; ++i) {
    const double x = x0 + i * dx;
    Tissue t = outside;
    if (Sq(x / level.body_a) + qy_body > 1.0) {
      if (with_table_) t = Outside(level, x, y);
    } else if (!(spine_row && Spine(level, x, y, t))) {
      const double q_cav = Sq(x / level.cav_a) + qy_cav;
      t = q_cav > 1.0 ? Wall(level, x, y, q_cav) : Interior(level, x, y, dome_possible);
    }
    out.labels[i] = static_cast<std::uint8_t>(t.label);
    out.hu[i] = t.hu;
    out.near_fluid[i] = t.near_fluid ? 1 : 0;
  }
}

Tissue ChestModel::Interior(const Level& level, double x, double y, bool dome_possible) const {
  if (dome_possible && level.h < DomeHeight(x, y)) return Abdomen(level, x, y);
  Tissue t;
  if (Mediastinum(level, x, y, t)) return t;
  return Pleural(level, x, y);
}

Tissue ChestModel::Outside(const Level& level, double x, double y) const {
  (void)level;
  if (with_table_ && std::abs(x) < 210.0) {
    const bool supine_plate = gravity_ == Gravity::kPosterior && y > 163.0 && y < 170.0;
    const bool prone_plate = gravity_ == Gravity::kAnterior && y < -121.0 && y > -128.0;
    if (supine_plate || prone_plate) return Make(Label::kTable, kTableHu);
  }
  return Make(Label::kBackground, kAirHu);
}

bool ChestModel::Spine(const Level& level, double x, double y, Tissue& out) const {
  const double ax = std::abs(x);
  if (ax > 17.0 || y < level.spine_y - 17.0) return false;
  const double body2 = x * x + Sq(y - level.spine_y);
  if (body2 < Sq(17.0)) {
    if (level.disc) {
      out = Make(Label::kSoftTissue, kDiscHu);
    } else {
      out = Make(Label::kBone, body2 > Sq(15.0) ? kCortexHu : kMarrowHu);
    }
    return true;
  }
  const double canal_y = level.spine_y + 27.0;
  const double canal2 = x * x + Sq(y - canal_y);
  if (canal2 < Sq(8.0)) {
    out = Make(Label::kSoftTissue, kCordHu);
    return true;
  }
  const bool arch = canal2 < Sq(13.0) && y > level.spine_y + 17.0;
  const bool spinous = ax < 4.0 && y > canal_y + 10.0 && y < canal_y + 33.0;
  const bool pedicle = ax > 6.0 && ax < 11.0 && y > level.spine_y + 12.0 && y < canal_y;
  if (arch || spinous || pedicle) {
    out = Make(Label::kBone, kCortexHu);
    return true;
  }
  return false;
}

Tissue ChestModel::Wall(const Level& level, double x, double y, double q_cav) const {
  const double r = std::sqrt(x * x + y * y);
  const double delta = r * (1.0 - 1.0 / std::sqrt(q_cav));  // mm outside the inner wall
  const double ax = std::abs(x);
  if (level.sternum && y < 0.0 && ax < 17.0 && delta > 1.0 && delta < 13.0) {
    const bool cortex = ax > 14.0 || delta < 3.0 || delta > 11.0;
    return Make(Label::kBone, cortex ? kCortexHu : kMarrowHu);
  }
  if (level.ribs && delta > 1.5 && delta < 11.0) {
    // Ribs slope down from back to front: the same rib sits ~38 mm higher posteriorly.
    const double along = level.h - 38.0 * (y / r);
    const double phase = std::fmod(along + 1000.0, 25.0);
    if (phase < 9.5 && along > kRibLow && along < kRibHigh) {
      if (y < 0.0 && ax < 40.0) return Make(Label::kSoftTissue, kCartilageHu);
      return Make(Label::kBone, kCortexHu);
    }
  }
  const double q_fat = Sq(x / level.fat_a) + Sq(y / (y < 0.0 ? level.fat_ant : level.fat_post));
  if (q_fat > 1.0) return Make(Label::kFat, kFatHu);
  return Make(Label::kSoftTissue, kSoftHu);
}

bool ChestModel::Mediastinum(const Level& level, double x, double y, Tissue& out) const {
  if (level.trachea) {
    const double d2 = Sq(x - kTracheaX) + Sq(y - level.trachea_y);
    if (d2 < Sq(kTracheaRadius + kAirwayWall)) {
      out = d2 < Sq(kTracheaRadius) ? Make(Label::kAirway, kAirwayHu)
                                    : Make(Label::kMediastinum, kMediastinumHu);
      return true;
    }
  }
  for (int n = 0; n < level.capsule_count; ++n) {
    const Capsule* c = level.capsules[static_cast<std::size_t>(n)];
    const double d2 = c->Dist2(x, y, level.h);
    const bool airway = c != &capsules_[2];
    const double outer = airway ? c->radius + kAirwayWall : c->radius;
    if (d2 < outer * outer) {
      out = airway && d2 < Sq(c->radius) ? Make(Label::kAirway, kAirwayHu)
                                         : Make(Label::kMediastinum, kMediastinumHu);
      return true;
    }
  }
  const bool descending =
      level.h < 181.0 && Sq(x - level.aorta_x) + Sq(y - level.aorta_y) < Sq(12.0);
  const bool ascending = level.ascending_aorta && Sq(x - 6.0) + Sq(y + 25.0) < Sq(15.0);
  const bool svc = level.svc && Sq(x + 24.0) + Sq(y + 12.0) < Sq(10.0);
  if (descending || ascending || svc) {
    out = Make(Label::kMediastinum, kMediastinumHu);
    return true;
  }
  if (level.heart_rx > 0.0 &&
      Sq((x - kHeartX) / level.heart_rx) + Sq((y - kHeartY) / level.heart_ry) < 1.0) {
    out = Make(Label::kHeart, kHeartHu);
    return true;
  }
  if (std::abs(x) < MediastinumHalfWidth(level, y)) {
    out = level.lungs_possible ? Make(Label::kMediastinum, kMediastinumHu)
                               : Make(Label::kSoftTissue, kSoftHu);
    return true;
  }
  return false;
}

// The lungs reach behind the heart towards the spine and meet in front (junction lines).
double ChestModel::MediastinumHalfWidth(const Level& level, double y) const {
  if (y > 40.0) return level.med_half * (1.0 - 0.45 * SmoothStep(40.0, 70.0, y));
  if (y < -50.0) return level.med_half * (1.0 - 0.6 * SmoothStep(-50.0, -80.0, y));
  return level.med_half;
}

bool ChestModel::IsFluid(const Level& level, double x, double y, double margin) const {
  if (kind_ != PatternKind::kEffusion) return false;
  if (gravity_ == Gravity::kInferior) {
    const double q = Sq(x / level.cav_a) + Sq(y / (y < 0.0 ? level.cav_ant : level.cav_post));
    return level.h < 36.0 + 42.0 * q * q + margin;
  }
  if (level.effusion_depth <= 0.0) return false;
  const double across = std::sqrt(std::max(0.0, 1.0 - Sq(x / level.cav_a)));
  if (gravity_ == Gravity::kPosterior) {
    return y > level.cav_post * across - level.effusion_depth - margin;
  }
  return y < -level.cav_ant * across + level.effusion_depth + margin;
}

Tissue ChestModel::Pleural(const Level& level, double x, double y) const {
  if (!level.lungs_possible) return Make(Label::kSoftTissue, kSoftHu);
  if (level.apex_rx > 0.0) {
    const double cx = x < 0.0 ? -level.apex_x : level.apex_x;
    if (Sq((x - cx) / level.apex_rx) + Sq((y - 22.0) / level.apex_ry) > 1.0) {
      return Make(Label::kSoftTissue, kSoftHu);
    }
  }
  if (IsFluid(level, x, y, 0.0)) return Make(Label::kEffusion, kEffusionHu);
  Tissue t = Make(x < 0.0 ? Label::kRightLung : Label::kLeftLung, kLungHu);
  t.near_fluid = IsFluid(level, x, y, 6.0);
  return t;
}

Tissue ChestModel::Abdomen(const Level& level, double x, double y) const {
  const double h = level.h;
  if (Sq(x - level.aorta_x) + Sq(y - level.aorta_y) < Sq(11.0)) {
    return Make(Label::kSoftTissue, kSoftHu);
  }
  if (h < 60.0 && Sq(x + 22.0) + Sq(y - 42.0) < Sq(12.0)) return Make(Label::kSoftTissue, kSoftHu);
  const double kidney_r = Sq((x + 72.0) / 26.0) + Sq((y - 62.0) / 22.0) + Sq((h + 100.0) / 55.0);
  const double kidney_l = Sq((x - 72.0) / 26.0) + Sq((y - 62.0) / 22.0) + Sq((h + 88.0) / 55.0);
  if (kidney_r < 1.0 || kidney_l < 1.0) return Make(Label::kKidney, kKidneyHu);
  if (Sq((x - 108.0) / 28.0) + Sq((y - 40.0) / 42.0) + Sq((h + 10.0) / 55.0) < 1.0) {
    return Make(Label::kSpleen, kSpleenHu);
  }
  const double sy = (y + 15.0) / 40.0, sh = (h + 5.0) / 55.0;
  if (Sq((x - 62.0) / 42.0) + sy * sy + sh * sh < 1.0) {
    const bool gas = gravity_ == Gravity::kPosterior  ? sy < -0.4
                     : gravity_ == Gravity::kAnterior ? sy > 0.4
                                                      : sh > 0.4;
    return gas ? Make(Label::kBowelGas, kGasHu) : Make(Label::kBowel, kBowelHu);
  }
  if (x < 25.0 - 0.35 * y && h > -150.0 + 0.45 * (x + 140.0)) return Make(Label::kLiver, kLiverHu);
  if (h < kBowelTop) {
    // Bowel loops fade in below kBowelTop instead of starting at a plane.
    const double fade = 1.0 - SmoothStep(kBowelTop, kBowelTop - 40.0, h);
    const double t = bowel_noise_.At(x, y, h);
    if (t > 0.7 + 0.3 * fade) return Make(Label::kBowelGas, kGasHu);
    if (t > 0.45 + 0.55 * fade) return Make(Label::kBowel, kBowelHu);
  }
  return Make(Label::kFat, kFatHu);
}

double ChestModel::Dependency(const Level& level, double x, double y) const {
  (void)x;
  switch (gravity_) {
    case Gravity::kPosterior:
      return std::clamp((y + level.cav_ant) / (level.cav_ant + level.cav_post), 0.0, 1.0);
    case Gravity::kAnterior:
      return 1.0 - std::clamp((y + level.cav_ant) / (level.cav_ant + level.cav_post), 0.0, 1.0);
    case Gravity::kInferior:
      break;
  }
  return std::clamp(1.0 - level.h / kLungApexHeight, 0.0, 1.0);
}

bool ChestModel::IsLung(double x, double y, double h) const {
  const Level level = LevelAt(h);
  return phantom::IsLung(static_cast<std::uint8_t>(At(level, x, y).label));
}

}  // namespace alveo::phantom
