// SPDX-License-Identifier: Apache-2.0
// Block sums are accumulated one output slice at a time: every input row of the block's slices is
// folded into a row of per-block sums, then the sums are divided by the block's voxel count.
#include "classifier/kernels/resample.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace alveo::kernels {
namespace {

void CheckFactors(int fx, int fy, int fz) {
  if (fx < 1 || fy < 1 || fz < 1) throw std::invalid_argument("resample: factors must be >= 1");
  // Block sums of int16 are 32-bit: keep a block under 65536 voxels.
  if (static_cast<long long>(fx) * fy * fz > 65535) {
    throw std::invalid_argument("resample: blocks must hold fewer than 65536 voxels");
  }
}

void CheckVoxels(std::size_t have, const VolumeGeometry& g) {
  if (have != g.VoxelCount()) {
    throw std::invalid_argument("resample: voxel count does not match the geometry");
  }
}

int BlockCount(int size, int factor) { return size <= 0 ? 0 : (size + factor - 1) / factor; }
int BlockLength(int block, int size, int factor) { return std::min(factor, size - block * factor); }

// Calls finish(out_index, block_sum, block_voxels) for every block of the volume, the sum being
// over value(voxel). Rows of the block's y/z range are first added column by column (contiguous,
// vectorised), then the column sums are folded along x. Col must hold fy * fz values.
template <typename T, typename Col, typename Value, typename Finish>
void ForEachBlockSum(const BasicVolume<T>& in, int fx, int fy, int fz, Value value, Finish finish) {
  const VolumeGeometry& g = in.geometry;
  const int bx = BlockCount(g.size_x, fx);
  const int by = BlockCount(g.size_y, fy);
  const int bz = BlockCount(g.size_z, fz);
  std::vector<Col> columns(static_cast<std::size_t>(g.size_x));
  std::size_t out_index = 0;
  for (int k = 0; k < bz; ++k) {
    const int len_z = BlockLength(k, g.size_z, fz);
    for (int j = 0; j < by; ++j) {
      const int len_y = BlockLength(j, g.size_y, fy);
      std::fill(columns.begin(), columns.end(), Col{});
      for (int z = k * fz; z < k * fz + len_z; ++z) {
        for (int y = j * fy; y < j * fy + len_y; ++y) {
          const T* row = &in.At(0, y, z);
          for (int x = 0; x < g.size_x; ++x) columns[x] += static_cast<Col>(value(row[x]));
        }
      }
      for (int i = 0; i < bx; ++i, ++out_index) {
        const int len_x = BlockLength(i, g.size_x, fx);
        Col sum{};
        for (int x = i * fx; x < i * fx + len_x; ++x) sum += columns[x];
        finish(out_index, sum, len_x * len_y * len_z);
      }
    }
  }
}

}  // namespace

VolumeGeometry DownsampledGeometry(const VolumeGeometry& geometry, int fx, int fy, int fz) {
  CheckFactors(fx, fy, fz);
  VolumeGeometry out = geometry;
  out.size_x = BlockCount(geometry.size_x, fx);
  out.size_y = BlockCount(geometry.size_y, fy);
  out.size_z = BlockCount(geometry.size_z, fz);
  out.spacing = {geometry.spacing[0] * fx, geometry.spacing[1] * fy, geometry.spacing[2] * fz};
  out.origin = geometry.PositionOf(0.5 * (fx - 1), 0.5 * (fy - 1), 0.5 * (fz - 1));
  return out;
}

Volume DownsampleMean(const Volume& volume, int fx, int fy, int fz) {
  Volume out(DownsampledGeometry(volume.geometry, fx, fy, fz));
  CheckVoxels(volume.voxels.size(), volume.geometry);
  ForEachBlockSum<std::int16_t, std::int32_t>(
      volume, fx, fy, fz, [](std::int16_t v) { return v; },
      [&](std::size_t i, std::int32_t sum, int count) {
        out.voxels[i] = static_cast<std::int16_t>(
            std::lround(static_cast<double>(sum) / static_cast<double>(count)));
      });
  return out;
}

FloatVolume DownsampleMean(const FloatVolume& volume, int fx, int fy, int fz) {
  FloatVolume out(DownsampledGeometry(volume.geometry, fx, fy, fz));
  CheckVoxels(volume.voxels.size(), volume.geometry);
  ForEachBlockSum<float, double>(
      volume, fx, fy, fz, [](float v) { return v; },
      [&](std::size_t i, double sum, int count) {
        out.voxels[i] = static_cast<float>(sum / count);
      });
  return out;
}

MaskVolume DownsampleMajority(const MaskVolume& mask, int fx, int fy, int fz) {
  MaskVolume out(DownsampledGeometry(mask.geometry, fx, fy, fz));
  CheckVoxels(mask.voxels.size(), mask.geometry);
  ForEachBlockSum<std::uint8_t, std::int32_t>(
      mask, fx, fy, fz, [](std::uint8_t v) { return static_cast<std::int32_t>(v != 0); },
      [&](std::size_t i, std::int32_t sum, int count) {
        out.voxels[i] = static_cast<std::uint8_t>(2 * sum >= count);
      });
  return out;
}

MaskVolume UpsampleNearest(const MaskVolume& small, const VolumeGeometry& target, int fx, int fy,
                           int fz) {
  CheckFactors(fx, fy, fz);
  CheckVoxels(small.voxels.size(), small.geometry);
  MaskVolume out(target);
  const VolumeGeometry& s = small.geometry;
  if (s.VoxelCount() == 0) return out;
  std::vector<int> map_x(static_cast<std::size_t>(std::max(target.size_x, 0)));
  for (int x = 0; x < target.size_x; ++x) map_x[x] = std::min(x / fx, s.size_x - 1);
  for (int z = 0; z < target.size_z; ++z) {
    const int k = std::min(z / fz, s.size_z - 1);
    for (int y = 0; y < target.size_y; ++y) {
      const std::uint8_t* src = &small.At(0, std::min(y / fy, s.size_y - 1), k);
      std::uint8_t* dst = &out.At(0, y, z);
      for (int x = 0; x < target.size_x; ++x) dst[x] = src[map_x[x]];
    }
  }
  return out;
}

}  // namespace alveo::kernels
