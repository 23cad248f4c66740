// SPDX-License-Identifier: Apache-2.0
// Internal to the kernels module: the squared Euclidean distance transform on a raw byte grid,
// shared by the distance API, morphology and the 2-D kernels. Thread-safety: pure; threads write
// disjoint lines. Ownership: the caller owns both buffers.
#pragma once

#include <cstdint>
#include <limits>

namespace alveo::kernels::internal {

struct EdtGrid {
  int nx = 0;
  int ny = 0;
  int nz = 0;
  double sx = 1.0;  // spacing (mm or pixels) along each axis
  double sy = 1.0;
  double sz = 1.0;
};

struct EdtOptions {
  bool sites_are_foreground = false;  // distance to foreground (true) or to background (false)
  bool per_slice = false;             // transform every z slice on its own (x/y only)
  bool outside_is_site = false;       // the space beyond the grid's edges counts as a site
  int threads = 1;
  // Squared distances above cap come out as +inf. Values at or below it are exact, and lines
  // whose samples all exceed it are skipped, so thresholding (morphology) gets cheaper.
  float cap = std::numeric_limits<float>::infinity();
};

// out[i] = squared distance from voxel i to the nearest site (0 on sites, +inf when there is
// none). `out` holds nx * ny * nz floats.
void SquaredEdt(const std::uint8_t* mask, const EdtGrid& grid, const EdtOptions& options,
                float* out);

}  // namespace alveo::kernels::internal
