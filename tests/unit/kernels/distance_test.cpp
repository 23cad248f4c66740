// SPDX-License-Identifier: Apache-2.0
#include "classifier/kernels/distance.h"

#include <cmath>

#include <gtest/gtest.h>

#include "kernels_test_util.h"

namespace alveo::kernels {
namespace {

using testing::BruteDistance;
using testing::Grid;
using testing::RandomMask;

void ExpectNear(const std::vector<float>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isinf(want[i])) {
      ASSERT_TRUE(std::isinf(got[i])) << i;
    } else {
      ASSERT_NEAR(got[i], want[i], 1e-4 + 1e-6 * want[i]) << "voxel " << i;
    }
  }
}

TEST(DistanceTest, ExactAgainstBruteForceWithAnisotropicSpacing) {
  const VolumeGeometry g = Grid(13, 11, 9, 0.7, 1.3, 2.5);
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    const double density = seed % 3 == 0 ? 0.97 : (seed % 3 == 1 ? 0.03 : 0.5);
    const MaskVolume mask = RandomMask(g, density, seed, seed > 3 ? 1 : 0);
    ExpectNear(DistanceToBackground(mask).voxels, BruteDistance(mask, false, false, false));
    ExpectNear(DistanceToBackground(mask, true).voxels, BruteDistance(mask, false, true, false));
    ExpectNear(DistanceToForeground(mask).voxels, BruteDistance(mask, true, false, false));
  }
}

TEST(DistanceTest, PerSliceUsesInPlaneSpacingOnly) {
  const VolumeGeometry g = Grid(14, 10, 4, 1.6, 0.55, 5.0);
  for (std::uint32_t seed = 11; seed <= 14; ++seed) {
    const MaskVolume mask = RandomMask(g, seed % 2 ? 0.1 : 0.85, seed);
    ExpectNear(DistanceToBackgroundPerSlice(mask).voxels, BruteDistance(mask, false, false, true));
    ExpectNear(DistanceToBackgroundPerSlice(mask, true).voxels,
               BruteDistance(mask, false, true, true));
    ExpectNear(DistanceToForegroundPerSlice(mask).voxels, BruteDistance(mask, true, false, true));
  }
}

TEST(DistanceTest, ThreadCountDoesNotChangeTheResult) {
  const MaskVolume mask = RandomMask(Grid(24, 20, 17, 0.8, 0.8, 1.7), 0.7, 5, 1);
  const FloatVolume one = DistanceToBackground(mask, true, 1);
  const FloatVolume fg = DistanceToForeground(mask, 1);
  const FloatVolume slices = DistanceToBackgroundPerSlice(mask, false, 1);
  for (int threads : {2, 3, 7, 64}) {
    EXPECT_EQ(DistanceToBackground(mask, true, threads).voxels, one.voxels);
    EXPECT_EQ(DistanceToForeground(mask, threads).voxels, fg.voxels);
    EXPECT_EQ(DistanceToBackgroundPerSlice(mask, false, threads).voxels, slices.voxels);
  }
}

TEST(DistanceTest, NoSiteGivesInfinityUnlessTheOutsideCounts) {
  MaskVolume full(Grid(5, 4, 3, 1.0, 2.0, 3.0), 1);
  const FloatVolume d = DistanceToBackground(full);
  for (float v : d.voxels) EXPECT_TRUE(std::isinf(v));
  const FloatVolume edge = DistanceToBackground(full, true);
  EXPECT_FLOAT_EQ(edge.At(2, 1, 1), 3.0f);  // x: 3 * 1.0, y: 2 * 2.0, z: 2 * 3.0
  EXPECT_FLOAT_EQ(edge.At(2, 0, 1), 2.0f);  // y: 1 * 2.0
  EXPECT_FLOAT_EQ(edge.At(0, 0, 0), 1.0f);
  const FloatVolume empty = DistanceToForeground(MaskVolume(full.geometry));
  for (float v : empty.voxels) EXPECT_TRUE(std::isinf(v));
  EXPECT_EQ(DistanceToForeground(full).voxels, std::vector<float>(full.voxels.size(), 0.0f));
}

TEST(DistanceTest, TwoDimensionalInPixels) {
  for (std::uint32_t seed = 21; seed <= 24; ++seed) {
    Mask2D mask = testing::RandomMask2D(19, 15, seed % 2 ? 0.08 : 0.9, seed);
    mask.spacing_x = 0.3;  // ignored: distances are in pixels
    const MaskVolume as_volume = testing::AsVolume(mask);
    const Image2D bg = DistanceToBackground2D(mask);
    EXPECT_EQ(bg.width, 19);
    EXPECT_DOUBLE_EQ(bg.spacing_x, 0.3);
    ExpectNear(bg.pixels, BruteDistance(as_volume, false, false, true));
    ExpectNear(DistanceToBackground2D(mask, true).pixels,
               BruteDistance(as_volume, false, true, true));
    ExpectNear(DistanceToForeground2D(mask).pixels, BruteDistance(as_volume, true, false, true));
  }
}

}  // namespace
}  // namespace alveo::kernels
