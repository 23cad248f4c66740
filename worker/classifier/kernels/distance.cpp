// SPDX-License-Identifier: Apache-2.0
// Pass 1 (rows, x): index distance to the nearest site of the row, squared and scaled. Passes 2
// (columns, y) and 3 (z): the 1-D transform g(q) = min_p f(p) + (step * (q - p))^2 computed as the
// lower envelope of the parabolas rooted at every finite sample.
#include "classifier/kernels/distance.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <vector>

#include "classifier/kernels/distance_internal.h"
#include "classifier/kernels/parallel_internal.h"

namespace alveo::kernels {
namespace internal {
namespace {

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInfD = std::numeric_limits<double>::infinity();

// Per-thread scratch for one line of the 1-D transform.
struct Envelope {
  explicit Envelope(int n)
      : f(static_cast<std::size_t>(n)),
        pos(static_cast<std::size_t>(n)),
        height(static_cast<std::size_t>(n)),
        key(static_cast<std::size_t>(n)),
        left(static_cast<std::size_t>(n)) {}
  std::vector<double> f;       // the line's input samples
  std::vector<double> pos;     // vertex position (mm) of each parabola of the envelope
  std::vector<double> height;  // its f value
  std::vector<double> key;     // height + pos^2 (numerator term of the intersection)
  std::vector<double> left;    // where the parabola starts to be the lowest (mm)
};

// out[q] for q in [write_lo, write_hi) = min over p in [lo, hi) of f[p] + (step * (q - p))^2,
// f being env.f; values above cap become +inf.
void LowerEnvelope(Envelope& env, int lo, int hi, int write_lo, int write_hi, double step,
                   float cap, float* out) {
  int k = -1;
  for (int q = lo; q < hi; ++q) {
    const double fq = env.f[q];
    if (fq == kInfD) continue;
    const double pq = step * q;
    const double key = fq + pq * pq;
    double boundary = -kInfD;
    while (k >= 0) {
      boundary = (key - env.key[k]) / (2.0 * (pq - env.pos[k]));
      if (boundary > env.left[k]) break;
      --k;
    }
    if (k < 0) boundary = -kInfD;
    ++k;
    env.pos[k] = pq;
    env.height[k] = fq;
    env.key[k] = key;
    env.left[k] = boundary;
  }
  int j = 0;
  for (int q = write_lo; q < write_hi; ++q) {
    const double pq = step * q;
    while (j < k && env.left[j + 1] <= pq) ++j;
    const double d = pq - env.pos[j];
    const auto value = static_cast<float>(k < 0 ? kInfD : env.height[j] + d * d);
    out[q] = value > cap ? kInfF : value;
  }
}

// In-place 1-D transform of a line of n samples. A zero sample is a site that beats every parabola
// rooted beyond it, so zeros cut the line into independent stretches: only the runs of positive
// samples are transformed, each with the zeros that bound it. Lines without a site (all +inf)
// are already final.
void TransformLine(float* line, int n, double step, float cap, Envelope& env) {
  bool any_site = false;
  for (int q = 0; q < n; ++q) {
    const float v = line[q];
    env.f[q] = v;
    any_site = any_site || v != kInfF;
  }
  if (!any_site) return;
  int q = 0;
  while (q < n) {
    while (q < n && env.f[q] == 0.0) ++q;
    const int start = q;
    while (q < n && env.f[q] != 0.0) ++q;
    if (start == q) break;
    LowerEnvelope(env, std::max(start - 1, 0), std::min(q + 1, n), start, q, step, cap, line);
  }
}

// Lines are transformed in blocks of kBlock neighbours (one cache line of floats): the block is
// copied out row by row into a contiguous buffer and back. Strided access one line at a time hits
// the same few cache sets (the strides are powers of two) and would miss on nearly every sample.
constexpr int kBlock = 16;

// Transforms lines base + b (0 <= b < count <= kBlock), each of n samples `stride` apart.
void TransformBlock(float* base, std::ptrdiff_t stride, int count, int n, double step, float cap,
                    Envelope& env, std::vector<float>& block) {
  block.resize(static_cast<std::size_t>(kBlock) * static_cast<std::size_t>(n));
  for (int q = 0; q < n; ++q) {
    const float* src = base + q * stride;
    for (int b = 0; b < count; ++b) block[static_cast<std::size_t>(b) * n + q] = src[b];
  }
  for (int b = 0; b < count; ++b) {
    TransformLine(block.data() + static_cast<std::size_t>(b) * n, n, step, cap, env);
  }
  for (int q = 0; q < n; ++q) {
    float* dst = base + q * stride;
    for (int b = 0; b < count; ++b) dst[b] = block[static_cast<std::size_t>(b) * n + q];
  }
}

// Squared distance along x to the nearest site of the row (+inf when the row has none).
void RowPass(const std::uint8_t* mask, int nx, double sx, bool sites_fg, float cap,
             std::vector<int>& dist, float* out) {
  constexpr int kNone = std::numeric_limits<int>::max();
  int last = -1;
  for (int x = 0; x < nx; ++x) {
    if ((mask[x] != 0) == sites_fg) last = x;
    dist[x] = last < 0 ? kNone : x - last;
  }
  int next = -1;
  for (int x = nx - 1; x >= 0; --x) {
    if ((mask[x] != 0) == sites_fg) next = x;
    if (next >= 0) dist[x] = std::min(dist[x], next - x);
    const double d = dist[x] * sx;
    const auto value = static_cast<float>(d * d);
    out[x] = (dist[x] == kNone || value > cap) ? kInfF : value;
  }
}

// Squared distance from each index of an axis of n samples to the nearest index beyond its ends.
std::vector<float> BorderDistance(int n, double step) {
  std::vector<float> out(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const double d = std::min(i + 1, n - i) * step;
    out[i] = static_cast<float>(d * d);
  }
  return out;
}

void ApplyOutsideSites(const EdtGrid& g, const EdtOptions& options, float* out) {
  const std::vector<float> bx = BorderDistance(g.nx, g.sx);
  const std::vector<float> by = BorderDistance(g.ny, g.sy);
  const std::vector<float> bz = BorderDistance(g.nz, g.sz);
  ParallelFor(g.nz, options.threads, [&](int z0, int z1) {
    for (int z = z0; z < z1; ++z) {
      for (int y = 0; y < g.ny; ++y) {
        const float m = options.per_slice ? by[y] : std::min(by[y], bz[z]);
        float* row = out + (static_cast<std::size_t>(z) * g.ny + y) * g.nx;
        for (int x = 0; x < g.nx; ++x) row[x] = std::min(row[x], std::min(bx[x], m));
      }
    }
  });
}

}  // namespace

void SquaredEdt(const std::uint8_t* mask, const EdtGrid& g, const EdtOptions& options, float* out) {
  if (g.nx <= 0 || g.ny <= 0 || g.nz <= 0) return;
  const std::size_t slice = static_cast<std::size_t>(g.nx) * static_cast<std::size_t>(g.ny);
  const auto nx = static_cast<std::ptrdiff_t>(g.nx);
  ParallelFor(g.nz, options.threads, [&](int z0, int z1) {
    Envelope env(g.ny);
    std::vector<int> dist(static_cast<std::size_t>(g.nx));
    std::vector<float> block;
    for (int z = z0; z < z1; ++z) {
      float* plane = out + static_cast<std::size_t>(z) * slice;
      for (std::size_t row = 0; row < slice; row += static_cast<std::size_t>(g.nx)) {
        RowPass(mask + static_cast<std::size_t>(z) * slice + row, g.nx, g.sx,
                options.sites_are_foreground, options.cap, dist, plane + row);
      }
      for (int x = 0; x < g.nx; x += kBlock) {
        TransformBlock(plane + x, nx, std::min(kBlock, g.nx - x), g.ny, g.sy, options.cap, env,
                       block);
      }
    }
  });
  if (!options.per_slice && g.nz > 1) {
    ParallelFor(g.ny, options.threads, [&](int y0, int y1) {
      Envelope env(g.nz);
      std::vector<float> block;
      for (int y = y0; y < y1; ++y) {
        for (int x = 0; x < g.nx; x += kBlock) {
          TransformBlock(out + static_cast<std::size_t>(y) * g.nx + x,
                         static_cast<std::ptrdiff_t>(slice), std::min(kBlock, g.nx - x), g.nz, g.sz,
                         options.cap, env, block);
        }
      }
    });
  }
  if (options.outside_is_site) ApplyOutsideSites(g, options, out);
}

}  // namespace internal

namespace {

FloatVolume Distance(const MaskVolume& mask, const internal::EdtOptions& options) {
  const VolumeGeometry& g = mask.geometry;
  if (mask.voxels.size() != g.VoxelCount()) {
    throw std::invalid_argument("distance transform: voxel count does not match the geometry");
  }
  FloatVolume out(g);
  const internal::EdtGrid grid{g.size_x,     g.size_y,     g.size_z,
                               g.spacing[0], g.spacing[1], g.spacing[2]};
  internal::SquaredEdt(mask.voxels.data(), grid, options, out.voxels.data());
  for (float& v : out.voxels) v = std::sqrt(v);
  return out;
}

Image2D Distance2D(const Mask2D& mask, const internal::EdtOptions& options) {
  if (mask.width < 0 || mask.height < 0 ||
      mask.pixels.size() !=
          static_cast<std::size_t>(mask.width) * static_cast<std::size_t>(mask.height)) {
    throw std::invalid_argument("distance transform: pixel count does not match the size");
  }
  Image2D out(mask.width, mask.height);
  out.spacing_x = mask.spacing_x;
  out.spacing_y = mask.spacing_y;
  const internal::EdtGrid grid{mask.width, mask.height, 1, 1.0, 1.0, 1.0};
  internal::SquaredEdt(mask.pixels.data(), grid, options, out.pixels.data());
  for (float& v : out.pixels) v = std::sqrt(v);
  return out;
}

}  // namespace

FloatVolume DistanceToBackground(const MaskVolume& mask, bool outside_is_background, int threads) {
  return Distance(mask, {.outside_is_site = outside_is_background, .threads = threads});
}

FloatVolume DistanceToForeground(const MaskVolume& mask, int threads) {
  return Distance(mask, {.sites_are_foreground = true, .threads = threads});
}

FloatVolume DistanceToBackgroundPerSlice(const MaskVolume& mask, bool outside_is_background,
                                         int threads) {
  return Distance(
      mask, {.per_slice = true, .outside_is_site = outside_is_background, .threads = threads});
}

FloatVolume DistanceToForegroundPerSlice(const MaskVolume& mask, int threads) {
  return Distance(mask, {.sites_are_foreground = true, .per_slice = true, .threads = threads});
}

Image2D DistanceToBackground2D(const Mask2D& mask, bool outside_is_background) {
  return Distance2D(mask, {.per_slice = true, .outside_is_site = outside_is_background});
}

Image2D DistanceToForeground2D(const Mask2D& mask) {
  return Distance2D(mask, {.sites_are_foreground = true, .per_slice = true});
}

}  // namespace alveo::kernels
