// SPDX-License-Identifier: Apache-2.0
#include "classifier/ct/lung_segmentation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "classifier/ct/slice_regions.h"
#include "classifier/ct/working_grid.h"
#include "classifier/kernels/kernels.h"

namespace alveo::classifier::ct {
namespace {

// ---- Parameters (HU, mm, ml) --------------------------------------------------------------------
constexpr int kBodyMinHu = -500;        // body = tissue denser than this, largest component
constexpr int kAirMaxHu = -300;         // aerated + ground-glass lung, airways, bowel gas
constexpr double kMinLungMl = 100.0;    // smaller air components are not lung
constexpr double kMinLungAreaMm2 = 1500.0;  // key images: per slice
constexpr int kGasHu = -950;            // pure gas; more than half of a lung is denser than this
constexpr double kTracheaMaxAreaMm2 = 700.0;  // the tracked airway stays thinner than this
constexpr double kTracheaMaxOffsetMm = 45.0;  // ... and close to the body's left-right centre
constexpr double kDenseCloseMm = 20.0;        // per-slice closing that bridges dense lung at the wall
constexpr double kRecoverMaxHu = 35.0;        // smoothed HU above this is not lung (liver, bone)
constexpr double kGrowMaxHu = 35.0;           // dense lung grows through voxels up to this (not muscle)
constexpr double kGrowMinHu = -80.0;          // ... and from this density up (consolidation, not fat)
constexpr double kThinAdditionMm = 2.5;       // added dense lung thinner than ~5 mm is partial volume
constexpr double kGrowMaxMm = 30.0;           // at most this far from the aerated/ground-glass lung
constexpr double kMinLungShare = 0.15;        // each lung at least this share of the total
constexpr double kMinTotalMl = 1000.0;        // below this for a volume: not analysable
constexpr double kMinAeratedMl = 400.0;       // less aerated/ground-glass lung: not a chest scan
constexpr double kMaxTotalMl = 9500.0;

double VoxelMl(const VolumeGeometry& g) { return g.VoxelVolumeMm3() / 1000.0; }

// Patient x (LPS: + = left) of a voxel column, through the geometry.
double PatientX(const VolumeGeometry& g, double i, double j, double k) { return g.PositionOf(i, j, k)[0]; }

MaskVolume AirInBody(const Volume& hu, const MaskVolume& body) {
  MaskVolume air = kernels::ThresholdRange(hu, -32768, kAirMaxHu);
  for (std::size_t v = 0; v < air.voxels.size(); ++v) air.voxels[v] = air.voxels[v] && body.voxels[v];
  return air;
}

// Removes trachea and main bronchi: tracked from the first slices with air near the body centre,
// slice by slice towards the feet, while the airway stays thin. Returns removed volume (ml).
double RemoveAirway(MaskVolume& air, const MaskVolume& body) {
  const VolumeGeometry& g = air.geometry;
  const int sz = g.size_z;
  const int top = IndexSign(g.slice_direction, 2) >= 0 ? sz - 1 : 0;  // most superior slice
  const int step = top == 0 ? 1 : -1;
  const double pixel_mm2 = g.spacing[0] * g.spacing[1];
  std::vector<std::uint8_t> previous;  // airway pixels of the previous slice
  std::size_t removed = 0;
  bool started = false;
  for (int k = top; k >= 0 && k < sz; k += step) {
    const SliceRegions regions = LabelSlice(air, k);
    if (regions.parts.components.empty()) {
      if (started) break;
      continue;
    }
    const double center = BodyCenterColumn(body, k);
    const std::vector<bool> continues_previous = regions.OverlapsAll(previous);
    std::vector<std::uint8_t> airway(g.SliceSize(), 0);
    bool any = false;
    bool large_present = false;
    for (const kernels::Component2D& region : regions.parts.components) {
      const double area = static_cast<double>(region.pixels) * pixel_mm2;
      if (area > kTracheaMaxAreaMm2) large_present = true;
      const bool thin = area <= kTracheaMaxAreaMm2;
      const bool central = std::abs(region.centroid[0] - center) * g.spacing[0] <= kTracheaMaxOffsetMm;
      const bool continues = started && continues_previous[region.label - 1];
      if (thin && ((!started && central) || continues)) {
        regions.Paint(region.label, airway);
        any = true;
      }
    }
    if (!started && large_present && !any) break;  // the scan starts below the carina
    if (!any) {
      if (started) break;
      continue;
    }
    started = true;
    std::uint8_t* slice = air.Slice(k);
    for (std::size_t p = 0; p < g.SliceSize(); ++p) {
      if (airway[p]) {
        slice[p] = 0;
        ++removed;
      }
    }
    previous = std::move(airway);
  }
  return static_cast<double>(removed) * VoxelMl(g);
}

// Splits one component holding both lungs by eroding until two large parts appear, then gives
// every voxel of the original to the nearer part.
std::vector<MaskVolume> SplitByErosion(const MaskVolume& both) {
  const std::size_t total = kernels::CountNonZero(both);
  for (double radius = 2.0; radius <= 20.0; radius += 2.0) {
    const MaskVolume eroded = kernels::Erode(both, radius);
    const kernels::Components parts = kernels::LabelComponents(eroded, kernels::Connectivity::k6);
    std::vector<const kernels::Component*> large;
    for (const auto& c : parts.components) {
      if (c.voxels * 20 >= total / 5) large.push_back(&c);  // >= 5 % of the original each
    }
    if (large.size() < 2) continue;
    std::sort(large.begin(), large.end(), [](auto* a, auto* b) { return a->voxels > b->voxels; });
    const MaskVolume a = kernels::MaskOfLabels(parts, both.geometry, {large[0]->label});
    const MaskVolume b = kernels::MaskOfLabels(parts, both.geometry, {large[1]->label});
    const kernels::FloatVolume da = kernels::DistanceToForeground(a);
    const kernels::FloatVolume db = kernels::DistanceToForeground(b);
    MaskVolume out_a(both.geometry), out_b(both.geometry);
    for (std::size_t v = 0; v < both.voxels.size(); ++v) {
      if (!both.voxels[v]) continue;
      (da.voxels[v] <= db.voxels[v] ? out_a : out_b).voxels[v] = 1;
    }
    return {std::move(out_a), std::move(out_b)};
  }
  return {both};
}

struct Lungs {
  MaskVolume right, left;
  bool found_two = false;
};

// Large enough to be a lung: a volume in a series, an area per slice for key images.
bool LargeEnough(const kernels::Component& c, const VolumeGeometry& g, bool key_images) {
  if (!key_images) return static_cast<double>(c.voxels) * VoxelMl(g) >= kMinLungMl;
  const int slices = c.max[2] - c.min[2] + 1;
  const double area_mm2 = static_cast<double>(c.voxels) * g.spacing[0] * g.spacing[1] / slices;
  return area_mm2 >= kMinLungAreaMm2;
}

Lungs FindLungs(const MaskVolume& air, const Volume& hu, bool key_images) {
  const VolumeGeometry& g = air.geometry;
  const kernels::Components components = kernels::LabelComponents(air, kernels::Connectivity::k6);
  std::vector<const kernels::Component*> candidates;
  std::vector<std::size_t> gas(components.components.size() + 1, 0);
  for (std::size_t v = 0; v < air.voxels.size(); ++v) {
    if (components.labels[v] && hu.voxels[v] <= kGasHu) ++gas[components.labels[v]];
  }
  for (const auto& c : components.components) {
    // Lung parenchyma carries vessels and septa: most of it is denser than pure gas (bowel gas,
    // air outside the body).
    const bool mostly_gas = gas[c.label] * 2 > c.voxels;
    if (LargeEnough(c, g, key_images) && !mostly_gas) candidates.push_back(&c);
  }
  std::sort(candidates.begin(), candidates.end(), [](auto* a, auto* b) { return a->voxels > b->voxels; });
  Lungs lungs;
  if (candidates.empty()) return lungs;
  std::vector<MaskVolume> parts;
  const bool second_large = candidates.size() >= 2 && candidates[1]->voxels * 10 >= candidates[0]->voxels * 2;
  if (second_large) {
    parts.push_back(kernels::MaskOfLabels(components, g, {candidates[0]->label}));
    parts.push_back(kernels::MaskOfLabels(components, g, {candidates[1]->label}));
  } else {
    parts = SplitByErosion(kernels::MaskOfLabels(components, g, {candidates[0]->label}));
  }
  if (parts.size() < 2) {
    lungs.right = std::move(parts[0]);
    return lungs;
  }
  const auto centroid_x = [&](const MaskVolume& m) {
    double sum = 0;
    std::size_t n = 0;
    for (int k = 0; k < g.size_z; ++k) {
      for (int j = 0; j < g.size_y; ++j) {
        for (int i = 0; i < g.size_x; ++i) {
          if (m.At(i, j, k)) {
            sum += PatientX(g, i, j, k);
            ++n;
          }
        }
      }
    }
    return n ? sum / static_cast<double>(n) : 0.0;
  };
  // LPS: the patient's right lung has the smaller x.
  const bool first_is_right = centroid_x(parts[0]) < centroid_x(parts[1]);
  lungs.right = std::move(parts[first_is_right ? 0 : 1]);
  lungs.left = std::move(parts[first_is_right ? 1 : 0]);
  lungs.found_two = true;
  return lungs;
}

// Voxels dense lung may occupy: inside the body, not mediastinum or the other lung, consolidation
// density (not muscle, bone or organs), not homogeneous fluid.
MaskVolume GrowableTissue(const MaskVolume& lungs, const MaskVolume& mediastinum, const MaskVolume& body,
                          const kernels::FloatVolume& smooth, const MaskVolume& fluid) {
  MaskVolume allowed(body.geometry);
  for (std::size_t v = 0; v < allowed.voxels.size(); ++v) {
    const float s = smooth.voxels[v];
    allowed.voxels[v] = body.voxels[v] && !lungs.voxels[v] && !mediastinum.voxels[v] && !fluid.voxels[v] &&
                        s >= kGrowMinHu && s <= kGrowMaxHu;
  }
  return allowed;
}

// Grows every labelled region of `labels` through `allowed` voxels, slice by slice, at most
// `max_steps` pixels away; a grown voxel takes the label it was reached from.
void GrowInPlane(MaskVolume& labels, const MaskVolume& allowed, int max_steps) {
  const VolumeGeometry& g = labels.geometry;
  const int w = g.size_x, h = g.size_y;
  std::vector<int> frontier, next;
  for (int k = 0; k < g.size_z; ++k) {
    std::uint8_t* slice = labels.Slice(k);
    const std::uint8_t* ok = allowed.Slice(k);
    frontier.clear();
    for (int p = 0; p < w * h; ++p) {
      if (slice[p]) frontier.push_back(p);
    }
    for (int step = 0; step < max_steps && !frontier.empty(); ++step) {
      next.clear();
      for (const int p : frontier) {
        const int x = p % w, y = p / w;
        const int neighbours[4] = {x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, y > 0 ? p - w : -1, y + 1 < h ? p + w : -1};
        for (const int q : neighbours) {
          if (q >= 0 && !slice[q] && ok[q]) {
            slice[q] = slice[p];
            next.push_back(q);
          }
        }
      }
      frontier.swap(next);
    }
  }
}

// Label of the lung a recovered voxel belongs to: the side of the mediastinum band it lies on, or
// the nearer lung centroid column where the band is absent.
void AssignSides(MaskVolume& labels, const MaskVolume& recovered, const MaskVolume& mediastinum) {
  const VolumeGeometry& g = labels.geometry;
  const int w = g.size_x, h = g.size_y;
  for (int k = 0; k < g.size_z; ++k) {
    std::uint8_t* slice = labels.Slice(k);
    double sum[3] = {0, 0, 0};
    double n[3] = {0, 0, 0};
    for (int p = 0; p < w * h; ++p) {
      if (slice[p]) {
        sum[slice[p]] += p % w;
        n[slice[p]] += 1;
      }
    }
    if (n[kRightLung] == 0 || n[kLeftLung] == 0) continue;
    const double right_col = sum[kRightLung] / n[kRightLung], left_col = sum[kLeftLung] / n[kLeftLung];
    const double middle = (right_col + left_col) / 2;
    const std::uint8_t low = right_col < left_col ? kRightLung : kLeftLung;
    const std::uint8_t high = low == kRightLung ? kLeftLung : kRightLung;
    const std::uint8_t* rec = recovered.Slice(k);
    const std::uint8_t* band = mediastinum.Slice(k);
    for (int y = 0; y < h; ++y) {
      int band_start = -1;
      for (int x = 0; x < w; ++x) {
        if (band[y * w + x]) {
          band_start = x;
          break;
        }
      }
      for (int x = 0; x < w; ++x) {
        const int p = y * w + x;
        if (!rec[p] || slice[p]) continue;
        const bool is_low = band_start >= 0 ? x < band_start : x < middle;
        slice[p] = is_low ? low : high;
      }
    }
  }
}

// Adds opacified lung to the aerated/ground-glass lungs: growth through consolidation-density
// tissue next to the lung (dense bands at the chest wall), a closing for vessels and dense pockets,
// and 3-D hole filling for enclosed consolidation; limited to soft-tissue density or less, outside
// the mediastinum, never homogeneous water-like fluid; thin additions (partial volume) are dropped.
std::size_t RecoverDenseLung(MaskVolume& labels, const MaskVolume& mediastinum, const MaskVolume& body,
                             const kernels::FloatVolume& smooth, const MaskVolume& fluid, bool key_images,
                             int threads) {
  const VolumeGeometry& g = labels.geometry;
  const std::size_t before = kernels::CountNonZero(labels);
  const MaskVolume original = labels;
  GrowInPlane(labels, GrowableTissue(labels, mediastinum, body, smooth, fluid), static_cast<int>(kGrowMaxMm / g.spacing[0]));
  MaskVolume grown = kernels::ClosePerSlice(labels, kDenseCloseMm, threads);
  if (key_images) {
    kernels::FillHolesPerSlice(grown);
  } else {
    kernels::FillHoles3D(grown);
  }
  MaskVolume added(g);
  for (std::size_t v = 0; v < added.voxels.size(); ++v) {
    const bool candidate = grown.voxels[v] && !original.voxels[v] && !mediastinum.voxels[v] && body.voxels[v] &&
                           smooth.voxels[v] <= kRecoverMaxHu && !fluid.voxels[v];
    added.voxels[v] = candidate;
  }
  // Keep only additions with some thickness: a rim of partial-volume voxels along the chest wall,
  // the diaphragm or the mediastinum is not consolidation.
  const MaskVolume thick = kernels::OpenPerSlice(added, kThinAdditionMm, threads);
  for (std::size_t v = 0; v < labels.voxels.size(); ++v) {
    if (!original.voxels[v]) labels.voxels[v] = thick.voxels[v] && labels.voxels[v] ? labels.voxels[v] : 0;
  }
  MaskVolume unlabelled(g);
  for (std::size_t v = 0; v < labels.voxels.size(); ++v) unlabelled.voxels[v] = thick.voxels[v] && !labels.voxels[v];
  AssignSides(labels, unlabelled, mediastinum);
  return kernels::CountNonZero(labels) - before;
}

}  // namespace

MaskVolume BodyMask(const Volume& hu) {
  MaskVolume body = kernels::KeepLargest(kernels::ThresholdRange(hu, kBodyMinHu, 32767), 1, kernels::Connectivity::k6);
  kernels::FillHolesPerSlice(body);
  return body;
}

namespace {

LungSegmentation Fail(NotAnalysableReason reason, std::string detail) {
  LungSegmentation s;
  s.failure = reason;
  s.detail = std::move(detail);
  return s;
}

}  // namespace

LungSegmentation SegmentLungs(const Volume& hu, const kernels::FloatVolume& smooth, const MaskVolume& fluid,
                              MaskVolume body, bool key_images, int threads) {
  const VolumeGeometry& g = hu.geometry;
  LungSegmentation result;
  result.body = std::move(body);
  MaskVolume air = AirInBody(hu, result.body);
  result.airway_ml = RemoveAirway(air, result.body);
  Lungs lungs = FindLungs(air, hu, key_images);
  if (lungs.right.voxels.empty()) return Fail(NotAnalysableReason::kNotChest, "no lungs in the imaged range");
  if (!lungs.found_two) {
    return Fail(NotAnalysableReason::kSegmentationFailed, "only one lung could be separated from the airways");
  }
  const std::size_t aerated = kernels::CountNonZero(lungs.right) + kernels::CountNonZero(lungs.left);
  if (!key_images && static_cast<double>(aerated) * VoxelMl(g) < kMinAeratedMl) {
    return Fail(NotAnalysableReason::kNotChest,
                "no aerated lung in the imaged range (" + std::to_string(static_cast<int>(static_cast<double>(aerated) * VoxelMl(g))) +
                    " ml of air-density tissue)");
  }
  result.mediastinum = MediastinumBetween(lungs.right, lungs.left);
  result.lungs = MaskVolume(g);
  for (std::size_t v = 0; v < result.lungs.voxels.size(); ++v) {
    if (lungs.right.voxels[v]) result.lungs.voxels[v] = kRightLung;
    else if (lungs.left.voxels[v]) result.lungs.voxels[v] = kLeftLung;
  }
  const std::size_t added = RecoverDenseLung(result.lungs, result.mediastinum, result.body, smooth, fluid, key_images, threads);
  std::size_t right = 0, left = 0;
  for (const std::uint8_t label : result.lungs.voxels) {
    right += label == kRightLung;
    left += label == kLeftLung;
  }
  result.right_ml = static_cast<double>(right) * VoxelMl(g);
  result.left_ml = static_cast<double>(left) * VoxelMl(g);
  const double total = result.right_ml + result.left_ml;
  result.recovered_fraction = total > 0 ? static_cast<double>(added) / static_cast<double>(aerated + added) : 0;
  if (!key_images && total < kMinTotalMl) {
    return Fail(NotAnalysableReason::kNotChest,
                "only " + std::to_string(static_cast<int>(total)) + " ml of lung in the imaged range");
  }
  if (std::min(result.right_ml, result.left_ml) < kMinLungShare * total) {
    return Fail(NotAnalysableReason::kSegmentationFailed,
                "one lung is below 15 % of the total lung volume (right " + std::to_string(static_cast<int>(result.right_ml)) +
                    " ml, left " + std::to_string(static_cast<int>(result.left_ml)) + " ml)");
  }
  if (!key_images && total > kMaxTotalMl) {
    return Fail(NotAnalysableReason::kSegmentationFailed,
                "total lung volume " + std::to_string(static_cast<int>(total)) + " ml is above 9500 ml");
  }
  result.ok = true;
  return result;
}

}  // namespace alveo::classifier::ct
