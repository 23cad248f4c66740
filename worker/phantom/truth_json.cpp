// SPDX-License-Identifier: Apache-2.0
#include "phantom/truth_json.h"

#include <array>

#include "phantom/json_writer.h"

namespace alveo::phantom {
namespace {

constexpr int kTruthFormatVersion = 1;
constexpr std::array<const char*, 3> kZoneNames{"upper", "middle", "lower"};
constexpr std::array<const char*, 3> kApNames{"ventral", "middle", "dorsal"};

void Header(JsonWriter& w, PatternKind kind, std::uint64_t seed, const SeriesRecord& s) {
  w.Field("format", "alveo-phantom-truth");
  w.Field("format_version", kTruthFormatVersion);
  w.Field("kind", KindName(kind));
  w.Field("seed", std::to_string(seed));
  w.Field("modality", s.modality);
  w.Field("sop_class_uid", s.sop_class_uid);
  w.Field("study_instance_uid", s.study_instance_uid);
  w.Field("series_instance_uid", s.series_instance_uid);
  w.Field("transfer_syntax", s.transfer_syntax);
  w.Field("file_count", s.file_count);
  if (!s.label_file.empty()) w.Field("label_file", s.label_file);
}

void Stats(JsonWriter& w, const char* key, const OpacityStats& s) {
  w.BeginObject(key);
  w.Field("volume_ml", s.volume_ml);
  w.Field("ggo_percent", s.ggo_percent);
  w.Field("consolidation_percent", s.consolidation_percent);
  w.Field("opacity_percent", s.opacity_percent);
  w.EndObject();
}

void Lung(JsonWriter& w, const char* key, const LungTruth& l) {
  w.BeginObject(key);
  w.Field("volume_ml", l.whole.volume_ml);
  w.Field("vessel_ml", l.vessel_ml);
  w.Field("ggo_percent", l.whole.ggo_percent);
  w.Field("consolidation_percent", l.whole.consolidation_percent);
  w.Field("opacity_percent", l.whole.opacity_percent);
  w.BeginObject("zones");
  for (std::size_t z = 0; z < 3; ++z) Stats(w, kZoneNames[z], l.zones[z]);
  w.EndObject();
  Stats(w, "central", l.central);
  Stats(w, "peripheral", l.peripheral);
  w.BeginObject("ap_thirds");
  for (std::size_t z = 0; z < 3; ++z) Stats(w, kApNames[z], l.ventral_to_dorsal[z]);
  w.EndObject();
  w.EndObject();
}

void Labels(JsonWriter& w) {
  w.BeginObject("labels");
  for (int i = 0; i < static_cast<int>(Label::kCount); ++i) {
    w.Field(LabelName(static_cast<Label>(i)), i);
  }
  w.EndObject();
}

void Zone(JsonWriter& w, const char* key, const ZoneTruth& z) {
  w.BeginObject(key);
  w.Field("area_cm2", z.area_cm2);
  w.Field("opacity_fraction", z.opacity_fraction);
  w.Field("mean_opacity", z.mean_opacity);
  w.EndObject();
}

void Field(JsonWriter& w, const char* key, const LungFieldTruth& f) {
  w.BeginObject(key);
  w.Field("area_cm2", f.whole.area_cm2);
  w.Field("opacity_fraction", f.whole.opacity_fraction);
  w.Field("mean_opacity", f.whole.mean_opacity);
  w.BeginObject("zones");
  for (std::size_t z = 0; z < 3; ++z) Zone(w, kZoneNames[z], f.zones[z]);
  w.EndObject();
  w.EndObject();
}

}  // namespace

std::string CtTruthJson(const CtPhantom& phantom, const CtTruth& truth,
                        const SeriesRecord& series) {
  const CtOptions& o = phantom.options();
  const VolumeGeometry& g = phantom.geometry();
  JsonWriter w;
  w.BeginObject();
  Header(w, o.kind, o.seed, series);
  w.BeginObject("geometry");
  w.Field("columns", g.size_x);
  w.Field("rows", g.size_y);
  w.Field("slices", g.size_z);
  w.Field("pixel_spacing_mm", g.spacing[0]);
  w.Field("slice_spacing_mm", g.spacing[2]);
  w.Field("slice_thickness_mm", phantom.slice_thickness_mm());
  w.Field("patient_position", phantom.patient_position());
  w.Field("first_slice_z_mm", g.PositionOf(0, 0, 0)[2]);
  w.Field("last_slice_z_mm", g.PositionOf(0, 0, g.size_z - 1)[2]);
  w.EndObject();
  w.Field("chest_with_lungs", truth.has_lungs);
  w.Field("dependent_side", truth.dependent_is_dorsal ? "dorsal" : "ventral");
  w.BeginObject("lungs");
  Lung(w, "right", truth.right);
  Lung(w, "left", truth.left);
  Lung(w, "total", truth.total);
  w.EndObject();
  w.Field("effusion_ml", truth.effusion_ml);
  w.Field("heart_ml", truth.heart_ml);
  w.Field("cardiothoracic_ratio", truth.cardiothoracic_ratio);
  Labels(w);
  w.EndObject();
  return w.str();
}

std::string RadiographTruthJson(const RadiographOptions& o, const RadiographTruth& truth,
                                const SeriesRecord& series) {
  JsonWriter w;
  w.BeginObject();
  Header(w, o.kind, o.seed, series);
  w.BeginObject("geometry");
  w.Field("columns", o.columns);
  w.Field("rows", o.rows);
  w.Field("pixel_spacing_mm", o.field_width_mm / o.columns);
  w.Field("view_position", ViewName(o.view));
  w.Field("bits_stored", o.bits_stored);
  w.EndObject();
  w.Field("frontal", truth.frontal);
  w.Field("opacified_share_threshold", kOpacifiedShare);
  if (truth.frontal) {
    w.BeginObject("lung_fields");
    Field(w, "right", truth.right);
    Field(w, "left", truth.left);
    Field(w, "total", truth.total);
    w.EndObject();
    w.Field("cardiothoracic_ratio", truth.cardiothoracic_ratio);
    w.Field("effusion_area_cm2", truth.effusion_area_cm2);
  }
  w.EndObject();
  return w.str();
}

}  // namespace alveo::phantom
