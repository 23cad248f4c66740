// SPDX-License-Identifier: Apache-2.0
// 3x3x3 median by forgetful selection (Paeth): of the 27 samples keep 15, drop their minimum and
// maximum (neither can be the median), add the next sample, repeat; the last survivor is the
// median. Every step is a compare-exchange applied to 64 voxels at once, so it vectorises.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "classifier/kernels/parallel_internal.h"
#include "classifier/kernels/smoothing.h"

namespace alveo::kernels {
namespace {

constexpr int kSamples = 27;
constexpr int kFirstSet = kSamples / 2 + 2;  // 15
constexpr int kLanes = 64;                   // voxels per selection run

// Median of each of kLanes voxels whose 27 samples are samples[n][lane]. The working set lives in
// one local array and every compare-exchange pairs rows i and i + 1 of it, so the compiler can
// prove the rows independent and vectorise across lanes without runtime alias checks (also at
// -O2). Rows below lo hold discarded minima, rows above hi discarded maxima.
void MedianOfLanes(const std::array<const std::int16_t*, kSamples>& samples, std::int16_t* out) {
  std::int16_t set[kFirstSet][kLanes];
  for (int n = 0; n < kFirstSet; ++n) std::memcpy(set[n], samples[n], sizeof set[n]);
  auto compare_exchange = [&set](int i) {  // afterwards set[i][l] <= set[i + 1][l]
    for (int l = 0; l < kLanes; ++l) {
      const int a = set[i][l];
      const int b = set[i + 1][l];
      set[i][l] = static_cast<std::int16_t>(a < b ? a : b);  // ternaries become packed min/max
      set[i + 1][l] = static_cast<std::int16_t>(a < b ? b : a);
    }
  };
  int lo = 0;
  int hi = kFirstSet - 1;
  for (int next = kFirstSet;; ++next) {
    for (int i = lo; i < hi; ++i) compare_exchange(i);       // maximum to row hi
    for (int i = hi - 2; i >= lo; --i) compare_exchange(i);  // minimum to row lo
    ++lo;
    --hi;
    if (next == kSamples) break;
    ++hi;
    std::memcpy(set[hi], samples[next], sizeof set[hi]);
  }
  std::memcpy(out, set[lo], sizeof set[lo]);
}

// Copies source row shifted by dx in {-1, 0, 1} (edges replicated) to dst.
void ShiftedCopy(const std::int16_t* src, int nx, int dx, std::int16_t* dst) {
  const auto bytes = [](int count) { return static_cast<std::size_t>(count) * 2; };
  if (dx == 0 || nx == 1) {
    std::memcpy(dst, src, bytes(nx));
  } else if (dx < 0) {
    dst[0] = src[0];
    std::memcpy(dst + 1, src, bytes(nx - 1));
  } else {
    std::memcpy(dst, src + 1, bytes(nx - 1));
    dst[nx - 1] = src[nx - 1];
  }
}

int PaddedWidth(int nx) { return (nx + kLanes - 1) / kLanes * kLanes; }

void MedianRow(const Volume& in, int y, int z, std::vector<std::int16_t>& scratch,
               std::int16_t* out) {
  const VolumeGeometry& g = in.geometry;
  const int nx = g.size_x;
  const auto width = static_cast<std::size_t>(PaddedWidth(nx));
  std::array<std::int16_t*, kSamples> rows{};
  std::size_t n = 0;
  for (int dz = -1; dz <= 1; ++dz) {
    for (int dy = -1; dy <= 1; ++dy) {
      const std::int16_t* src =
          &in.At(0, std::clamp(y + dy, 0, g.size_y - 1), std::clamp(z + dz, 0, g.size_z - 1));
      for (int dx = -1; dx <= 1; ++dx, ++n) {
        rows[n] = scratch.data() + n * width;
        ShiftedCopy(src, nx, dx, rows[n]);
      }
    }
  }
  std::array<std::int16_t, kLanes> medians{};
  for (int x0 = 0; x0 < nx; x0 += kLanes) {
    std::array<const std::int16_t*, kSamples> samples{};
    for (std::size_t s = 0; s < samples.size(); ++s) samples[s] = rows[s] + x0;
    MedianOfLanes(samples, medians.data());
    std::memcpy(out + x0, medians.data(), static_cast<std::size_t>(std::min(kLanes, nx - x0)) * 2);
  }
}

}  // namespace

Volume MedianFilter3(const Volume& volume, int threads) {
  const VolumeGeometry& g = volume.geometry;
  if (volume.voxels.size() != g.VoxelCount()) {
    throw std::invalid_argument("MedianFilter3: voxel count does not match the geometry");
  }
  Volume out(g);
  if (g.VoxelCount() == 0) return out;
  internal::ParallelFor(g.size_z, threads, [&](int z0, int z1) {
    std::vector<std::int16_t> scratch(static_cast<std::size_t>(kSamples) *
                                      static_cast<std::size_t>(PaddedWidth(g.size_x)));
    for (int z = z0; z < z1; ++z) {
      for (int y = 0; y < g.size_y; ++y) MedianRow(volume, y, z, scratch, &out.At(0, y, z));
    }
  });
  return out;
}

}  // namespace alveo::kernels
