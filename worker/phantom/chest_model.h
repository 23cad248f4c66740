// SPDX-License-Identifier: Apache-2.0
// The analytic adult trunk behind every phantom: body wall, ribs, spine, sternum, mediastinum,
// heart, airways, two lungs (apices, domes, cardiac notch), effusions and upper-abdominal organs.
// Coordinates are patient millimetres: x to the patient's left, y posterior, h above the lung base.
// Thread-safety: immutable after construction; At()/RenderRow() may run on any number of threads.
// Ownership: a plain value; Level points into the model that made it and must not outlive it.
#pragma once

#include <array>
#include <cstdint>

#include "phantom/phantom_types.h"
#include "phantom/shapes.h"
#include "phantom/value_noise.h"

namespace alveo::phantom {

// Key heights (mm above the lowest point of the lung bases).
inline constexpr double kLungApexHeight = 235.0;
inline constexpr double kCarinaHeight = 160.0;

// Output of one rendered row (count pixels each).
struct RowOut {
  std::uint8_t* labels;
  float* hu;
  std::uint8_t* near_fluid;
};

struct Tissue {
  Label label = Label::kBackground;
  float hu = -1000.0f;
  bool near_fluid = false;  // lung within a few mm of an effusion (compressive atelectasis)
};

// Everything about one axial plane that does not depend on x/y.
struct Level {
  double h = 0.0;
  double cav_a = 0.0, cav_ant = 0.0, cav_post = 0.0;     // inner thoracic wall (half axes)
  double body_a = 0.0, body_ant = 0.0, body_post = 0.0;  // skin
  double fat_a = 0.0, fat_ant = 0.0, fat_post = 0.0;     // inner edge of subcutaneous fat
  double med_half = 0.0;                                 // mediastinum half width (mid-AP)
  bool lungs_possible = false;                           // 0 <= h <= apex
  double apex_rx = 0.0, apex_ry = 0.0, apex_x = 0.0;     // > 0: lungs confined to apex ellipses
  double heart_rx = 0.0, heart_ry = 0.0;                 // > 0: the plane cuts the heart
  double spine_y = 0.0;
  bool disc = false;
  bool ribs = false;
  bool sternum = false;
  bool trachea = false;
  double trachea_y = 0.0;               // moves forward in the neck
  double aorta_x = 0.0, aorta_y = 0.0;  // descending aorta centre
  bool ascending_aorta = false;
  bool svc = false;
  double effusion_depth = 0.0;  // supine/prone crescent depth (mm); 0 = none at this height
  std::array<const Capsule*, 3> capsules{};  // airway/arch capsules crossing this plane
  int capsule_count = 0;
};

class ChestModel {
 public:
  ChestModel(PatternKind kind, Gravity gravity, std::uint64_t seed, bool with_table);

  Level LevelAt(double h) const;
  // Noise-free tissue at (x, y) on a level, before lung patterns and vessels.
  Tissue At(const Level& level, double x, double y) const;
  // The same for the pixels x = x0 + i * dx (i < count) of the row at y: the renderer's hot path.
  void RenderRow(const Level& level, double y, double x0, double dx, int count, RowOut out) const;
  // 0 at the non-dependent side of the chest, 1 at the dependent side.
  double Dependency(const Level& level, double x, double y) const;
  bool IsLung(double x, double y, double h) const;
  // Height of the diaphragm surface under (x, y); the abdomen lies below it.
  double DomeHeight(double x, double y) const;

  PatternKind kind() const { return kind_; }
  Gravity gravity() const { return gravity_; }
  // The heart's half axes (x, y, h); enlarged for the effusion pattern.
  const std::array<double, 3>& heart_radii() const { return heart_radii_; }

 private:
  Tissue Interior(const Level& level, double x, double y, bool dome_possible) const;
  Tissue Wall(const Level& level, double x, double y, double q_cav) const;
  bool Spine(const Level& level, double x, double y, Tissue& out) const;
  bool Mediastinum(const Level& level, double x, double y, Tissue& out) const;
  double MediastinumHalfWidth(const Level& level, double y) const;
  Tissue Abdomen(const Level& level, double x, double y) const;
  Tissue Pleural(const Level& level, double x, double y) const;
  bool IsFluid(const Level& level, double x, double y, double margin) const;
  Tissue Outside(const Level& level, double x, double y) const;

  PatternKind kind_;
  Gravity gravity_;
  bool with_table_;
  std::array<double, 3> heart_radii_;
  std::array<Capsule, 3> capsules_;  // right and left main bronchus, aortic arch
  ValueNoise3D bowel_noise_;
};

}  // namespace alveo::phantom
