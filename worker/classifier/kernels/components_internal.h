// SPDX-License-Identifier: Apache-2.0
// Internal to the kernels module: the run-based labeller on a raw nx*ny*nz byte grid (and a
// keep-largest that needs no label map), shared by the 3-D and the 2-D (nz == 1) entry points.
// Thread-safety: pure. Ownership: results by value.
#pragma once

#include <cstdint>
#include <vector>

#include "classifier/kernels/components.h"

namespace alveo::kernels::internal {

// Labels the non-zero bytes of data (x fastest). With nz == 1, k6 is 4- and k26 is 8-connectivity.
Components LabelGrid(const std::uint8_t* data, int nx, int ny, int nz, Connectivity connectivity,
                     int threads);

// 0/1 mask of the `count` largest components (ties: lower label first), painted straight from
// the runs (no label map).
std::vector<std::uint8_t> KeepLargestGrid(const std::uint8_t* data, int nx, int ny, int nz,
                                          Connectivity connectivity, int count);

}  // namespace alveo::kernels::internal
