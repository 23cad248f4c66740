// SPDX-License-Identifier: Apache-2.0
// Synthetic chest (or abdomen) CT with known truth, deterministic by seed: CtPhantom renders any
// axial slice on demand (HU + label + opacity maps) so a writer can stream a 300-slice series;
// GenerateCt renders a whole series into memory for tests. No DCMTK here.
// Thread-safety: CtPhantom is immutable; RenderSlice may run concurrently for any slices.
// Ownership: a CtPhantom owns its anatomy model, pattern and vessel tree (a few hundred kB).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/volume.h"
#include "phantom/chest_model.h"
#include "phantom/ct_truth.h"
#include "phantom/lung_pattern.h"
#include "phantom/phantom_types.h"
#include "phantom/vessel_tree.h"

namespace alveo::phantom {

struct CtOptions {
  PatternKind kind = PatternKind::kNormal;
  std::uint64_t seed = 1;
  int columns = 512;
  int rows = 512;
  int slices = 300;
  double field_of_view_mm = 360.0;  // across the columns; pixel spacing = fov / columns (square)
  double slice_spacing_mm = 1.0;    // between slice centres
  double slice_thickness_mm = 0.0;  // 0 = equal to the spacing; thick slices average sub-planes
  bool prone = false;      // HFP: gravity ventral, image rows/columns flipped like scanners
  double noise_hu = 20.0;  // image noise (standard deviation) at 1 mm thickness
};

// kInvalidArgument "<flag>: why", naming the `alveo phantom` flag of the offending field.
Status ValidateCtOptions(const CtOptions& options);

// One rendered slice, row-major, columns x rows.
struct CtSlice {
  std::vector<std::int16_t> hu;
  std::vector<std::uint8_t> labels;   // phantom::Label
  std::vector<std::uint8_t> opacity;  // phantom::Opacity
  std::vector<float> depth_mm;        // in-plane lung depth used for central/peripheral truth
  std::array<float, 2> max_depth_mm{};
};

class CtPhantom {
 public:
  // REQUIRES ValidateCtOptions(options).ok().
  explicit CtPhantom(const CtOptions& options);

  const CtOptions& options() const { return options_; }
  // Slice 0 is the most superior (first acquired); slice_direction is feet-wards (0, 0, -1).
  const VolumeGeometry& geometry() const { return geometry_; }
  double slice_thickness_mm() const { return thickness_mm_; }
  std::string_view patient_position() const { return options_.prone ? "HFP" : "HFS"; }
  bool dependent_is_dorsal() const { return !options_.prone; }

  void RenderSlice(int k, CtSlice& out) const;

 private:
  double HeightOf(double k) const;

  CtOptions options_;
  VolumeGeometry geometry_;
  double thickness_mm_;
  int sub_planes_;
  double top_height_;  // h of slice 0
  ChestModel model_;
  LungPattern pattern_;
  VesselTree vessels_;
};

// Patient z (mm) of the lung base: h = z - kLungBaseZ.
inline constexpr double kLungBaseZ = -300.0;

struct CtPhantomData {
  Volume hu;
  MaskVolume labels;
  MaskVolume opacity;
  CtTruth truth;
};

// Renders the whole series in memory (threads <= 0: one per core).
Result<CtPhantomData> GenerateCt(const CtOptions& options, int threads = 0);

}  // namespace alveo::phantom
