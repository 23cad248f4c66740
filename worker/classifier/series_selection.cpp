// SPDX-License-Identifier: Apache-2.0
#include "classifier/series_selection.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace alveo::classifier {
namespace {

constexpr const char* kCtSopClass = "1.2.840.10008.5.1.4.1.1.2";
constexpr double kAxialNormalMin = 0.9;  // |normal . z| for an axial slice

bool Has(const std::string& text, const char* word) { return text.find(word) != std::string::npos; }

bool IsImage(const InstanceMeta& meta) { return meta.rows > 0 && meta.columns > 0; }

bool IsRadiographLike(const InstanceMeta& meta) {
  const std::string& m = meta.modality;
  return IsImage(meta) && (m == "CR" || m == "DX" || m == "OT" || m == "SC" || m == "RG" ||
                           meta.sop_class_uid.rfind("1.2.840.10008.5.1.4.1.1.1", 0) == 0 ||
                           meta.sop_class_uid.rfind("1.2.840.10008.5.1.4.1.1.7", 0) == 0);
}

std::optional<std::array<double, 3>> Normal(const InstanceMeta& meta) {
  if (!meta.image_orientation) return std::nullopt;
  const auto& o = *meta.image_orientation;
  std::array<double, 3> n{o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
  const double length = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  if (length < 1e-6) return std::nullopt;
  for (double& v : n) v /= length;
  return n;
}

// An axial ORIGINAL CT slice we can place in a volume.
bool IsCandidateSlice(const InstanceMeta& meta) {
  if (meta.sop_class_uid != kCtSopClass || !IsImage(meta) || !meta.image_position) return false;
  if (Has(meta.image_type, "LOCALIZER") || Has(meta.image_type, "DERIVED") ||
      Has(meta.image_type, "SECONDARY") || Has(meta.image_type, "REFORMATTED") || Has(meta.image_type, "MPR")) {
    return false;
  }
  const auto normal = Normal(meta);
  return normal && std::abs((*normal)[2]) >= kAxialNormalMin;
}

CtSelection Describe(const std::string& series, std::vector<std::size_t> members,
                     const std::vector<const InstanceMeta*>& instances) {
  const auto normal = *Normal(*instances[members.front()]);
  auto along = [&](std::size_t i) {
    const auto& p = *instances[i]->image_position;
    return p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2];
  };
  std::sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) { return along(a) < along(b); });
  CtSelection selection;
  selection.series_instance_uid = series;
  std::vector<double> gaps;
  for (std::size_t i = 1; i < members.size(); ++i) gaps.push_back(along(members[i]) - along(members[i - 1]));
  if (!gaps.empty()) {
    selection.max_gap_mm = *std::max_element(gaps.begin(), gaps.end());
    std::nth_element(gaps.begin(), gaps.begin() + static_cast<long>(gaps.size() / 2), gaps.end());
    selection.slice_spacing_mm = gaps[gaps.size() / 2];
    selection.coverage_mm = along(members.back()) - along(members.front());
  }
  const auto& first = *instances[members.front()];
  selection.slice_thickness_mm = first.slice_thickness.value_or(selection.slice_spacing_mm);
  if (selection.slice_thickness_mm <= 0) selection.slice_thickness_mm = selection.slice_spacing_mm;
  selection.key_images = static_cast<int>(members.size()) < kMinVolumeSlices ||
                         selection.coverage_mm < kMinVolumeCoverageMm;
  selection.instances = std::move(members);
  return selection;
}

// Better = usable thickness, then a volume over key images, then coverage, then thinner slices.
bool Better(const CtSelection& a, const CtSelection& b) {
  const bool a_thin = a.slice_thickness_mm <= kMaxSliceThicknessMm + 1e-6;
  const bool b_thin = b.slice_thickness_mm <= kMaxSliceThicknessMm + 1e-6;
  if (a_thin != b_thin) return a_thin;
  if (a.key_images != b.key_images) return !a.key_images;
  if (std::abs(a.coverage_mm - b.coverage_mm) > 20.0) return a.coverage_mm > b.coverage_mm;
  return a.slice_thickness_mm < b.slice_thickness_mm;
}

Selection SelectCt(const std::vector<const InstanceMeta*>& instances) {
  std::map<std::string, std::vector<std::size_t>> series;
  bool any_ct = false;
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const InstanceMeta& meta = *instances[i];
    if (meta.modality == "CT" && IsImage(meta)) any_ct = true;
    if (IsCandidateSlice(meta)) series[meta.series_instance_uid].push_back(i);
  }
  Selection selection;
  selection.modality = "CT";
  if (series.empty()) {
    selection.reason = NotAnalysableReason::kNoUsableSeries;
    selection.detail = any_ct ? "no axial ORIGINAL CT series (only localizers, reformats or derived images)"
                              : "no CT images";
    return selection;
  }
  std::optional<CtSelection> best;
  for (auto& [uid, members] : series) {
    CtSelection candidate = Describe(uid, members, instances);
    if (!best || Better(candidate, *best)) best = std::move(candidate);
  }
  if (best->slice_thickness_mm > kMaxSliceThicknessMm + 1e-6) {
    selection.reason = NotAnalysableReason::kSlicesTooThick;
    selection.detail = "thinnest axial series has " + std::to_string(best->slice_thickness_mm).substr(0, 4) +
                       " mm slices (> 5 mm)";
    return selection;
  }
  if (!best->key_images && best->max_gap_mm > kMaxGapSpacings * best->slice_spacing_mm &&
      best->max_gap_mm > kMaxGapMm) {
    selection.reason = NotAnalysableReason::kIncompleteSeries;
    selection.detail = "axial series has a " + std::to_string(static_cast<int>(std::lround(best->max_gap_mm))) +
                       " mm gap between neighbouring slices (spacing " +
                       std::to_string(best->slice_spacing_mm).substr(0, 4) + " mm): slices are missing";
    return selection;
  }
  selection.ct = std::move(best);
  return selection;
}

bool IsLateral(const InstanceMeta& meta) {
  const std::string& v = meta.view_position;
  if (v == "LL" || v == "RL" || v == "LLD" || v == "RLD" || Has(v, "LAT")) return true;
  return v.empty() && (Has(meta.series_description, "LAT") || Has(meta.series_description, "lat"));
}

Selection SelectRadiograph(const std::vector<const InstanceMeta*>& instances) {
  Selection selection;
  std::optional<std::size_t> pa, ap, unknown;
  bool lateral_seen = false;
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const InstanceMeta& meta = *instances[i];
    if (!IsRadiographLike(meta)) continue;
    if (selection.modality.empty()) selection.modality = meta.modality;
    if (IsLateral(meta)) {
      lateral_seen = true;
    } else if (meta.view_position == "PA") {
      if (!pa) pa = i;
    } else if (meta.view_position == "AP") {
      if (!ap) ap = i;
    } else if (!unknown) {
      unknown = i;
    }
  }
  const std::optional<std::size_t> chosen = pa ? pa : ap ? ap : unknown;
  if (!chosen) {
    selection.reason = lateral_seen ? NotAnalysableReason::kNonFrontalView : NotAnalysableReason::kNoImages;
    selection.detail = lateral_seen ? "only lateral radiographs; a frontal (PA/AP) view is needed" : "no images";
    return selection;
  }
  selection.modality = instances[*chosen]->modality;
  selection.radiograph = RadiographSelection{*chosen, instances[*chosen]->view_position};
  return selection;
}

}  // namespace

Selection SelectForAnalysis(const std::vector<const InstanceMeta*>& instances) {
  const bool any_ct = std::any_of(instances.begin(), instances.end(), [](const InstanceMeta* m) {
    return m->sop_class_uid == kCtSopClass || (m->modality == "CT" && IsImage(*m));
  });
  if (any_ct) return SelectCt(instances);
  Selection radiograph = SelectRadiograph(instances);
  if (!radiograph.radiograph && radiograph.reason == NotAnalysableReason::kNoImages) {
    const bool any_image = std::any_of(instances.begin(), instances.end(), [](const InstanceMeta* m) { return IsImage(*m); });
    if (any_image) {
      radiograph.reason = NotAnalysableReason::kNoUsableSeries;
      radiograph.detail = "no CT or radiograph images (modality " + instances.front()->modality + ")";
    }
  }
  return radiograph;
}

}  // namespace alveo::classifier
