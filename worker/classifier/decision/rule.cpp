// SPDX-License-Identifier: Apache-2.0
// Rule alveo-dph-rule-1.1. Sources for the facts behind each weight: ../shared/design/CLASSIFIER.md
// and classifier-research.md §1-3 (DPH: bilateral diffuse GGO/consolidation, central and dependent,
// apical and peripheral sparing, no large effusion, normal heart; edema: effusions, cardiomegaly;
// viral/COVID-19 and organising pneumonia: peripheral/subpleural; bacterial: unilateral/lobar;
// PCP: upper-zone predominant; HP: centrilobular micronodules; ARDS: dependent gradient).
#include "classifier/decision/rule.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace alveo::classifier {
namespace {

// ---- Thresholds: the one place they live --------------------------------------------------------
struct Thresholds {
  double lung_opacity_min;     // each lung at least this % opacified for "bilateral"
  double zone_opacity_min;     // a zone counts as involved from this %
  int zones_min;               // of 6 zones, for "diffuse"
  double total_opacity_min;    // whole-lung % for "diffuse"
  double any_opacity_min;      // below this there is no opacity worth a differential
  double central_ratio;        // central / peripheral >= this: central predominance
  double peripheral_ratio;     // peripheral / central >= this: peripheral predominance
  double apical_ratio;         // upper < ratio * mean(middle, lower): apical sparing
  double upper_ratio;          // upper > ratio * mean(middle, lower): upper-zone predominance
  double gradient_points;      // dependent - non-dependent >= this: dependent gradient
  double crazy_paving;         // index >= this
  double micronodules;         // per 100 cm3 >= this
  double effusion_ml;          // either side >= this: effusion
  double cardiomegaly_ctr;     // cardiothoracic ratio >= this
  double unilateral_other_max; // other lung below this % while one is involved: unilateral
  double consolidation_share;  // >= this of the opacity is consolidation
  double certainty_cap;        // certainty never above this for the source
  double flag_min_certainty;   // a diffuse pattern is flagged unless hemorrhage scores below this
};

constexpr Thresholds kCtVolume{10, 10, 4, 15, 5, 1.0, 1.5, 0.5, 1.5, 8, 0.15, 3.0, 100, 0.55, 5, 0.5, 90, 20};
// Key images: the six-zone criterion cannot be applied to a few slices, and a single slice through
// the hila or the domes measures more (large hilar vessels, diaphragm partial volume): single slices
// of a normal chest CT measure up to 17 % whole-lung opacity. Each lung from 20 %, whole from 25 %.
constexpr Thresholds kCtKeyImages{20, 10, 4, 25, 5, 1.0, 1.5, 0.5, 1.5, 8, 0.15, 3.0, 100, 0.55, 5, 0.5, 70, 20};
// Radiograph fractions are of lung-field area judged opacified. Normal films measure 4-23 % per
// lung (ribs, hila and soft tissue overlap the fields): each lung from 15 %, three zones from 20 %.
constexpr Thresholds kRadiograph{15, 20, 3, 15, 10, 1.0, 1.5, 0.5, 1.5, 8, 1e9, 1e9, 1e9, 0.55, 8, 0.5, 60, 20};

const Thresholds& ThresholdsFor(EvidenceSource source) {
  switch (source) {
    case EvidenceSource::kCtKeyImages: return kCtKeyImages;
    case EvidenceSource::kRadiograph: return kRadiograph;
    case EvidenceSource::kCtVolume: break;
  }
  return kCtVolume;
}

// ---- Evidence: named findings derived from the measurements ------------------------------------
enum Finding {
  kDiffuse, kCentral, kPeripheral, kApicalSparing, kUpperPredominant, kLowerPredominant, kDependent,
  kCrazyPaving, kMicronodules, kEffusion, kBilateralEffusion, kNoEffusion, kCardiomegaly, kNormalHeart,
  kUnilateral, kFocal, kConsolidationDominant, kGgoDominant, kFindingCount
};

// Stable names of the findings, reported with every result (JSON "findings") and read by the SR.
constexpr std::array<const char*, kFindingCount> kFindingNames{
    "diffuse", "central", "peripheral", "apical_sparing", "upper_predominant", "lower_predominant",
    "dependent_gradient", "crazy_paving", "micronodules", "effusion", "bilateral_effusion", "no_effusion",
    "cardiomegaly", "normal_heart", "unilateral", "focal", "consolidation_dominant", "ggo_dominant"};

struct Observed {
  std::array<bool, kFindingCount> present{};
  std::array<std::string, kFindingCount> why{};  // measured values, for the reasons
};

std::string Pct(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", value);
  return text;
}

std::string Num(double value, const char* unit = "") {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%s", value, unit);
  return text;
}

void Set(Observed& o, Finding f, bool present, std::string why) {
  o.present[f] = present;
  o.why[f] = std::move(why);
}

void ObserveExtent(const PatternEvidence& e, const Thresholds& t, Observed& o, int& zones_involved) {
  zones_involved = 0;
  if (e.zone_opacity) {
    for (double z : *e.zone_opacity) zones_involved += z >= t.zone_opacity_min;
  }
  const bool bilateral = e.right_opacity >= t.lung_opacity_min && e.left_opacity >= t.lung_opacity_min;
  const bool zones_ok = !e.zone_opacity || zones_involved >= t.zones_min;
  Set(o, kDiffuse, bilateral && zones_ok && e.total_opacity >= t.total_opacity_min,
      "opacity right " + Pct(e.right_opacity) + ", left " + Pct(e.left_opacity) + ", whole " +
          Pct(e.total_opacity) + (e.zone_opacity ? ", " + std::to_string(zones_involved) + " of 6 zones involved" : ""));
  const double high = std::max(e.right_opacity, e.left_opacity);
  const double low = std::min(e.right_opacity, e.left_opacity);
  Set(o, kUnilateral, high >= t.lung_opacity_min && low < t.unilateral_other_max,
      "one lung " + Pct(high) + ", the other " + Pct(low));
  bool one_side = true;
  if (e.zone_opacity) {
    const auto& z = *e.zone_opacity;
    const bool right = z[0] >= t.zone_opacity_min || z[1] >= t.zone_opacity_min || z[2] >= t.zone_opacity_min;
    const bool left = z[3] >= t.zone_opacity_min || z[4] >= t.zone_opacity_min || z[5] >= t.zone_opacity_min;
    one_side = !(right && left);
  }
  Set(o, kFocal,
      e.zone_opacity && zones_involved >= 1 && zones_involved <= 2 && one_side && e.total_opacity < t.total_opacity_min,
      std::to_string(zones_involved) + " of 6 zones involved, one side");
}

void ObserveDistribution(const PatternEvidence& e, const Thresholds& t, Observed& o) {
  if (e.central_opacity && e.peripheral_opacity) {
    const double c = *e.central_opacity, p = *e.peripheral_opacity;
    const std::string why = "central " + Pct(c) + " vs peripheral " + Pct(p);
    Set(o, kCentral, c >= t.central_ratio * p && c > 0, why);
    Set(o, kPeripheral, p >= t.peripheral_ratio * std::max(c, 0.5), why);
  }
  if (e.zone_opacity) {
    const auto& z = *e.zone_opacity;
    const double upper = (z[0] + z[3]) / 2, middle = (z[1] + z[4]) / 2, lower = (z[2] + z[5]) / 2;
    const double rest = (middle + lower) / 2;
    const std::string why = "upper " + Pct(upper) + ", middle " + Pct(middle) + ", lower " + Pct(lower);
    Set(o, kApicalSparing, rest >= t.zone_opacity_min && upper < t.apical_ratio * rest, why);
    Set(o, kUpperPredominant, upper >= t.zone_opacity_min && upper > t.upper_ratio * rest, why);
    Set(o, kLowerPredominant, lower >= t.zone_opacity_min && lower > t.upper_ratio * std::max(upper, middle), why);
  }
  if (e.dependent_gradient) {
    Set(o, kDependent, *e.dependent_gradient >= t.gradient_points,
        "dependent minus non-dependent third " + Num(*e.dependent_gradient, " points"));
  }
  if (e.consolidation_share) {
    Set(o, kConsolidationDominant, *e.consolidation_share >= t.consolidation_share,
        "consolidation " + Pct(100 * *e.consolidation_share) + " of the opacity");
    Set(o, kGgoDominant, *e.consolidation_share < 1 - t.consolidation_share,
        "ground glass " + Pct(100 * (1 - *e.consolidation_share)) + " of the opacity");
  }
}

void ObserveTexture(const PatternEvidence& e, const Thresholds& t, Observed& o) {
  if (e.crazy_paving_index) {
    Set(o, kCrazyPaving, *e.crazy_paving_index >= t.crazy_paving, "crazy-paving index " + Num(*e.crazy_paving_index));
  }
  if (e.micronodule_index) {
    Set(o, kMicronodules, *e.micronodule_index >= t.micronodules,
        "micronodules " + Num(*e.micronodule_index, " per 100 cm3"));
  }
}

void ObserveAncillary(const PatternEvidence& e, const Thresholds& t, Observed& o) {
  if (e.effusion_right_ml && e.effusion_left_ml) {
    const double r = *e.effusion_right_ml, l = *e.effusion_left_ml;
    const std::string why = "effusion right " + Num(r, " ml") + ", left " + Num(l, " ml");
    Set(o, kEffusion, r >= t.effusion_ml || l >= t.effusion_ml, why);
    Set(o, kBilateralEffusion, r >= t.effusion_ml && l >= t.effusion_ml, why);
    Set(o, kNoEffusion, r < t.effusion_ml && l < t.effusion_ml, why);
  } else if (e.effusion_signs) {
    Set(o, kEffusion, *e.effusion_signs, "costophrenic angles blunted");
    Set(o, kNoEffusion, !*e.effusion_signs, "costophrenic angles sharp");
  }
  if (e.cardiothoracic_ratio) {
    const std::string why = "cardiothoracic ratio " + Num(*e.cardiothoracic_ratio);
    Set(o, kCardiomegaly, *e.cardiothoracic_ratio >= t.cardiomegaly_ctr, why);
    Set(o, kNormalHeart, *e.cardiothoracic_ratio < t.cardiomegaly_ctr, why);
  }
}

// ---- Differential: one row per entity, weights per finding -------------------------------------
struct Weight {
  Finding finding;
  double delta;
  const char* label;  // what the finding means for this entity
};

struct Entity {
  const char* code;
  const char* meaning;
  double base_if_diffuse;
  double base_otherwise;
  std::vector<Weight> weights;
};

const std::vector<Entity>& Entities() {
  static const std::vector<Entity> kEntities{
      {"78144005", "Pulmonary hemorrhage", 0.50, 0.10,
       {{kCentral, 0.10, "central predominance"},
        {kApicalSparing, 0.15, "relative apical sparing"},
        {kDependent, 0.10, "gravity-dependent gradient"},
        {kCrazyPaving, 0.05, "crazy paving"},
        {kMicronodules, 0.05, "fine micronodules (subacute bleeding)"},
        {kNoEffusion, 0.05, "no large pleural effusion"},
        {kNormalHeart, 0.05, "normal heart size"},
        {kPeripheral, -0.25, "against: peripheral/subpleural predominance"},
        {kEffusion, -0.10, "against: pleural effusion"},
        {kBilateralEffusion, -0.05, "against: bilateral effusions"},
        {kCardiomegaly, -0.15, "against: enlarged heart"},
        {kUnilateral, -0.30, "against: unilateral"},
        {kUpperPredominant, -0.10, "against: upper-zone predominance"}}},
      {"19242006", "Pulmonary edema", 0.35, 0.15,
       {{kEffusion, 0.25, "pleural effusion"},
        {kBilateralEffusion, 0.10, "bilateral effusions"},
        {kCardiomegaly, 0.25, "enlarged heart"},
        {kCentral, 0.05, "central (perihilar) predominance"},
        {kDependent, 0.05, "dependent distribution"},
        {kNoEffusion, -0.10, "against: no effusion"},
        {kNormalHeart, -0.10, "against: normal heart size"},
        {kPeripheral, -0.10, "against: peripheral predominance"},
        {kUnilateral, -0.20, "against: unilateral"}}},
      {"67782005", "Acute respiratory distress syndrome", 0.45, 0.05,
       {{kDependent, 0.15, "gravity-dependent gradient"},
        {kConsolidationDominant, 0.05, "dense consolidation"},
        {kCardiomegaly, -0.10, "against: enlarged heart"},
        {kPeripheral, -0.10, "against: peripheral predominance"},
        {kApicalSparing, -0.05, "against: apices spared"},
        {kUnilateral, -0.25, "against: unilateral"}}},
      {"75570004", "Viral pneumonia (including COVID-19)", 0.35, 0.10,
       {{kPeripheral, 0.35, "peripheral/subpleural predominance"},
        {kLowerPredominant, 0.05, "lower-zone predominance"},
        {kCrazyPaving, 0.05, "crazy paving"},
        {kCentral, -0.10, "against: central predominance"},
        {kEffusion, -0.10, "against: pleural effusion"},
        {kUnilateral, -0.15, "against: unilateral"}}},
      {"415125002", "Pneumocystis jirovecii pneumonia", 0.30, 0.05,
       {{kUpperPredominant, 0.20, "upper-zone predominance"},
        {kGgoDominant, 0.05, "ground glass dominant"},
        {kCentral, 0.05, "central predominance with peripheral sparing"},
        {kApicalSparing, -0.15, "against: apices spared"},
        {kEffusion, -0.10, "against: pleural effusion"},
        {kUnilateral, -0.20, "against: unilateral"}}},
      {"53084003", "Bacterial pneumonia", 0.15, 0.25,
       {{kUnilateral, 0.40, "unilateral"},
        {kFocal, 0.25, "focal/lobar extent"},
        {kConsolidationDominant, 0.15, "consolidation dominant"},
        {kDiffuse, -0.05, "against: bilateral diffuse symmetric extent"}}},
      {"735466008", "Pneumonitis due to aspiration of blood", 0.25, 0.15,
       {{kDependent, 0.10, "dependent distribution"},
        {kUnilateral, 0.10, "asymmetric extent"},
        {kFocal, 0.10, "multifocal/focal extent"},
        {kConsolidationDominant, 0.05, "consolidation dominant"}}},
      {"719218000", "Cryptogenic organizing pneumonia", 0.15, 0.05,
       {{kPeripheral, 0.20, "peripheral/subpleural predominance"},
        {kConsolidationDominant, 0.05, "consolidation"},
        {kLowerPredominant, 0.05, "lower-zone predominance"}}},
      {"37471005", "Extrinsic allergic alveolitis (hypersensitivity pneumonitis)", 0.20, 0.05,
       {{kMicronodules, 0.20, "centrilobular micronodules"},
        {kGgoDominant, 0.05, "ground glass dominant"},
        {kConsolidationDominant, -0.10, "against: consolidation dominant"},
        {kDependent, -0.05, "against: dependent gradient"}}},
  };
  return kEntities;
}

DifferentialEntry Score(const Entity& entity, const Observed& o) {
  DifferentialEntry entry;
  entry.code = entity.code;
  entry.scheme = "SCT";
  entry.meaning = entity.meaning;
  double score = o.present[kDiffuse] ? entity.base_if_diffuse : entity.base_otherwise;
  if (o.present[kDiffuse]) entry.reasons.push_back("bilateral diffuse opacity (" + o.why[kDiffuse] + ")");
  for (const Weight& w : entity.weights) {
    if (!o.present[w.finding] || w.delta == 0) continue;
    score += w.delta;
    entry.reasons.push_back(std::string(w.label) + " (" + o.why[w.finding] + ")");
  }
  entry.score = std::clamp(score, 0.0, 1.0);
  return entry;
}

bool WorthADifferential(const PatternEvidence& e, const Thresholds& t, const Observed& o) {
  return e.total_opacity >= t.any_opacity_min || std::max(e.right_opacity, e.left_opacity) >= t.any_opacity_min ||
         o.present[kEffusion] || o.present[kCardiomegaly];
}

}  // namespace

Decision Decide(const PatternEvidence& evidence) {
  const Thresholds& t = ThresholdsFor(evidence.source);
  Observed observed;
  int zones_involved = 0;
  ObserveExtent(evidence, t, observed, zones_involved);
  ObserveDistribution(evidence, t, observed);
  ObserveTexture(evidence, t, observed);
  ObserveAncillary(evidence, t, observed);

  Decision decision;
  decision.diffuse_bilateral = observed.present[kDiffuse];
  for (int f = 0; f < kFindingCount; ++f) {
    if (observed.present[f]) decision.findings.emplace_back(kFindingNames[f]);
  }
  decision.evidence_features.emplace_back("zones_involved", zones_involved);
  decision.pattern_reasons.push_back(std::string(observed.present[kDiffuse] ? "diffuse bilateral opacity: "
                                                                             : "no diffuse bilateral opacity: ") +
                                     observed.why[kDiffuse]);
  double hemorrhage_score = 0;
  if (WorthADifferential(evidence, t, observed)) {
    for (const Entity& entity : Entities()) decision.differential.push_back(Score(entity, observed));
    std::stable_sort(decision.differential.begin(), decision.differential.end(),
                     [](const DifferentialEntry& a, const DifferentialEntry& b) { return a.score > b.score; });
    for (std::size_t i = 0; i < decision.differential.size(); ++i) {
      decision.differential[i].rank = static_cast<int>(i) + 1;
      if (decision.differential[i].code == std::string("78144005")) hemorrhage_score = decision.differential[i].score;
    }
  }
  const double scale = observed.present[kDiffuse] ? 1.0 : 0.3;
  decision.certainty = std::round(std::min(t.certainty_cap, 100.0 * hemorrhage_score * scale));
  int hemorrhage_rank = 0;
  for (const auto& entry : decision.differential) {
    if (entry.code == "78144005") hemorrhage_rank = entry.rank;
  }
  // The flag is the pattern: bilateral diffuse air-space opacity is a possible hemorrhage pattern
  // (imaging cannot tell hemorrhage from its mimics) unless the findings against hemorrhage pile up
  // so far that its score falls below the floor. How strongly the features favour hemorrhage is the
  // certainty, and the differential says which cause fits best.
  const bool flagged = observed.present[kDiffuse] && decision.certainty >= t.flag_min_certainty;
  decision.status = flagged ? ResultStatus::kFlagged : ResultStatus::kNotFlagged;
  if (observed.present[kDiffuse] && !flagged) {
    decision.pattern_reasons.push_back("pulmonary hemorrhage ranks " + std::to_string(hemorrhage_rank) +
                                       " and scores below the flag floor: the findings point elsewhere");
  } else if (flagged && hemorrhage_rank > 1) {
    decision.pattern_reasons.push_back("pattern compatible with hemorrhage, but " + decision.differential.front().meaning +
                                       " fits the distribution better (hemorrhage ranks " +
                                       std::to_string(hemorrhage_rank) + ")");
  }
  return decision;
}

std::string RuleParameters() {
  const Thresholds& t = kCtVolume;
  char text[640];
  std::snprintf(text, sizeof text,
                "%s; bands HU: GGO (-700,-250], consolidation (-250,100]; diffuse = each lung >= %.0f%%, >= %d/6 "
                "zones >= %.0f%%, whole lung >= %.0f%% (key images: each lung >= %.0f%%, whole >= %.0f%%); flag a "
                "diffuse pattern unless hemorrhage certainty < %.0f%%; "
                "certainty cap CT %.0f%%, key images %.0f%%, radiograph %.0f%%",
                kRuleVersion, t.lung_opacity_min, t.zones_min, t.zone_opacity_min, t.total_opacity_min,
                kCtKeyImages.lung_opacity_min, kCtKeyImages.total_opacity_min, t.flag_min_certainty,
                kCtVolume.certainty_cap, kCtKeyImages.certainty_cap, kRadiograph.certainty_cap);
  return text;
}

}  // namespace alveo::classifier
