// SPDX-License-Identifier: Apache-2.0
#include "classifier/kernels/mask_ops.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace alveo::kernels {
namespace {

template <typename T, typename Bound>
std::vector<std::uint8_t> Threshold(const std::vector<T>& in, Bound lo, Bound hi) {
  const std::size_t n = in.size();
  std::vector<std::uint8_t> out(n);
  const T* src = in.data();
  std::uint8_t* dst = out.data();
  for (std::size_t i = 0; i < n; ++i) {
    dst[i] = static_cast<std::uint8_t>((src[i] >= lo) & (src[i] <= hi));
  }
  return out;
}

std::size_t CountNonZeroBytes(const std::vector<std::uint8_t>& bytes) {
  std::size_t count = 0;
  for (std::uint8_t b : bytes) count += (b != 0);
  return count;
}

double DiceBytes(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  if (a.size() != b.size()) throw std::invalid_argument("Dice: masks differ in size");
  std::size_t both = 0;
  std::size_t sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool in_a = a[i] != 0;
    const bool in_b = b[i] != 0;
    both += (in_a & in_b);
    sum += static_cast<std::size_t>(in_a) + static_cast<std::size_t>(in_b);
  }
  return sum == 0 ? 1.0 : 2.0 * static_cast<double>(both) / static_cast<double>(sum);
}

template <typename Op>
MaskVolume Combine(const MaskVolume& a, const MaskVolume& b, Op op) {
  if (a.voxels.size() != b.voxels.size()) {
    throw std::invalid_argument("mask logic: masks differ in size");
  }
  MaskVolume out(a.geometry);
  for (std::size_t i = 0; i < a.voxels.size(); ++i) {
    out.voxels[i] = static_cast<std::uint8_t>(op(a.voxels[i] != 0, b.voxels[i] != 0));
  }
  return out;
}

}  // namespace

MaskVolume ThresholdRange(const Volume& volume, int lo, int hi) {
  MaskVolume out;
  out.geometry = volume.geometry;
  constexpr int kMin = std::numeric_limits<std::int16_t>::min();
  constexpr int kMax = std::numeric_limits<std::int16_t>::max();
  if (lo > hi || lo > kMax || hi < kMin) {
    out.voxels = std::vector<std::uint8_t>(volume.voxels.size(), 0);
    return out;
  }
  // Clamped bounds keep the comparison in int16 so that the loop vectorises.
  const auto lo16 = static_cast<std::int16_t>(std::max(lo, kMin));
  const auto hi16 = static_cast<std::int16_t>(std::min(hi, kMax));
  out.voxels = Threshold(volume.voxels, lo16, hi16);
  return out;
}

MaskVolume ThresholdRange(const FloatVolume& volume, float lo, float hi) {
  MaskVolume out;
  out.geometry = volume.geometry;
  out.voxels = Threshold(volume.voxels, lo, hi);
  return out;
}

Mask2D ThresholdRange(const Image2D& image, float lo, float hi) {
  Mask2D out;
  out.width = image.width;
  out.height = image.height;
  out.spacing_x = image.spacing_x;
  out.spacing_y = image.spacing_y;
  out.pixels = Threshold(image.pixels, lo, hi);
  return out;
}

std::size_t CountNonZero(const MaskVolume& mask) { return CountNonZeroBytes(mask.voxels); }
std::size_t CountNonZero(const Mask2D& mask) { return CountNonZeroBytes(mask.pixels); }

double Dice(const MaskVolume& a, const MaskVolume& b) { return DiceBytes(a.voxels, b.voxels); }
double Dice(const Mask2D& a, const Mask2D& b) { return DiceBytes(a.pixels, b.pixels); }

MaskVolume And(const MaskVolume& a, const MaskVolume& b) {
  return Combine(a, b, [](bool x, bool y) { return x && y; });
}

MaskVolume Or(const MaskVolume& a, const MaskVolume& b) {
  return Combine(a, b, [](bool x, bool y) { return x || y; });
}

MaskVolume AndNot(const MaskVolume& a, const MaskVolume& b) {
  return Combine(a, b, [](bool x, bool y) { return x && !y; });
}

MaskVolume Invert(const MaskVolume& mask) {
  MaskVolume out(mask.geometry);
  for (std::size_t i = 0; i < mask.voxels.size(); ++i) {
    out.voxels[i] = static_cast<std::uint8_t>(mask.voxels[i] == 0);
  }
  return out;
}

}  // namespace alveo::kernels
