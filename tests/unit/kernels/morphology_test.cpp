// SPDX-License-Identifier: Apache-2.0
#include "classifier/kernels/morphology.h"

#include <gtest/gtest.h>

#include "classifier/kernels/mask_ops.h"
#include "kernels_test_util.h"

namespace alveo::kernels {
namespace {

using testing::BruteDilate;
using testing::BruteDistance;
using testing::Grid;
using testing::RandomMask;

bool Contains(const MaskVolume& outer, const MaskVolume& inner) {
  return CountNonZero(AndNot(inner, outer)) == 0;
}

TEST(MorphologyTest, DilatingOneVoxelGivesTheBallInMillimetres) {
  MaskVolume m(Grid(15, 13, 9, 0.7, 1.1, 2.3));
  m.At(7, 6, 4) = 1;
  const MaskVolume ball = Dilate(m, 3.3);
  EXPECT_EQ(ball.voxels, BruteDilate(m, 3.3, false).voxels);
  // Extent along each axis: floor(3.3 / spacing) voxels either side.
  EXPECT_EQ(ball.At(7 + 4, 6, 4), 1);  // 2.8 mm
  EXPECT_EQ(ball.At(7 + 5, 6, 4), 0);  // 3.5 mm
  EXPECT_EQ(ball.At(7, 6 - 3, 4), 1);  // 3.3 mm: on the sphere, included
  EXPECT_EQ(ball.At(7, 6, 4 + 1), 1);  // 2.3 mm
  EXPECT_EQ(ball.At(7, 6, 4 + 2), 0);  // 4.6 mm
  MaskVolume iso(Grid(7, 7, 7));
  iso.At(3, 3, 3) = 1;
  EXPECT_EQ(CountNonZero(Dilate(iso, 2.0)), 33u);  // 1 + 6 + 12 + 8 + 6 lattice points
  EXPECT_EQ(CountNonZero(DilatePerSlice(iso, 2.0)), 13u);
}

TEST(MorphologyTest, DilateMatchesBruteForceOnRandomMasks) {
  const VolumeGeometry g = Grid(12, 10, 7, 0.9, 0.6, 1.9);
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    const MaskVolume m = RandomMask(g, 0.05 * seed, seed);
    const double r = 0.8 + 0.7 * seed;
    EXPECT_EQ(Dilate(m, r).voxels, BruteDilate(m, r, false).voxels) << seed;
    EXPECT_EQ(DilatePerSlice(m, r).voxels, BruteDilate(m, r, true).voxels) << seed;
  }
}

TEST(MorphologyTest, ErosionIsTheDualOfDilation) {
  const VolumeGeometry g = Grid(14, 12, 8, 0.8, 0.8, 1.6);
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    const MaskVolume m = RandomMask(g, 0.75, seed, 1);
    const double r = 0.9 * seed;
    // Outside = foreground: erosion == complement of the dilated complement.
    EXPECT_EQ(Erode(m, r).voxels, Invert(Dilate(Invert(m), r)).voxels) << seed;
    EXPECT_EQ(ErodePerSlice(m, r).voxels, Invert(DilatePerSlice(Invert(m), r)).voxels);
    // Outside = background: kept iff farther than r from any background incl. beyond the edge.
    const std::vector<double> d = BruteDistance(m, false, true, false);
    const MaskVolume eroded = Erode(m, r, true);
    for (std::size_t i = 0; i < d.size(); ++i) {
      ASSERT_EQ(eroded.voxels[i], d[i] > r * (1 + 1e-5) ? 1 : 0) << i;
    }
  }
}

TEST(MorphologyTest, ClosingBridgesGapsNarrowerThanTwoRadiiAndKeepsBorderStructures) {
  // Two slabs filling the whole y/z extent (touching four faces) with an x gap of 3 voxels.
  MaskVolume m(Grid(13, 6, 5, 1.0, 0.7, 2.0));
  for (int k = 0; k < 5; ++k) {
    for (int j = 0; j < 6; ++j) {
      for (int i = 0; i < 13; ++i) m.At(i, j, k) = (i <= 4 || i >= 8);
    }
  }
  const MaskVolume closed = Close(m, 2.0);  // centres 4 mm apart: bridged
  EXPECT_EQ(CountNonZero(closed), m.voxels.size());
  EXPECT_EQ(Close(m, 1.4).voxels, m.voxels);  // 2r < 4 mm: nothing changes
  EXPECT_EQ(ClosePerSlice(m, 2.0).voxels, closed.voxels);
  // A closing never removes foreground, wherever it touches the grid's edge.
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    const MaskVolume r = RandomMask(Grid(16, 14, 9, 0.7, 0.9, 2.1), 0.55, seed, 1);
    EXPECT_TRUE(Contains(Close(r, 1.0 + seed), r));
    EXPECT_TRUE(Contains(ClosePerSlice(r, 1.0 + seed), r));
    EXPECT_TRUE(Contains(r, Open(r, 1.0 + seed)));
    EXPECT_TRUE(Contains(r, OpenPerSlice(r, 1.0 + seed)));
  }
}

TEST(MorphologyTest, OpeningRemovesSpecksAndKeepsLargeBlocks) {
  MaskVolume m(Grid(16, 16, 10));
  m.At(2, 2, 2) = 1;              // speck
  for (int k = 0; k < 10; ++k) {  // block touching the -z and +z faces
    for (int j = 6; j < 14; ++j) {
      for (int i = 6; i < 14; ++i) m.At(i, j, k) = 1;
    }
  }
  EXPECT_EQ(Open(m, 1.5).At(2, 2, 2), 0);
  EXPECT_EQ(Open(m, 1.5).At(6, 6, 0), 1);  // the ball reaches the block's corner diagonally
  const MaskVolume opened = Open(m, 2.5);
  EXPECT_EQ(opened.At(2, 2, 2), 0);
  EXPECT_EQ(opened.At(6, 6, 0), 0);  // the block's edges are rounded off
  EXPECT_EQ(opened.At(9, 9, 0), 1);  // not eroded from the -z face
  EXPECT_EQ(opened.At(7, 9, 5), 1);
  EXPECT_EQ(Open(m, 0.0).voxels, m.voxels);
}

TEST(MorphologyTest, ThreadCountDoesNotChangeTheResult) {
  const MaskVolume m = RandomMask(Grid(20, 18, 12, 0.7, 0.7, 1.5), 0.6, 9, 1);
  const MaskVolume closed = Close(m, 2.5, 1);
  const MaskVolume opened = OpenPerSlice(m, 1.5, 1);
  for (int threads : {2, 5}) {
    EXPECT_EQ(Close(m, 2.5, threads).voxels, closed.voxels);
    EXPECT_EQ(OpenPerSlice(m, 1.5, threads).voxels, opened.voxels);
    EXPECT_EQ(Erode(m, 2.0, true, threads).voxels, Erode(m, 2.0, true).voxels);
  }
}

TEST(Morphology2DTest, DiscsInPixels) {
  for (std::uint32_t seed = 1; seed <= 3; ++seed) {
    Mask2D m = testing::RandomMask2D(17, 13, 0.04 * seed, seed);
    m.spacing_x = 0.25;  // ignored: radii are in pixels
    const MaskVolume as_volume = testing::AsVolume(m);
    const Mask2D dilated = Dilate2D(m, 2.3);
    EXPECT_EQ(dilated.pixels, BruteDilate(as_volume, 2.3, true).voxels);
    EXPECT_DOUBLE_EQ(dilated.spacing_x, 0.25);
    Mask2D inverse = m;
    for (auto& p : inverse.pixels) p = p ? 0 : 1;
    const Mask2D eroded = Erode2D(inverse, 2.3);
    for (std::size_t i = 0; i < eroded.pixels.size(); ++i) {
      ASSERT_EQ(eroded.pixels[i], dilated.pixels[i] ? 0 : 1);
    }
  }
  Mask2D bar(11, 5);
  for (int x = 0; x < 11; ++x) {
    for (int y = 1; y < 4; ++y) bar.At(x, y) = (x != 5);  // one-pixel gap
  }
  EXPECT_EQ(Close2D(bar, 1.0).At(5, 2), 1);
  EXPECT_EQ(Open2D(bar, 1.0).At(0, 2), 1);  // touches the edge: not eroded from the edge side
  EXPECT_EQ(Open2D(bar, 1.5).At(2, 2), 1);  // a disc of radius 1.5 fits 3 pixels
  EXPECT_EQ(Open2D(bar, 2.0).At(2, 2), 0);  // one of radius 2 does not
  EXPECT_EQ(Erode2D(bar, 1.0, true).At(0, 2), 0);
}

}  // namespace
}  // namespace alveo::kernels
