// SPDX-License-Identifier: Apache-2.0
// Internal to the kernels module: separable convolution with symmetric 1-D kernels and clamped
// (replicated) borders, shared by the 3-D smoothing and the 2-D image kernels. Thread-safety:
// pure; threads write disjoint slices. Ownership: the caller owns both buffers.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace alveo::kernels::internal {

// weights[0] is the centre tap, weights[k] applies at offsets -k and +k. Empty = identity.
struct Kernel1D {
  std::vector<float> weights;
  int Radius() const { return weights.empty() ? 0 : static_cast<int>(weights.size()) - 1; }
};

// Gaussian of standard deviation `sigma` samples, truncated at 3 sigma, normalised to sum 1;
// identity for sigma <= 0.
Kernel1D GaussianKernel(double sigma);
// Mean over 2 * radius + 1 samples; identity for radius <= 0.
Kernel1D BoxKernel(int radius);

// out = in convolved along x, y and z with kernels[0..2]; `in` and `out` must not overlap.
template <typename T>
void SeparableFilter(const T* in, int nx, int ny, int nz, const std::array<Kernel1D, 3>& kernels,
                     float* out, int threads);

extern template void SeparableFilter<std::int16_t>(const std::int16_t*, int, int, int,
                                                   const std::array<Kernel1D, 3>&, float*, int);
extern template void SeparableFilter<float>(const float*, int, int, int,
                                            const std::array<Kernel1D, 3>&, float*, int);

}  // namespace alveo::kernels::internal
