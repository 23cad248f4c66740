// SPDX-License-Identifier: Apache-2.0
#include "classifier/ct/ct_features.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "classifier/ct/working_grid.h"
#include "classifier/kernels/kernels.h"

namespace alveo::classifier::ct {
namespace {

// ---- Parameters (HU, mm) ------------------------------------------------------------------------
constexpr int kEmphysemaMaxHu = -950;
constexpr int kGgoLowHu = -700;          // (-700, -250]: ground glass
constexpr int kGgoHighHu = -250;         // (-250, +100]: consolidation
constexpr int kConsolidationHighHu = 100;  // above: excluded (calcium, contrast)
constexpr double kVesselOpenMm = 2.0;
constexpr double kSolidOpenMm = 3.0;
constexpr double kRimVoxels = 1.0;    // opacity thinner than ~5 mm is vessel, not parenchyma
constexpr double kRidgeHu = 80.0;        // crazy paving: voxel above its smoothed surroundings
constexpr double kNoduleHu = 150.0;      // micronodule: local excess density
constexpr std::size_t kNoduleMaxVoxels = 6;
constexpr double kFluidTouchMm = 6.0;  // across the partial-volume layer between lung and fluid
constexpr std::size_t kFluidMinContactVoxels = 20;

enum Band : std::uint8_t { kOther = 0, kGgo = 1, kConsolidation = 2 };

struct Counter {
  double lung = 0, ggo = 0, consolidation = 0;
  void Add(std::uint8_t band) {
    lung += 1;
    ggo += band == kGgo;
    consolidation += band == kConsolidation;
  }
  double Opacity() const { return lung > 0 ? 100.0 * (ggo + consolidation) / lung : 0; }
  double Ggo() const { return lung > 0 ? 100.0 * ggo / lung : 0; }
  double Consolidation() const { return lung > 0 ? 100.0 * consolidation / lung : 0; }
};

LungMeasures ToMeasures(const Counter& c, double voxel_ml) {
  LungMeasures m;
  m.volume_ml = c.lung * voxel_ml;
  m.ggo_percent = c.Ggo();
  m.consolidation_percent = c.Consolidation();
  m.opacity_percent = c.Opacity();
  return m;
}

// Per voxel: GGO / consolidation after vessel suppression (thin dense structures are not counted).
std::vector<std::uint8_t> ClassifyBands(const Volume& hu, const MaskVolume& lungs, bool key_images, int threads,
                                        double& suppressed_percent) {
  const auto open = [&](const MaskVolume& m) {
    return key_images ? kernels::OpenPerSlice(m, kVesselOpenMm, threads) : kernels::Open(m, kVesselOpenMm, threads);
  };
  MaskVolume dense(hu.geometry);
  for (std::size_t v = 0; v < hu.voxels.size(); ++v) {
    dense.voxels[v] = lungs.voxels[v] && hu.voxels[v] > kGgoLowHu && hu.voxels[v] <= kConsolidationHighHu;
  }
  // Vessels: dense structures thinner than ~2 x kVesselOpenMm vanish in the opening; the solid
  // cores of larger vessels (soft-tissue density) must also survive a wider opening to count as
  // consolidation, which real consolidation (lobular and larger) does.
  const MaskVolume opened = open(dense);
  MaskVolume solid(hu.geometry);
  for (std::size_t v = 0; v < hu.voxels.size(); ++v) solid.voxels[v] = opened.voxels[v] && hu.voxels[v] > kGgoHighHu;
  const MaskVolume solid_opened =
      key_images ? kernels::OpenPerSlice(solid, kSolidOpenMm, threads) : kernels::Open(solid, kSolidOpenMm, threads);
  std::vector<std::uint8_t> bands(hu.voxels.size(), kOther);
  std::size_t dense_count = 0, kept = 0, lung_count = 0;
  for (std::size_t v = 0; v < hu.voxels.size(); ++v) {
    lung_count += lungs.voxels[v] != 0;
    if (!dense.voxels[v]) continue;
    ++dense_count;
    if (!opened.voxels[v]) continue;
    if (solid.voxels[v] && !solid_opened.voxels[v]) continue;  // a vessel's solid core
    ++kept;
    bands[v] = hu.voxels[v] <= kGgoHighHu ? kGgo : kConsolidation;
  }
  suppressed_percent = lung_count ? 100.0 * static_cast<double>(dense_count - kept) / static_cast<double>(lung_count) : 0;
  return bands;
}

// Superior-to-inferior slice range of one lung, in slice indices ordered by patient z.
struct ZRange {
  int top = -1, bottom = -1;  // slice indices of the most superior / inferior slice with that lung
};

ZRange LungRange(const MaskVolume& lungs, std::uint8_t label) {
  const VolumeGeometry& g = lungs.geometry;
  int lo = -1, hi = -1;
  for (int k = 0; k < g.size_z; ++k) {
    const std::uint8_t* s = lungs.Slice(k);
    if (std::find(s, s + g.SliceSize(), label) != s + g.SliceSize()) {
      if (lo < 0) lo = k;
      hi = k;
    }
  }
  const bool up = IndexSign(g.slice_direction, 2) >= 0;  // increasing k goes to the head
  return up ? ZRange{hi, lo} : ZRange{lo, hi};
}

// 0 upper, 1 middle, 2 lower third of the lung's cranio-caudal extent.
int ZoneOf(int k, const ZRange& r) {
  const double span = std::abs(r.bottom - r.top) + 1.0;
  const double from_top = std::abs(k - r.top) + 0.5;
  return std::clamp(static_cast<int>(3.0 * from_top / span), 0, 2);
}

// In-plane depth from the costal/diaphragmatic surface, normalised per lung and slice to [0, 1].
std::vector<float> RelativeDepth(const LungSegmentation& seg, int threads) {
  const VolumeGeometry& g = seg.lungs.geometry;
  MaskVolume wall(g);
  for (std::size_t v = 0; v < wall.voxels.size(); ++v) {
    wall.voxels[v] = !seg.lungs.voxels[v] && !seg.mediastinum.voxels[v];
  }
  const kernels::FloatVolume depth = kernels::DistanceToForegroundPerSlice(wall, threads);
  std::vector<float> relative(depth.voxels.size(), 0.0f);
  for (int k = 0; k < g.size_z; ++k) {
    for (std::uint8_t label : {kRightLung, kLeftLung}) {
      float max_depth = 0;
      for (std::size_t p = 0; p < g.SliceSize(); ++p) {
        const std::size_t v = g.Index(0, 0, k) + p;
        if (seg.lungs.voxels[v] == label) max_depth = std::max(max_depth, depth.voxels[v]);
      }
      if (max_depth <= 0) continue;
      for (std::size_t p = 0; p < g.SliceSize(); ++p) {
        const std::size_t v = g.Index(0, 0, k) + p;
        if (seg.lungs.voxels[v] == label) relative[v] = depth.voxels[v] / max_depth;
      }
    }
  }
  return relative;
}

// Position of each lung voxel along gravity within its lung's extent in that slice: 0 = least
// dependent row, 1 = most dependent row.
std::vector<float> GravityPosition(const MaskVolume& lungs, bool supine) {
  const VolumeGeometry& g = lungs.geometry;
  const int posterior_sign = IndexSign(g.column_direction, 1);  // +1: increasing row is posterior
  const bool dependent_down = (posterior_sign >= 0) == supine;  // increasing row is dependent
  std::vector<float> position(lungs.voxels.size(), 0.5f);
  for (int k = 0; k < g.size_z; ++k) {
    for (std::uint8_t label : {kRightLung, kLeftLung}) {
      int first = -1, last = -1;
      for (int j = 0; j < g.size_y; ++j) {
        for (int i = 0; i < g.size_x; ++i) {
          if (lungs.At(i, j, k) == label) {
            if (first < 0) first = j;
            last = j;
            break;
          }
        }
      }
      if (first < 0 || last <= first) continue;
      for (int j = first; j <= last; ++j) {
        const float t = static_cast<float>(j - first) / static_cast<float>(last - first);
        for (int i = 0; i < g.size_x; ++i) {
          if (lungs.At(i, j, k) == label) position[g.Index(i, j, k)] = dependent_down ? t : 1.0f - t;
        }
      }
    }
  }
  return position;
}

double CrazyPavingIndex(const Volume& hu, const kernels::FloatVolume& smooth, const std::vector<std::uint8_t>& bands) {
  double ggo = 0, ridges = 0;
  for (std::size_t v = 0; v < hu.voxels.size(); ++v) {
    if (bands[v] != kGgo) continue;
    ggo += 1;
    ridges += hu.voxels[v] - smooth.voxels[v] > kRidgeHu;
  }
  return ggo >= 200 ? ridges / ggo : 0.0;
}

double MicronoduleIndex(const Volume& hu, const kernels::FloatVolume& smooth, const MaskVolume& lungs,
                        double lung_ml) {
  MaskVolume peaks(hu.geometry);
  for (std::size_t v = 0; v < hu.voxels.size(); ++v) {
    peaks.voxels[v] = lungs.voxels[v] && hu.voxels[v] - smooth.voxels[v] > kNoduleHu;
  }
  const kernels::Components parts = kernels::LabelComponents(peaks, kernels::Connectivity::k26);
  std::size_t nodules = 0;
  for (const auto& c : parts.components) nodules += c.voxels <= kNoduleMaxVoxels;
  return lung_ml > 0 ? 100.0 * static_cast<double>(nodules) / lung_ml : 0;
}

// Pleural fluid: homogeneous water-density regions outside the lungs and the mediastinum that touch
// a lung and lie on its dependent side (bowel and stomach lie under the domes, not behind the lung).
std::array<double, 2> EffusionMl(const MaskVolume& fluid_like, const LungSegmentation& seg, bool supine, int threads) {
  const VolumeGeometry& g = seg.lungs.geometry;
  MaskVolume fluid(g);
  for (std::size_t v = 0; v < fluid.voxels.size(); ++v) {
    fluid.voxels[v] = fluid_like.voxels[v] && seg.body.voxels[v] && !seg.lungs.voxels[v] && !seg.mediastinum.voxels[v];
  }
  const MaskVolume near_lung = kernels::Dilate(seg.lungs, kFluidTouchMm, threads);
  const kernels::Components parts = kernels::LabelComponents(fluid, kernels::Connectivity::k26);
  const int posterior_sign = IndexSign(g.column_direction, 1);
  const double dependent_sign = (posterior_sign >= 0) == supine ? 1.0 : -1.0;  // along +row
  struct Tally {
    std::size_t touching = 0;
    double lung_side = 0;  // + right lung nearer, - left
  };
  std::vector<Tally> tally(parts.components.size() + 1);
  std::array<double, 2> lung_row{0, 0};
  std::array<double, 2> lung_col{0, 0};
  std::array<std::size_t, 2> lung_n{0, 0};
  for (int k = 0; k < g.size_z; ++k) {
    for (int j = 0; j < g.size_y; ++j) {
      for (int i = 0; i < g.size_x; ++i) {
        const std::size_t v = g.Index(i, j, k);
        if (const std::uint8_t l = seg.lungs.voxels[v]) {
          lung_row[l - 1] += j;
          lung_col[l - 1] += i;
          ++lung_n[l - 1];
        }
        if (parts.labels[v] && near_lung.voxels[v]) ++tally[parts.labels[v]].touching;
      }
    }
  }
  if (!lung_n[0] || !lung_n[1]) return {0, 0};
  const double lungs_row = (lung_row[0] + lung_row[1]) / static_cast<double>(lung_n[0] + lung_n[1]);
  const double right_col = lung_col[0] / static_cast<double>(lung_n[0]);
  const double left_col = lung_col[1] / static_cast<double>(lung_n[1]);
  std::array<double, 2> ml{0, 0};
  const double voxel_ml = g.VoxelVolumeMm3() / 1000.0;
  for (const auto& c : parts.components) {
    if (tally[c.label].touching < kFluidMinContactVoxels) continue;
    if ((c.centroid[1] - lungs_row) * dependent_sign <= 0) continue;  // not on the dependent side
    const bool right = std::abs(c.centroid[0] - right_col) < std::abs(c.centroid[0] - left_col);
    ml[right ? 0 : 1] += static_cast<double>(c.voxels) * voxel_ml;
  }
  return ml;
}

// True when a lung in slice k encloses a sizeable non-lung region (the dome of the diaphragm seen
// from above): more than 5 % of that lung's area in holes.
bool RingsADome(const MaskVolume& lungs, int k) {
  const VolumeGeometry& g = lungs.geometry;
  for (std::uint8_t label : {kRightLung, kLeftLung}) {
    Mask2D mask(g.size_x, g.size_y);
    const std::uint8_t* slice = lungs.Slice(k);
    std::size_t area = 0;
    for (std::size_t p = 0; p < g.SliceSize(); ++p) {
      mask.pixels[p] = slice[p] == label;
      area += mask.pixels[p];
    }
    kernels::FillHoles2D(mask);
    const std::size_t filled = kernels::CountNonZero(mask);
    if (area > 0 && (filled - area) * 20 > area) return true;
  }
  return false;
}

// Classical cardiothoracic ratio on the lower two-thirds of the lungs: the widest gap between the two
// lungs in rows where both are present (the heart) over the widest span of both lungs.
std::optional<double> CardiothoracicRatio(const LungSegmentation& seg) {
  const VolumeGeometry& g = seg.lungs.geometry;
  const ZRange r = LungRange(seg.lungs, kRightLung);
  if (r.top < 0) return std::nullopt;
  double heart = 0, thorax = 0;
  const int lo = std::min(r.top, r.bottom), hi = std::max(r.top, r.bottom);
  std::vector<std::size_t> area(static_cast<std::size_t>(g.size_z), 0);
  for (int k = lo; k <= hi; ++k) {
    const std::uint8_t* slice = seg.lungs.Slice(k);
    area[static_cast<std::size_t>(k)] = static_cast<std::size_t>(
        std::count_if(slice, slice + g.SliceSize(), [](std::uint8_t v) { return v != 0; }));
  }
  std::size_t max_area = 0;
  for (const std::size_t a : area) max_area = std::max(max_area, a);
  for (int k = lo; k <= hi; ++k) {
    // The middle third (the heart's widest level), only where the lungs are large and do not ring a dome:
    // there the gap between the lungs is liver or spleen, not heart.
    if (ZoneOf(k, r) != 1 || area[static_cast<std::size_t>(k)] * 10 < max_area * 6 || RingsADome(seg.lungs, k)) continue;
    int span_min = g.size_x, span_max = -1;
    for (int j = 0; j < g.size_y; ++j) {
      for (int i = 0; i < g.size_x; ++i) {
        if (seg.lungs.At(i, j, k)) {
          span_min = std::min(span_min, i);
          span_max = std::max(span_max, i);
        }
      }
    }
    const int span = span_max - span_min + 1;
    for (int j = 0; j < g.size_y && span > 0; ++j) {
      int inner_a = -1, inner_b = -1, width_a = 0, width_b = 0;
      std::uint8_t first_label = 0;
      for (int i = 0; i < g.size_x; ++i) {
        const std::uint8_t label = seg.lungs.At(i, j, k);
        if (!label) continue;
        if (!first_label) first_label = label;
        if (label == first_label) {
          inner_a = i;
          ++width_a;
        } else {
          if (inner_b < 0) inner_b = i;
          ++width_b;
        }
      }
      // Both lungs substantial in this row: at the domes they are thin crescents around liver and
      // spleen, and the gap between them is not the heart.
      const int min_width = span * 15 / 100;
      if (inner_b > inner_a && width_a >= min_width && width_b >= min_width) {
        heart = std::max(heart, (inner_b - inner_a - 1) * g.spacing[0]);
      }
    }
    if (span_max > span_min) thorax = std::max(thorax, (span_max - span_min + 1) * g.spacing[0]);
  }
  if (thorax <= 0) return std::nullopt;
  return heart / thorax;
}

}  // namespace

CtFeatures MeasureCt(const Volume& hu, const kernels::FloatVolume& smooth, const MaskVolume& fluid,
                     const LungSegmentation& seg, bool supine, bool key_images, int threads) {
  const VolumeGeometry& g = hu.geometry;
  CtFeatures f;
  const std::vector<std::uint8_t> bands = ClassifyBands(hu, seg.lungs, key_images, threads, f.vessel_suppressed_percent);
  const std::vector<float> depth = RelativeDepth(seg, threads);
  const std::vector<float> gravity = GravityPosition(seg.lungs, supine);
  const std::array<ZRange, 2> ranges{LungRange(seg.lungs, kRightLung), LungRange(seg.lungs, kLeftLung)};
  Counter right, left, central, peripheral, dependent, nondependent;
  std::array<Counter, 6> zones;
  double emphysema = 0, hu_sum = 0;
  for (int k = 0; k < g.size_z; ++k) {
    for (std::size_t p = 0; p < g.SliceSize(); ++p) {
      const std::size_t v = g.Index(0, 0, k) + p;
      const std::uint8_t label = seg.lungs.voxels[v];
      if (!label) continue;
      const std::uint8_t band = bands[v];
      (label == kRightLung ? right : left).Add(band);
      zones[(label == kRightLung ? 0 : 3) + ZoneOf(k, ranges[label == kRightLung ? 0 : 1])].Add(band);
      (depth[v] < 1.0f / 3.0f ? peripheral : central).Add(band);
      if (gravity[v] > 2.0f / 3.0f) dependent.Add(band);
      if (gravity[v] < 1.0f / 3.0f) nondependent.Add(band);
      emphysema += hu.voxels[v] <= kEmphysemaMaxHu;
      hu_sum += hu.voxels[v];
    }
  }
  const double voxel_ml = g.VoxelVolumeMm3() / 1000.0;
  Counter total{right.lung + left.lung, right.ggo + left.ggo, right.consolidation + left.consolidation};
  f.right = ToMeasures(right, voxel_ml);
  f.left = ToMeasures(left, voxel_ml);
  f.total = ToMeasures(total, voxel_ml);
  static constexpr const char* kZoneNames[6] = {"right_upper", "right_middle", "right_lower",
                                                "left_upper",  "left_middle",  "left_lower"};
  for (int z = 0; z < 6; ++z) {
    f.zones[z] = ZoneMeasure{kZoneNames[z], zones[z].Opacity(), zones[z].Ggo(), zones[z].Consolidation()};
  }
  f.zones_valid = !key_images;
  f.central_opacity = central.Opacity();
  f.peripheral_opacity = peripheral.Opacity();
  f.dependent_opacity = dependent.Opacity();
  f.nondependent_opacity = nondependent.Opacity();
  const double opacity = total.ggo + total.consolidation;
  f.consolidation_share = opacity > 0 ? total.consolidation / opacity : 0;
  f.crazy_paving_index = CrazyPavingIndex(hu, smooth, bands);
  f.micronodule_index = MicronoduleIndex(hu, smooth, seg.lungs, total.lung * voxel_ml);
  const auto effusion = EffusionMl(fluid, seg, supine, threads);
  f.effusion_right_ml = effusion[0];
  f.effusion_left_ml = effusion[1];
  if (!key_images) f.cardiothoracic_ratio = CardiothoracicRatio(seg);
  f.emphysema_percent = total.lung > 0 ? 100.0 * emphysema / total.lung : 0;
  f.mean_lung_hu = total.lung > 0 ? hu_sum / total.lung : 0;
  return f;
}

}  // namespace alveo::classifier::ct
