// SPDX-License-Identifier: Apache-2.0
// The lung opacity patterns: for a lung point (position, dependency, depth below the pleura, patchy
// texture) decide its truth class (aerated, ground glass, consolidation) and its noise-free HU.
// Each pattern is a smooth "severity" field cut at two thresholds, so truth and image always agree.
// Thread-safety: immutable after construction.
#pragma once

#include <cstdint>

#include "phantom/phantom_types.h"
#include "phantom/value_noise.h"

namespace alveo::phantom {

struct LungPoint {
  double x = 0.0, y = 0.0, h = 0.0;  // patient mm (h above the lung base)
  bool right = true;
  double dependency = 0.0;  // 0 non-dependent .. 1 dependent (gravity)
  double depth_rel = 0.0;   // distance to the lung edge / deepest point of this lung in the plane
  double texture = 0.5;     // patchiness in [0, 1]
  bool near_fluid = false;  // next to an effusion
};

struct Parenchyma {
  Opacity opacity = Opacity::kNone;
  float hu = -860.0f;
};

class LungPattern {
 public:
  LungPattern(PatternKind kind, std::uint64_t seed);

  Parenchyma At(const LungPoint& p) const;
  // False for patterns that ignore texture (normal lungs): the renderer then skips computing it.
  bool textured() const { return kind_ != PatternKind::kNormal && kind_ != PatternKind::kAbdomen; }
  // Texture for points on the plane z = h (two octaves of value noise, stretched to ~[0, 1]).
  const ValueNoise3D& coarse_noise() const { return coarse_; }
  const ValueNoise3D& fine_noise() const { return fine_; }
  static double CombineTexture(double coarse, double fine);

 private:
  double Severity(const LungPoint& p) const;

  PatternKind kind_;
  ValueNoise3D coarse_;
  ValueNoise3D fine_;
};

}  // namespace alveo::phantom
