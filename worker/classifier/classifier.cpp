// SPDX-License-Identifier: Apache-2.0
#include "classifier/classifier.h"

#include <algorithm>
#include <chrono>

#include "classifier/ct/ct_analysis.h"
#include "classifier/decision/rule.h"

namespace alveo::classifier {
namespace {

// Costophrenic blunting (0-1, cxr features) read as pleural effusion: both sides from this value,
// or one side from the higher one.
constexpr double kBluntingBoth = 0.40;
constexpr double kBluntingOne = 0.55;

ClassificationResult Base(const StudyContext& context) {
  ClassificationResult result;
  result.study_instance_uid = context.study_instance_uid;
  result.modality = context.modality;
  result.series_used = context.series_used;
  result.instances_used = context.instances_used;
  result.rule_version = kRuleVersion;
  return result;
}

PatternEvidence EvidenceOf(const ct::CtFeatures& f, bool key_images) {
  PatternEvidence e;
  e.source = key_images ? EvidenceSource::kCtKeyImages : EvidenceSource::kCtVolume;
  e.right_opacity = f.right.opacity_percent;
  e.left_opacity = f.left.opacity_percent;
  e.total_opacity = f.total.opacity_percent;
  if (f.zones_valid) {
    std::array<double, 6> zones{};
    for (int z = 0; z < 6; ++z) zones[z] = f.zones[z].opacity_percent;
    e.zone_opacity = zones;
  }
  e.central_opacity = f.central_opacity;
  e.peripheral_opacity = f.peripheral_opacity;
  e.dependent_gradient = f.dependent_opacity - f.nondependent_opacity;
  if (f.total.opacity_percent > 0) e.consolidation_share = f.consolidation_share;
  e.crazy_paving_index = f.crazy_paving_index;
  // On a few separate slices a vessel cut across looks exactly like a micronodule: not evidence.
  if (!key_images) {
    e.micronodule_index = f.micronodule_index;
    e.effusion_right_ml = f.effusion_right_ml;
    e.effusion_left_ml = f.effusion_left_ml;
  }
  e.cardiothoracic_ratio = f.cardiothoracic_ratio;
  return e;
}

void AddFeatures(ClassificationResult& r, const ct::CtAnalysis& a, bool key_images) {
  const ct::CtFeatures& f = a.features;
  r.features = {
      {"central_opacity_percent", f.central_opacity},
      {"peripheral_opacity_percent", f.peripheral_opacity},
      {"dependent_opacity_percent", f.dependent_opacity},
      {"nondependent_opacity_percent", f.nondependent_opacity},
      {"dependent_gradient_points", f.dependent_opacity - f.nondependent_opacity},
      {"consolidation_share", f.consolidation_share},
      {"crazy_paving_index", f.crazy_paving_index},
      {"micronodules_per_100ml", f.micronodule_index},
      {"effusion_right_ml", f.effusion_right_ml},
      {"effusion_left_ml", f.effusion_left_ml},
      {"emphysema_percent", f.emphysema_percent},
      {"mean_lung_hu", f.mean_lung_hu},
      {"vessel_suppressed_percent", f.vessel_suppressed_percent},
      {"dense_lung_recovered_fraction", a.segmentation.recovered_fraction},
      {"airway_removed_ml", a.segmentation.airway_ml},
  };
  if (f.cardiothoracic_ratio) r.features.emplace_back("cardiothoracic_ratio", *f.cardiothoracic_ratio);
  if (key_images) {  // not measurable on separate slices (see EvidenceOf)
    std::erase_if(r.features, [](const auto& feature) { return feature.first == "micronodules_per_100ml"; });
  }
}

double FeatureOr(const cxr::CxrAnalysis& a, std::string_view name, double fallback) {
  const double* value = a.Feature(name);
  return value != nullptr ? *value : fallback;
}

// Radiograph fractions (0-1) become percentages; the rule's radiograph thresholds apply.
PatternEvidence EvidenceOf(const cxr::CxrAnalysis& a) {
  PatternEvidence e;
  e.source = EvidenceSource::kRadiograph;
  e.right_opacity = 100 * a.right_opacity;
  e.left_opacity = 100 * a.left_opacity;
  e.total_opacity = 100 * a.total_opacity;
  std::array<double, 6> zones{};
  for (int z = 0; z < 6; ++z) zones[z] = 100 * a.zone_opacity[z];
  e.zone_opacity = zones;
  if (const double* ratio = a.Feature("central_to_peripheral_ratio")) {
    e.central_opacity = 10 * *ratio;  // only the ratio is meaningful on a projection
    e.peripheral_opacity = 10;
  }
  const double blunt_right = FeatureOr(a, "costophrenic_blunting_right", 0);
  const double blunt_left = FeatureOr(a, "costophrenic_blunting_left", 0);
  e.effusion_signs = (blunt_right >= kBluntingBoth && blunt_left >= kBluntingBoth) ||
                     std::max(blunt_right, blunt_left) >= kBluntingOne;
  if (const double* ctr = a.Feature("cardiothoracic_ratio")) e.cardiothoracic_ratio = *ctr;
  return e;
}

}  // namespace

ClassificationResult ClassifyRadiograph(const cxr::RadiographInput& input, const StudyContext& context) {
  const auto start = std::chrono::steady_clock::now();
  const cxr::CxrAnalysis analysis = cxr::AnalyzeRadiograph(input);
  ClassificationResult result = Base(context);
  result.analysis = "radiograph";
  const double analysis_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  result.timings_ms.emplace_back("radiograph_analysis", analysis_ms);
  if (!analysis.lungs_found) {
    result.status = ResultStatus::kNotAnalysable;
    result.reason = NotAnalysableReason::kSegmentationFailed;
    result.reason_detail = "lung fields not found on the radiograph (" + analysis.failure + ")";
    return result;
  }
  const auto lung = [](double fraction) {
    LungMeasures m;
    m.opacity_percent = 100 * fraction;
    return m;
  };
  result.right = lung(analysis.right_opacity);
  result.left = lung(analysis.left_opacity);
  result.total = lung(analysis.total_opacity);
  static constexpr const char* kZoneNames[6] = {"right_upper", "right_middle", "right_lower",
                                                "left_upper",  "left_middle",  "left_lower"};
  for (int z = 0; z < 6; ++z) result.zones.push_back({kZoneNames[z], 100 * analysis.zone_opacity[z], 0, 0});
  result.features = analysis.features;
  result.features.emplace_back("opacity_score", analysis.opacity_score);
  const Decision decision = Decide(EvidenceOf(analysis));
  result.status = decision.status;
  result.certainty = decision.certainty;
  result.diffuse_bilateral = decision.diffuse_bilateral;
  result.findings = decision.findings;
  result.differential = decision.differential;
  for (const auto& reason : decision.pattern_reasons) {
    result.reason_detail += (result.reason_detail.empty() ? "" : "; ") + reason;
  }
  result.reason_detail += "; radiographs are less certain than CT: correlate with CT";
  return result;
}

ClassificationResult NotAnalysable(const StudyContext& context, NotAnalysableReason reason, const std::string& detail) {
  ClassificationResult result = Base(context);
  result.status = ResultStatus::kNotAnalysable;
  result.reason = reason;
  result.reason_detail = detail;
  return result;
}

ClassificationResult ClassifyCt(const Volume& hu, const CtScanInfo& info, const StudyContext& context,
                                ct::CtAnalysis* analysis_out) {
  const auto start = std::chrono::steady_clock::now();
  ct::CtAnalysis local;
  ct::CtAnalysis& analysis = analysis_out != nullptr ? *analysis_out : local;
  analysis = ct::AnalyzeCt(hu, ct::IsSupine(info.patient_position), info.key_images, info.threads);
  ClassificationResult result = Base(context);
  result.analysis = info.key_images ? "ct_2d" : "ct_3d";
  result.timings_ms = analysis.timings_ms;
  if (!analysis.ok) {
    result.status = ResultStatus::kNotAnalysable;
    result.reason = analysis.failure;
    result.reason_detail = analysis.detail;
    return result;
  }
  const ct::CtFeatures& f = analysis.features;
  result.right = f.right;
  result.left = f.left;
  result.total = f.total;
  if (f.zones_valid) result.zones.assign(f.zones.begin(), f.zones.end());
  AddFeatures(result, analysis, info.key_images);
  const Decision decision = Decide(EvidenceOf(f, info.key_images));
  result.status = decision.status;
  result.certainty = decision.certainty;
  result.diffuse_bilateral = decision.diffuse_bilateral;
  result.findings = decision.findings;
  result.differential = decision.differential;
  for (const auto& feature : decision.evidence_features) result.features.push_back(feature);
  result.reason_detail = decision.pattern_reasons.empty() ? "" : decision.pattern_reasons.front();
  for (std::size_t i = 1; i < decision.pattern_reasons.size(); ++i) result.reason_detail += "; " + decision.pattern_reasons[i];
  result.timings_ms.emplace_back(
      "classify_total", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  return result;
}

}  // namespace alveo::classifier
