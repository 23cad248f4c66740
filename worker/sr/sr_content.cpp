// SPDX-License-Identifier: Apache-2.0
#include "sr/sr_content.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace alveo::sr {
namespace {

using classifier::ClassificationResult;
using classifier::LungMeasures;
using classifier::ResultStatus;

// Structural concepts fixed by the standard (PS3.16), not by the template.
const CodedConcept kDistribution{"112006", "DCM", "Distribution Descriptor"};
const CodedConcept kLocationInChest{"112013", "DCM", "Location in Chest"};

std::string Format(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

bool Has(const ClassificationResult& r, const char* finding) {
  return std::find(r.findings.begin(), r.findings.end(), finding) != r.findings.end();
}

Measurement Percent(const SrTemplate& t, double value) {
  return {t.codes.percent_involved, std::round(value * 10) / 10, UnitPercent()};
}

Measurement VolumeOf(double ml) {
  return {VolumeConcept(), std::round(ml * 10) / 10, UnitCubicCentimetre()};
}

struct Side {
  const char* name;  // "Right lung", "Left lung", "Both lungs"
  const CodedConcept* laterality;
  const std::optional<LungMeasures>* lung;
};

std::vector<Side> Sides(const ClassificationResult& r, const SrTemplate& t) {
  return {{"Right lung", &t.codes.right, &r.right},
          {"Left lung", &t.codes.left, &r.left},
          {"Both lungs", &t.codes.bilateral, &r.total}};
}

// CT: the lung volume, then ground glass and consolidation (volume and share) per side.
void AddCtGroups(const ClassificationResult& r, const SrTemplate& t,
                 std::vector<MeasurementGroup>& groups) {
  for (const Side& side : Sides(r, t)) {
    if (!side.lung->has_value()) continue;
    const LungMeasures& m = **side.lung;
    MeasurementGroup lung{side.name, std::nullopt, *side.laterality, {}, {}};
    if (m.volume_ml) lung.measurements.push_back(VolumeOf(*m.volume_ml));
    groups.push_back(std::move(lung));
    const double volume = m.volume_ml.value_or(0);
    const std::pair<const CodedConcept*, double> findings[2] = {
        {&t.codes.ground_glass, m.ggo_percent}, {&t.codes.consolidation, m.consolidation_percent}};
    for (const auto& [finding, percent] : findings) {
      MeasurementGroup group{
          std::string(side.name) + ", " + finding->meaning, *finding, *side.laterality, {}, {}};
      if (m.volume_ml) group.measurements.push_back(VolumeOf(volume * percent / 100));
      group.measurements.push_back(Percent(t, percent));
      groups.push_back(std::move(group));
    }
  }
}

// Radiographs: the opacified share of each lung field.
void AddRadiographGroups(const ClassificationResult& r, const SrTemplate& t,
                         std::vector<MeasurementGroup>& groups) {
  for (const Side& side : Sides(r, t)) {
    if (!side.lung->has_value()) continue;
    MeasurementGroup group{std::string(side.name) + ", " + t.codes.opacity.meaning,
                           t.codes.opacity,
                           *side.laterality,
                           {},
                           {}};
    group.measurements.push_back(Percent(t, (*side.lung)->opacity_percent));
    groups.push_back(std::move(group));
  }
}

// The whole-lung pattern: extent, distribution, central/peripheral location, crazy paving.
MeasurementGroup PatternGroup(const ClassificationResult& r, const SrTemplate& t) {
  MeasurementGroup group{
      "Lung opacity pattern", t.codes.abnormal_opacity, t.codes.bilateral, {}, {}};
  group.measurements.push_back(Percent(t, r.total ? r.total->opacity_percent : 0));
  const bool any_opacity = !r.differential.empty();  // the rule found opacity worth a differential
  if (r.diffuse_bilateral) {
    group.evaluations.emplace_back(kDistribution, t.codes.diffuse);
  } else if (any_opacity) {
    group.evaluations.emplace_back(kDistribution,
                                   Has(r, "focal") ? t.codes.focal : t.codes.multifocal);
  }
  if (any_opacity && Has(r, "central"))
    group.evaluations.emplace_back(kLocationInChest, t.codes.central);
  if (any_opacity && Has(r, "peripheral"))
    group.evaluations.emplace_back(kLocationInChest, t.codes.peripheral);
  if (r.analysis == "ct_3d" || r.analysis == "ct_2d") {
    group.evaluations.emplace_back(t.codes.crazy_paving,
                                   Has(r, "crazy_paving") ? t.codes.present : t.codes.absent);
  }
  return group;
}

std::string JoinReasons(const classifier::DifferentialEntry& entry) {
  std::string text = "rank " + std::to_string(entry.rank);
  for (std::size_t i = 0; i < entry.reasons.size(); ++i)
    text += (i == 0 ? ": " : "; ") + entry.reasons[i];
  return text;
}

const CodedConcept& HemorrhageValue(const ClassificationResult& r, const SrTemplate& t) {
  switch (r.status) {
    case ResultStatus::kFlagged:
      return r.certainty >= t.suspected_min_certainty ? t.codes.suspected : t.codes.undetermined;
    case ResultStatus::kNotFlagged:
      return t.codes.absent;
    case ResultStatus::kNotAnalysable:
      break;
  }
  return t.codes.undetermined;
}

std::vector<std::string> Comments(const ClassificationResult& r, const SrTemplate& t) {
  const std::string first = r.differential.empty() ? "none" : r.differential.front().meaning;
  const std::vector<std::pair<std::string, std::string>> values{
      {"opacity", Format(r.total ? r.total->opacity_percent : 0, 1)},
      {"certainty", Format(r.certainty, 0)},
      {"first", first},
      {"reason", std::string(classifier::ReasonName(r.reason)) + " (" + r.reason_detail + ")"}};
  std::vector<std::string> comments;
  switch (r.status) {
    case ResultStatus::kFlagged:
      comments.push_back(FillPlaceholders(t.wording.flagged, values));
      break;
    case ResultStatus::kNotFlagged:
      comments.push_back(FillPlaceholders(t.wording.not_flagged, values));
      break;
    case ResultStatus::kNotAnalysable:
      comments.push_back(FillPlaceholders(t.wording.not_analysable, values));
      break;
  }
  if (r.status != ResultStatus::kNotAnalysable) {
    if (r.analysis == "radiograph") comments.push_back(t.wording.radiograph_note);
    if (r.analysis == "ct_2d") comments.push_back(t.wording.key_images_note);
  }
  comments.push_back(t.wording.disclaimer);
  return comments;
}

}  // namespace

CodedConcept UnitPercent() { return {"%", "UCUM", "percent"}; }
CodedConcept UnitCubicCentimetre() { return {"cm3", "UCUM", "cubic centimeter"}; }
CodedConcept VolumeConcept() { return {"118565006", "SCT", "Volume"}; }

std::string FillPlaceholders(std::string text,
                             const std::vector<std::pair<std::string, std::string>>& values) {
  // One pass from left to right: inserted values are never scanned again.
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find('{', at);
    const std::size_t close = open == std::string::npos ? open : text.find('}', open + 1);
    if (close == std::string::npos) break;
    if (const std::size_t inner = text.find('{', open + 1);
        inner < close) {  // "{x {name}": restart at the inner one
      out.append(text, at, inner - at);
      at = inner;
      continue;
    }
    out.append(text, at, open - at);
    const std::string_view name(text.data() + open + 1, close - open - 1);
    const auto value =
        std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
    if (value == values.end()) {
      out.append(text, open, close + 1 - open);
    } else {
      out += value->second;
    }
    at = close + 1;
  }
  out.append(text, std::min(at, text.size()), std::string::npos);
  return out;
}

SrContent BuildSrContent(const ClassificationResult& result, const SrTemplate& tmpl,
                         const AlgorithmInfo& algorithm) {
  SrContent content;
  content.radiograph =
      result.analysis == "radiograph" || (result.analysis.empty() && result.modality != "CT");
  content.procedure = content.radiograph ? tmpl.codes.procedure_xr : tmpl.codes.procedure_ct;
  content.algorithm = algorithm;
  content.hemorrhage = tmpl.codes.pulmonary_hemorrhage;
  content.hemorrhage_value = HemorrhageValue(result, tmpl);
  content.comments = Comments(result, tmpl);
  if (result.status == ResultStatus::kNotAnalysable) return content;
  // The certainty is that of the hemorrhage-compatible pattern being present: it qualifies
  // "suspected" or "undetermined", never "absent" (3 % under "absent" would read as 3 % sure it is
  // absent).
  if (result.status == ResultStatus::kFlagged) content.certainty_percent = result.certainty;
  if (content.radiograph) {
    AddRadiographGroups(result, tmpl, content.groups);
  } else {
    AddCtGroups(result, tmpl, content.groups);
  }
  content.groups.push_back(PatternGroup(result, tmpl));
  for (const auto& entry : result.differential) {
    content.differential.push_back(
        {entry.rank, {entry.code, entry.scheme, entry.meaning}, JoinReasons(entry)});
  }
  return content;
}

}  // namespace alveo::sr
