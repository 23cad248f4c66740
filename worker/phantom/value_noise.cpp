// SPDX-License-Identifier: Apache-2.0
#include "phantom/value_noise.h"

#include <cmath>

#include "phantom/random.h"

namespace alveo::phantom {
namespace {

double Fade(double t) { return t * t * (3.0 - 2.0 * t); }

std::int64_t FloorToInt(double v) { return static_cast<std::int64_t>(std::floor(v)); }

}  // namespace

double ValueNoise3D::Lattice(std::int64_t ix, std::int64_t iy, std::int64_t iz) const {
  std::uint64_t h = HashCombine(seed_, static_cast<std::uint64_t>(ix));
  h = HashCombine(h, static_cast<std::uint64_t>(iy));
  h = HashCombine(h, static_cast<std::uint64_t>(iz));
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

double ValueNoise3D::At(double x, double y, double z) const {
  const double fx = x / cell_mm_, fy = y / cell_mm_, fz = z / cell_mm_;
  const std::int64_t ix = FloorToInt(fx), iy = FloorToInt(fy), iz = FloorToInt(fz);
  const double tx = Fade(fx - static_cast<double>(ix));
  const double ty = Fade(fy - static_cast<double>(iy));
  const double tz = Fade(fz - static_cast<double>(iz));
  double plane[2];
  for (int dz = 0; dz < 2; ++dz) {
    const double v00 = Lattice(ix, iy, iz + dz), v10 = Lattice(ix + 1, iy, iz + dz);
    const double v01 = Lattice(ix, iy + 1, iz + dz), v11 = Lattice(ix + 1, iy + 1, iz + dz);
    const double a = v00 + (v10 - v00) * tx, b = v01 + (v11 - v01) * tx;
    plane[dz] = a + (b - a) * ty;
  }
  return plane[0] + (plane[1] - plane[0]) * tz;
}

NoisePlane::NoisePlane(const ValueNoise3D& noise, double z, double x_min, double x_max,
                       double y_min, double y_max)
    : cell_mm_(noise.cell_mm()) {
  ix0_ = FloorToInt(x_min / cell_mm_);
  iy0_ = FloorToInt(y_min / cell_mm_);
  nx_ = static_cast<int>(FloorToInt(x_max / cell_mm_) - ix0_) + 2;
  ny_ = static_cast<int>(FloorToInt(y_max / cell_mm_) - iy0_) + 2;
  const double fz = z / cell_mm_;
  const std::int64_t iz = FloorToInt(fz);
  const double tz = Fade(fz - static_cast<double>(iz));
  values_.resize(static_cast<std::size_t>(nx_) * static_cast<std::size_t>(ny_));
  for (int j = 0; j < ny_; ++j) {
    for (int i = 0; i < nx_; ++i) {
      const double lo = noise.Lattice(ix0_ + i, iy0_ + j, iz);
      const double hi = noise.Lattice(ix0_ + i, iy0_ + j, iz + 1);
      values_[static_cast<std::size_t>(j * nx_ + i)] = lo + (hi - lo) * tz;
    }
  }
}

double NoisePlane::At(double x, double y) const {
  const double fx = x / cell_mm_ - static_cast<double>(ix0_);
  const double fy = y / cell_mm_ - static_cast<double>(iy0_);
  int i = static_cast<int>(std::floor(fx)), j = static_cast<int>(std::floor(fy));
  i = i < 0 ? 0 : (i > nx_ - 2 ? nx_ - 2 : i);
  j = j < 0 ? 0 : (j > ny_ - 2 ? ny_ - 2 : j);
  const double tx = Fade(std::fmin(1.0, std::fmax(0.0, fx - i)));
  const double ty = Fade(std::fmin(1.0, std::fmax(0.0, fy - j)));
  const double* row0 = values_.data() + static_cast<std::size_t>(j * nx_ + i);
  const double* row1 = row0 + nx_;
  const double a = row0[0] + (row0[1] - row0[0]) * tx;
  const double b = row1[0] + (row1[1] - row1[0]) * tx;
  return a + (b - a) * ty;
}

}  // namespace alveo::phantom
