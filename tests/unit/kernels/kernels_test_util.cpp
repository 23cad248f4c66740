// SPDX-License-Identifier: Apache-2.0
#include "kernels_test_util.h"

#include <cmath>
#include <deque>
#include <limits>
#include <random>

namespace alveo::kernels::testing {

VolumeGeometry Grid(int nx, int ny, int nz, double sx, double sy, double sz) {
  VolumeGeometry g;
  g.size_x = nx;
  g.size_y = ny;
  g.size_z = nz;
  g.spacing = {sx, sy, sz};
  return g;
}

MaskVolume RandomMask(const VolumeGeometry& g, double density, std::uint32_t seed,
                      int blob_passes) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution coin(density);
  MaskVolume mask(g);
  for (auto& v : mask.voxels) v = coin(rng) ? 1 : 0;
  for (int pass = 0; pass < blob_passes; ++pass) {
    MaskVolume next(g);
    for (int k = 0; k < g.size_z; ++k) {
      for (int j = 0; j < g.size_y; ++j) {
        for (int i = 0; i < g.size_x; ++i) {
          int on = 0, all = 0;
          for (int dk = -1; dk <= 1; ++dk) {
            for (int dj = -1; dj <= 1; ++dj) {
              for (int di = -1; di <= 1; ++di) {
                if (!g.Contains(i + di, j + dj, k + dk)) continue;
                ++all;
                on += mask.At(i + di, j + dj, k + dk) != 0;
              }
            }
          }
          next.At(i, j, k) = 2 * on > all ? 1 : 0;
        }
      }
    }
    mask = next;
  }
  return mask;
}

Mask2D RandomMask2D(int width, int height, double density, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution coin(density);
  Mask2D mask(width, height);
  for (auto& v : mask.pixels) v = coin(rng) ? 1 : 0;
  return mask;
}

std::vector<double> BruteDistance(const MaskVolume& mask, bool sites_fg, bool outside_is_site,
                                  bool per_slice) {
  const VolumeGeometry& g = mask.geometry;
  // One ring beyond the grid is enough: any farther outside point has a nearer one on the ring.
  struct Site {
    int i, j, k;
  };
  std::vector<Site> sites;
  const int pad = outside_is_site ? 1 : 0;
  for (int k = -pad; k < g.size_z + pad; ++k) {
    for (int j = -pad; j < g.size_y + pad; ++j) {
      for (int i = -pad; i < g.size_x + pad; ++i) {
        const bool inside = g.Contains(i, j, k);
        if (per_slice && (k < 0 || k >= g.size_z)) continue;
        if ((!inside) || ((mask.At(i, j, k) != 0) == sites_fg)) sites.push_back({i, j, k});
      }
    }
  }
  std::vector<double> out(g.VoxelCount(), std::numeric_limits<double>::infinity());
  for (int k = 0; k < g.size_z; ++k) {
    for (int j = 0; j < g.size_y; ++j) {
      for (int i = 0; i < g.size_x; ++i) {
        double best = std::numeric_limits<double>::infinity();
        for (const Site& s : sites) {
          if (per_slice && s.k != k) continue;
          const double dx = (s.i - i) * g.spacing[0];
          const double dy = (s.j - j) * g.spacing[1];
          const double dz = (s.k - k) * g.spacing[2];
          best = std::min(best, dx * dx + dy * dy + dz * dz);
        }
        out[g.Index(i, j, k)] = std::sqrt(best);
      }
    }
  }
  return out;
}

std::vector<std::uint32_t> BruteLabels(const MaskVolume& mask, Connectivity connectivity,
                                       std::uint32_t* count) {
  const VolumeGeometry& g = mask.geometry;
  const int max_nonzero = connectivity == Connectivity::k6    ? 1
                          : connectivity == Connectivity::k18 ? 2
                                                              : 3;
  std::vector<std::uint32_t> labels(g.VoxelCount(), 0);
  std::uint32_t next = 0;
  for (int k = 0; k < g.size_z; ++k) {
    for (int j = 0; j < g.size_y; ++j) {
      for (int i = 0; i < g.size_x; ++i) {
        if (mask.At(i, j, k) == 0 || labels[g.Index(i, j, k)] != 0) continue;
        ++next;
        std::deque<std::array<int, 3>> queue{{i, j, k}};
        labels[g.Index(i, j, k)] = next;
        while (!queue.empty()) {
          const auto [a, b, c] = queue.front();
          queue.pop_front();
          for (int dk = -1; dk <= 1; ++dk) {
            for (int dj = -1; dj <= 1; ++dj) {
              for (int di = -1; di <= 1; ++di) {
                const int nonzero = (di != 0) + (dj != 0) + (dk != 0);
                if (nonzero == 0 || nonzero > max_nonzero) continue;
                const int x = a + di, y = b + dj, z = c + dk;
                if (!g.Contains(x, y, z) || mask.At(x, y, z) == 0) continue;
                if (labels[g.Index(x, y, z)] != 0) continue;
                labels[g.Index(x, y, z)] = next;
                queue.push_back({x, y, z});
              }
            }
          }
        }
      }
    }
  }
  *count = next;
  return labels;
}

MaskVolume BruteDilate(const MaskVolume& mask, double radius, bool per_slice) {
  const VolumeGeometry& g = mask.geometry;
  const double limit = radius * (1.0 + 1e-5);
  MaskVolume out(g);
  for (int k = 0; k < g.size_z; ++k) {
    for (int j = 0; j < g.size_y; ++j) {
      for (int i = 0; i < g.size_x; ++i) {
        if (mask.At(i, j, k) == 0) continue;
        for (int c = 0; c < g.size_z; ++c) {
          if (per_slice && c != k) continue;
          for (int b = 0; b < g.size_y; ++b) {
            for (int a = 0; a < g.size_x; ++a) {
              const double dx = (a - i) * g.spacing[0];
              const double dy = (b - j) * g.spacing[1];
              const double dz = (c - k) * g.spacing[2];
              if (dx * dx + dy * dy + dz * dz <= limit * limit) out.At(a, b, c) = 1;
            }
          }
        }
      }
    }
  }
  return out;
}

MaskVolume AsVolume(const Mask2D& mask) {
  MaskVolume out(Grid(mask.width, mask.height, 1));
  out.voxels = mask.pixels;
  return out;
}

}  // namespace alveo::kernels::testing
