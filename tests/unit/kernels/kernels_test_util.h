// SPDX-License-Identifier: Apache-2.0
// Test helpers for the kernels: seeded random masks and slow, obviously-correct reference
// implementations (brute-force distances, flood-fill labelling) to compare the kernels against.
// Thread-safety: pure functions. Ownership: results by value.
#pragma once

#include <cstdint>
#include <vector>

#include "classifier/kernels/components.h"
#include "core/image2d.h"
#include "core/volume.h"

namespace alveo::kernels::testing {

VolumeGeometry Grid(int nx, int ny, int nz, double sx = 1.0, double sy = 1.0, double sz = 1.0);

// Foreground with probability `density`, optionally smoothed into blobs (majority of the 3x3x3
// neighbourhood, `blob_passes` times) so that components and holes have interesting shapes.
MaskVolume RandomMask(const VolumeGeometry& g, double density, std::uint32_t seed,
                      int blob_passes = 0);
Mask2D RandomMask2D(int width, int height, double density, std::uint32_t seed);

// Brute-force distance (mm) from each voxel to the nearest site: voxels with (mask != 0) ==
// sites_fg, plus every position beyond the grid when outside_is_site. per_slice keeps to the slice.
std::vector<double> BruteDistance(const MaskVolume& mask, bool sites_fg, bool outside_is_site,
                                  bool per_slice);

// Brute-force labelling: breadth-first flood fill from each unlabelled voxel in raster order.
std::vector<std::uint32_t> BruteLabels(const MaskVolume& mask, Connectivity connectivity,
                                       std::uint32_t* count);

// Brute-force dilation by the Euclidean ball of radius r (tolerance as in morphology.h).
MaskVolume BruteDilate(const MaskVolume& mask, double radius, bool per_slice);

// Copies a 2-D mask into a one-slice volume with spacing 1 (and back).
MaskVolume AsVolume(const Mask2D& mask);

}  // namespace alveo::kernels::testing
