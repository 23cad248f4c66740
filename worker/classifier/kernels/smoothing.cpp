// SPDX-License-Identifier: Apache-2.0
// Separable filtering slice by slice: for each output slice, the z pass combines whole input
// slices (contiguous, vectorised), then the y pass combines rows of a copy of that slice and the
// x pass works on a padded copy of each row. No barrier between slices is needed.
#include "classifier/kernels/smoothing.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>

#include "classifier/kernels/parallel_internal.h"
#include "classifier/kernels/separable_internal.h"

namespace alveo::kernels {
namespace internal {
namespace {

int Clamp(int i, int n) { return std::clamp(i, 0, n - 1); }

// out[i] = sum over taps t of w[|t|] * line(t)[i], line(t) being the sample row at offset t.
template <typename T, typename Line>
void Combine(const Kernel1D& kernel, std::size_t count, Line line, float* out) {
  const T* centre = line(0);
  const float w0 = kernel.weights.empty() ? 1.0f : kernel.weights[0];
  for (std::size_t i = 0; i < count; ++i) out[i] = w0 * static_cast<float>(centre[i]);
  for (int t = 1; t <= kernel.Radius(); ++t) {
    const T* a = line(-t);
    const T* b = line(t);
    const float w = kernel.weights[static_cast<std::size_t>(t)];
    for (std::size_t i = 0; i < count; ++i) {
      out[i] += w * (static_cast<float>(a[i]) + static_cast<float>(b[i]));
    }
  }
}

// One slice filtered along y in place (reading a copy of the slice).
void FilterColumns(const Kernel1D& k, int nx, int ny, float* plane, std::vector<float>& copy) {
  if (k.Radius() == 0) return;
  const auto width = static_cast<std::size_t>(nx);
  copy.assign(plane, plane + width * static_cast<std::size_t>(ny));
  for (int y = 0; y < ny; ++y) {
    Combine<float>(
        k, width,
        [&](int t) { return copy.data() + static_cast<std::size_t>(Clamp(y + t, ny)) * width; },
        plane + static_cast<std::size_t>(y) * width);
  }
}

// One slice filtered along x in place, row by row (reading a copy padded with edge values).
void FilterRows(const Kernel1D& k, int nx, int ny, float* plane, std::vector<float>& copy) {
  const int r = k.Radius();
  if (r == 0) return;
  copy.resize(static_cast<std::size_t>(nx + 2 * r));
  for (int y = 0; y < ny; ++y) {
    float* row = plane + static_cast<std::size_t>(y) * static_cast<std::size_t>(nx);
    for (int x = -r; x < nx + r; ++x) copy[static_cast<std::size_t>(x + r)] = row[Clamp(x, nx)];
    const float* centre = copy.data() + r;
    Combine<float>(
        k, static_cast<std::size_t>(nx), [&](int t) { return centre + t; }, row);
  }
}

// Output slice z: whole input slices combined along z, then its columns and rows.
template <typename T>
void FilterSlice(const T* in, int nx, int ny, int nz, int z, const std::array<Kernel1D, 3>& k,
                 float* out, std::vector<float>& copy) {
  const std::size_t slice = static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny);
  float* plane = out + static_cast<std::size_t>(z) * slice;
  Combine<T>(
      k[2], slice, [&](int t) { return in + static_cast<std::size_t>(Clamp(z + t, nz)) * slice; },
      plane);
  FilterColumns(k[1], nx, ny, plane, copy);
  FilterRows(k[0], nx, ny, plane, copy);
}

}  // namespace

Kernel1D GaussianKernel(double sigma) {
  Kernel1D kernel;
  if (!(sigma > 0)) return kernel;
  const int radius = static_cast<int>(std::ceil(3.0 * sigma));
  std::vector<double> w(static_cast<std::size_t>(radius) + 1);
  double sum = 0;
  for (int k = 0; k <= radius; ++k) {
    w[static_cast<std::size_t>(k)] = std::exp(-0.5 * k * k / (sigma * sigma));
    sum += (k == 0 ? 1.0 : 2.0) * w[static_cast<std::size_t>(k)];
  }
  for (double v : w) kernel.weights.push_back(static_cast<float>(v / sum));
  return kernel;
}

Kernel1D BoxKernel(int radius) {
  Kernel1D kernel;
  if (radius > 0)
    kernel.weights.assign(static_cast<std::size_t>(radius) + 1, 1.0f / (2 * radius + 1));
  return kernel;
}

template <typename T>
void SeparableFilter(const T* in, int nx, int ny, int nz, const std::array<Kernel1D, 3>& kernels,
                     float* out, int threads) {
  if (nx <= 0 || ny <= 0 || nz <= 0) return;
  ParallelFor(nz, threads, [&](int z0, int z1) {
    std::vector<float> copy;
    for (int z = z0; z < z1; ++z) FilterSlice(in, nx, ny, nz, z, kernels, out, copy);
  });
}

template void SeparableFilter<std::int16_t>(const std::int16_t*, int, int, int,
                                            const std::array<Kernel1D, 3>&, float*, int);
template void SeparableFilter<float>(const float*, int, int, int, const std::array<Kernel1D, 3>&,
                                     float*, int);

}  // namespace internal

namespace {

template <typename T>
FloatVolume Filter(const BasicVolume<T>& volume, const std::array<internal::Kernel1D, 3>& kernels,
                   int threads) {
  const VolumeGeometry& g = volume.geometry;
  if (volume.voxels.size() != g.VoxelCount()) {
    throw std::invalid_argument("smoothing: voxel count does not match the geometry");
  }
  FloatVolume out(g);
  internal::SeparableFilter(volume.voxels.data(), g.size_x, g.size_y, g.size_z, kernels,
                            out.voxels.data(), threads);
  return out;
}

std::array<internal::Kernel1D, 3> GaussianKernels(const VolumeGeometry& g, double sigma_mm) {
  std::array<internal::Kernel1D, 3> kernels;
  if (!(sigma_mm > 0)) return kernels;
  for (std::size_t a = 0; a < 3; ++a) {
    if (g.spacing[a] > 0) kernels[a] = internal::GaussianKernel(sigma_mm / g.spacing[a]);
  }
  return kernels;
}

std::array<internal::Kernel1D, 3> BoxKernels(int rx, int ry, int rz) {
  return {internal::BoxKernel(rx), internal::BoxKernel(ry), internal::BoxKernel(rz)};
}

}  // namespace

FloatVolume GaussianSmooth(const Volume& volume, double sigma_mm, int threads) {
  return Filter(volume, GaussianKernels(volume.geometry, sigma_mm), threads);
}

FloatVolume GaussianSmooth(const FloatVolume& volume, double sigma_mm, int threads) {
  return Filter(volume, GaussianKernels(volume.geometry, sigma_mm), threads);
}

FloatVolume BoxMean(const Volume& volume, int rx, int ry, int rz, int threads) {
  return Filter(volume, BoxKernels(rx, ry, rz), threads);
}

FloatVolume BoxMean(const FloatVolume& volume, int rx, int ry, int rz, int threads) {
  return Filter(volume, BoxKernels(rx, ry, rz), threads);
}

}  // namespace alveo::kernels
