// SPDX-License-Identifier: Apache-2.0
// Ground truth of a CT phantom, computed from its label and opacity maps slice by slice (so a
// 300-slice series never has to be held in memory): lung volumes, ground glass / consolidation
// percentages per lung, zone, central/peripheral and ventral/dorsal thirds, effusion volume, CTR.
// Thread-safety: CtTruthBuilder::AddSlice may run concurrently for distinct slices; Finish after
// all.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/volume.h"

namespace alveo::phantom {

struct OpacityStats {
  double volume_ml = 0.0;
  double ggo_percent = 0.0;
  double consolidation_percent = 0.0;
  double opacity_percent = 0.0;  // ggo + consolidation
};

// Percentages are of all voxels of the region, vessels included (lung = parenchyma + vessels).
struct LungTruth {
  OpacityStats whole;
  double vessel_ml = 0.0;
  std::array<OpacityStats, 3> zones;  // upper, middle, lower thirds of this lung's height
  OpacityStats central;               // in-plane depth > 1/3 of the deepest point (inner 2/3)
  OpacityStats peripheral;            // outer third
  std::array<OpacityStats, 3> ventral_to_dorsal;  // anatomical thirds of this lung's AP extent
};

struct CtTruth {
  bool has_lungs = false;
  LungTruth right, left, total;
  double effusion_ml = 0.0;
  double heart_ml = 0.0;
  double cardiothoracic_ratio = 0.0;  // widest axial heart / widest inner thorax
  bool dependent_is_dorsal = true;    // supine: dorsal; prone: ventral
};

class CtTruthBuilder {
 public:
  explicit CtTruthBuilder(const VolumeGeometry& geometry);

  // One slice of truth maps (size_x * size_y each). depth_mm/max_depth come from the renderer.
  void AddSlice(int k, const std::uint8_t* labels, const std::uint8_t* opacity,
                const float* depth_mm, const std::array<float, 2>& max_depth);
  CtTruth Finish(bool dependent_is_dorsal) const;

 private:
  struct Counts {
    std::int64_t lung = 0, ggo = 0, consolidation = 0;
    void Add(const Counts& o) {
      lung += o.lung;
      ggo += o.ggo;
      consolidation += o.consolidation;
    }
  };
  struct SliceTally {
    std::array<Counts, 2> lung;  // right, left
    std::array<std::int64_t, 2> vessel{};
    std::array<std::array<Counts, 2>, 2> by_depth;  // [side][central, peripheral]
    std::vector<Counts> rows;                       // [side * size_y + row]
    std::int64_t effusion = 0, heart = 0;
    int heart_min = -1, heart_max = -1, thorax_min = -1, thorax_max = -1;  // columns
  };

  LungTruth FinishLung(int side, std::array<Counts, 3>& zone_sum,
                       std::array<Counts, 3>& vd_sum) const;
  OpacityStats Stats(const Counts& c) const;
  double WidestMm(bool heart) const;

  VolumeGeometry geometry_;
  std::vector<SliceTally> slices_;
};

}  // namespace alveo::phantom
