// SPDX-License-Identifier: Apache-2.0
#include "classifier/kernels/resample.h"

#include <cmath>
#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

#include "kernels_test_util.h"

namespace alveo::kernels {
namespace {

using testing::Grid;

TEST(ResampleTest, DownsampledGeometryMovesOriginToTheFirstBlockCentre) {
  VolumeGeometry g = Grid(512, 511, 301, 0.7, 0.7, 1.25);
  g.origin = {-180.0, -200.0, 50.0};
  g.row_direction = {0.0, 1.0, 0.0};      // oblique: columns run along +y
  g.column_direction = {-1.0, 0.0, 0.0};  // rows along -x
  g.slice_direction = {0.0, 0.0, -1.0};
  const VolumeGeometry d = DownsampledGeometry(g, 2, 2, 4);
  EXPECT_EQ(d.size_x, 256);
  EXPECT_EQ(d.size_y, 256);  // 511 / 2 rounded up
  EXPECT_EQ(d.size_z, 76);   // 301 / 4 rounded up
  EXPECT_DOUBLE_EQ(d.spacing[0], 1.4);
  EXPECT_DOUBLE_EQ(d.spacing[2], 5.0);
  EXPECT_EQ(d.row_direction, g.row_direction);
  // Origin = centre of voxels (0..1, 0..1, 0..3): 0.35 mm along rows, 0.35 along columns, 1.875
  // along slices.
  EXPECT_NEAR(d.origin[0], -180.0 - 0.35, 1e-12);
  EXPECT_NEAR(d.origin[1], -200.0 + 0.35, 1e-12);
  EXPECT_NEAR(d.origin[2], 50.0 - 1.875, 1e-12);
  // The centre of every block is the centre of the voxels it holds (full blocks).
  const Vec3 p = d.PositionOf(10, 20, 30);
  const Vec3 q = g.PositionOf(20.5, 40.5, 121.5);
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(p[a], q[a], 1e-9);
  EXPECT_THROW(DownsampledGeometry(g, 0, 1, 1), std::invalid_argument);
}

TEST(ResampleTest, BlockMeanIncludingPartialBlocks) {
  const VolumeGeometry g = Grid(5, 4, 3);
  Volume v(g);
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> value(-1000, 1000);
  for (auto& x : v.voxels) x = static_cast<std::int16_t>(value(rng));
  const Volume d = DownsampleMean(v, 2, 3, 2);
  ASSERT_EQ(d.geometry.size_x, 3);
  ASSERT_EQ(d.geometry.size_y, 2);
  ASSERT_EQ(d.geometry.size_z, 2);
  const FloatVolume f = DownsampleMean(ToFloat(v), 2, 3, 2);
  for (int k = 0; k < 2; ++k) {
    for (int j = 0; j < 2; ++j) {
      for (int i = 0; i < 3; ++i) {
        double sum = 0;
        int n = 0;
        for (int c = 2 * k; c < std::min(3, 2 * k + 2); ++c) {
          for (int b = 3 * j; b < std::min(4, 3 * j + 3); ++b) {
            for (int a = 2 * i; a < std::min(5, 2 * i + 2); ++a, ++n) sum += v.At(a, b, c);
          }
        }
        EXPECT_EQ(d.At(i, j, k), std::lround(sum / n)) << i << j << k;
        EXPECT_NEAR(f.At(i, j, k), sum / n, 1e-3);
      }
    }
  }
  Volume pair(Grid(2, 1, 1));
  pair.voxels = {1, 2};
  EXPECT_EQ(DownsampleMean(pair, 2, 1, 1).voxels[0], 2);  // 1.5 rounds away from zero
  pair.voxels = {-1, -2};
  EXPECT_EQ(DownsampleMean(pair, 2, 1, 1).voxels[0], -2);
  EXPECT_EQ(DownsampleMean(pair, 1, 1, 1).voxels, pair.voxels);
}

TEST(ResampleTest, MajorityCountsHalfAsForeground) {
  MaskVolume m(Grid(4, 2, 1));
  m.voxels = {1, 9, 0, 0,  // block 0: 3 of 4, block 1: 1 of 4
              0, 1, 1, 0};
  const MaskVolume d = DownsampleMajority(m, 2, 2, 1);
  EXPECT_EQ(d.voxels, (std::vector<std::uint8_t>{1, 0}));
  m.voxels = {1, 0, 0, 0, 0, 1, 0, 0};  // 2 of 4 -> foreground
  EXPECT_EQ(DownsampleMajority(m, 2, 2, 1).voxels, (std::vector<std::uint8_t>{1, 0}));
  MaskVolume odd(Grid(3, 1, 1));
  odd.voxels = {0, 0, 1};  // the partial block {1} is all foreground
  EXPECT_EQ(DownsampleMajority(odd, 2, 1, 1).voxels, (std::vector<std::uint8_t>{0, 1}));
}

TEST(ResampleTest, UpsampleNearestInvertsTheBlockDownsample) {
  const VolumeGeometry g = Grid(11, 9, 7, 0.7, 0.7, 1.0);
  const MaskVolume blocks = testing::RandomMask(Grid(4, 3, 3), 0.5, 8);
  const MaskVolume full = UpsampleNearest(blocks, g, 3, 3, 3);
  EXPECT_EQ(full.geometry.size_x, 11);
  EXPECT_DOUBLE_EQ(full.geometry.spacing[0], 0.7);
  for (int k = 0; k < 7; ++k) {
    for (int j = 0; j < 9; ++j) {
      for (int i = 0; i < 11; ++i) ASSERT_EQ(full.At(i, j, k), blocks.At(i / 3, j / 3, k / 3));
    }
  }
  EXPECT_EQ(DownsampleMajority(full, 3, 3, 3).voxels, blocks.voxels);
}

}  // namespace
}  // namespace alveo::kernels
