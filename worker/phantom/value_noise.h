// SPDX-License-Identifier: Apache-2.0
// Smooth deterministic 3-D value noise (hashed lattice values, smoothstep interpolation) that gives
// opacities and bowel their patchy texture. A NoisePlane caches one axial plane of the lattice so
// the per-pixel cost is a bilinear lookup. Thread-safety: both are immutable after construction.
#pragma once

#include <cstdint>
#include <vector>

namespace alveo::phantom {

class ValueNoise3D {
 public:
  ValueNoise3D(std::uint64_t seed, double cell_mm) : seed_(seed), cell_mm_(cell_mm) {}

  // Value in [0, 1) at a point in millimetres.
  double At(double x, double y, double z) const;
  double cell_mm() const { return cell_mm_; }
  // Lattice value at integer cell coordinates.
  double Lattice(std::int64_t ix, std::int64_t iy, std::int64_t iz) const;

 private:
  std::uint64_t seed_;
  double cell_mm_;
};

// The noise restricted to the plane z = const over a rectangle of x/y.
class NoisePlane {
 public:
  NoisePlane(const ValueNoise3D& noise, double z, double x_min, double x_max, double y_min,
             double y_max);
  double At(double x, double y) const;

 private:
  double cell_mm_;
  std::int64_t ix0_, iy0_;
  int nx_, ny_;
  std::vector<double> values_;  // lattice values interpolated to z, nx_ * ny_
};

inline double SmoothStep(double edge0, double edge1, double x) {
  double t = (x - edge0) / (edge1 - edge0);
  t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
  return t * t * (3.0 - 2.0 * t);
}

}  // namespace alveo::phantom
