// SPDX-License-Identifier: Apache-2.0
#include "classifier/kernels/components.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "kernels_test_util.h"

namespace alveo::kernels {
namespace {

using testing::BruteLabels;
using testing::Grid;
using testing::RandomMask;

constexpr Connectivity kAll[] = {Connectivity::k6, Connectivity::k18, Connectivity::k26};

// Statistics recomputed voxel by voxel from a label map.
void ExpectStatsMatch(const Components& c, const VolumeGeometry& g) {
  for (const Component& comp : c.components) {
    std::size_t n = 0;
    std::array<double, 3> sum{};
    std::array<int, 3> lo{1 << 30, 1 << 30, 1 << 30}, hi{-1, -1, -1};
    std::array<bool, 6> face{};
    for (int k = 0; k < g.size_z; ++k) {
      for (int j = 0; j < g.size_y; ++j) {
        for (int i = 0; i < g.size_x; ++i) {
          if (c.labels[g.Index(i, j, k)] != comp.label) continue;
          ++n;
          const std::array<int, 3> p{i, j, k};
          const std::array<int, 3> size{g.size_x, g.size_y, g.size_z};
          for (int a = 0; a < 3; ++a) {
            sum[a] += p[a];
            lo[a] = std::min(lo[a], p[a]);
            hi[a] = std::max(hi[a], p[a]);
            face[2 * a] = face[2 * a] || p[a] == 0;
            face[2 * a + 1] = face[2 * a + 1] || p[a] == size[a] - 1;
          }
        }
      }
    }
    ASSERT_EQ(comp.voxels, n) << comp.label;
    EXPECT_EQ(comp.min, lo);
    EXPECT_EQ(comp.max, hi);
    EXPECT_EQ(comp.touches_face, face);
    EXPECT_EQ(comp.touches_border, std::count(face.begin(), face.end(), true) > 0);
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(comp.centroid[a], sum[a] / n, 1e-9);
  }
}

TEST(LabelComponentsTest, MatchesFloodFillOnRandomMasks) {
  const VolumeGeometry g = Grid(23, 17, 11);
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    const MaskVolume mask = RandomMask(g, 0.2 + 0.08 * seed, seed, seed % 2);
    for (Connectivity c : kAll) {
      std::uint32_t count = 0;
      const std::vector<std::uint32_t> expected = BruteLabels(mask, c, &count);
      const Components got = LabelComponents(mask, c);
      ASSERT_EQ(got.components.size(), count) << "seed " << seed;
      ASSERT_EQ(got.labels, expected) << "seed " << seed;  // same raster-order numbering
      for (std::size_t i = 0; i < got.components.size(); ++i) {
        EXPECT_EQ(got.components[i].label, i + 1);
      }
      ExpectStatsMatch(got, g);
    }
  }
}

TEST(LabelComponentsTest, ThreadCountDoesNotChangeTheResult) {
  const MaskVolume mask = RandomMask(Grid(31, 19, 13), 0.45, 7, 1);
  for (Connectivity c : kAll) {
    const Components one = LabelComponents(mask, c, 1);
    for (int threads : {2, 3, 5, 13, 40}) {
      const Components many = LabelComponents(mask, c, threads);
      ASSERT_EQ(many.labels, one.labels) << threads;
      ASSERT_EQ(many.components.size(), one.components.size());
      for (std::size_t i = 0; i < one.components.size(); ++i) {
        EXPECT_EQ(many.components[i].voxels, one.components[i].voxels);
        EXPECT_EQ(many.components[i].centroid, one.components[i].centroid);
      }
    }
  }
}

TEST(LabelComponentsTest, DiagonalNeighboursDependOnConnectivity) {
  MaskVolume m(Grid(3, 3, 3));
  m.At(0, 0, 0) = 1;
  m.At(1, 1, 0) = 1;  // edge neighbour of (0,0,0)
  m.At(2, 2, 1) = 1;  // corner neighbour of (1,1,0)
  EXPECT_EQ(LabelComponents(m, Connectivity::k6).components.size(), 3u);
  EXPECT_EQ(LabelComponents(m, Connectivity::k18).components.size(), 2u);
  EXPECT_EQ(LabelComponents(m, Connectivity::k26).components.size(), 1u);
}

TEST(LabelComponentsTest, EmptyFullAndInteriorMasks) {
  MaskVolume m(Grid(5, 4, 3));
  EXPECT_TRUE(LabelComponents(m).components.empty());
  m.At(2, 2, 1) = 1;
  const Components one = LabelComponents(m);
  ASSERT_EQ(one.components.size(), 1u);
  EXPECT_FALSE(one.components[0].touches_border);
  EXPECT_EQ(one.components[0].centroid, (std::array<double, 3>{2, 2, 1}));
  m.voxels.assign(m.voxels.size(), 255);
  const Components full = LabelComponents(m, Connectivity::k26, 2);
  ASSERT_EQ(full.components.size(), 1u);
  EXPECT_EQ(full.components[0].voxels, m.voxels.size());
  EXPECT_EQ(full.components[0].touches_face, (std::array<bool, 6>{1, 1, 1, 1, 1, 1}));
}

TEST(LabelComponentsTest, MaskOfLabelsAndKeepLargest) {
  MaskVolume m(Grid(10, 3, 2));
  for (int i : {0, 1, 2}) m.At(i, 0, 0) = 1;        // label 1, 3 voxels
  for (int i : {5}) m.At(i, 0, 0) = 1;              // label 2, 1 voxel
  for (int i : {3, 4, 5, 6, 7}) m.At(i, 2, 1) = 1;  // label 3, 5 voxels
  const Components c = LabelComponents(m);
  ASSERT_EQ(c.components.size(), 3u);
  EXPECT_EQ(c.components[1].voxels, 1u);
  const MaskVolume only2 = MaskOfLabels(c, m.geometry, {2, 99});
  EXPECT_EQ(std::count(only2.voxels.begin(), only2.voxels.end(), 1), 1);
  EXPECT_EQ(only2.At(5, 0, 0), 1);
  const MaskVolume largest = KeepLargest(m, 2, Connectivity::k6);
  EXPECT_EQ(std::count(largest.voxels.begin(), largest.voxels.end(), 1), 8);
  EXPECT_EQ(largest.At(5, 0, 0), 0);
  const MaskVolume none = KeepLargest(m, 0);
  EXPECT_EQ(std::count(none.voxels.begin(), none.voxels.end(), 1), 0);
  const MaskVolume all = KeepLargest(m, 10);
  EXPECT_EQ(std::count(all.voxels.begin(), all.voxels.end(), 1), 9);
  MaskVolume tie(Grid(5, 1, 1));
  tie.voxels = {1, 0, 0, 0, 1};
  EXPECT_EQ(KeepLargest(tie, 1).voxels, (std::vector<std::uint8_t>{1, 0, 0, 0, 0}));
}

TEST(LabelComponents2DTest, MatchesFloodFillWith4And8Connectivity) {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    const Mask2D mask = testing::RandomMask2D(29, 21, 0.35 + 0.05 * seed, seed);
    const MaskVolume as_volume = testing::AsVolume(mask);
    for (auto [c2, c3] : {std::pair{Connectivity2D::k4, Connectivity::k6},
                          std::pair{Connectivity2D::k8, Connectivity::k26}}) {
      std::uint32_t count = 0;
      const std::vector<std::uint32_t> expected = BruteLabels(as_volume, c3, &count);
      const Components2D got = LabelComponents2D(mask, c2);
      ASSERT_EQ(got.components.size(), count);
      ASSERT_EQ(got.labels, expected);
      for (const Component2D& comp : got.components) {
        const bool edge =
            comp.min[0] == 0 || comp.min[1] == 0 || comp.max[0] == 28 || comp.max[1] == 20;
        EXPECT_EQ(comp.touches_border, edge);
      }
    }
  }
}

TEST(LabelComponents2DTest, StatsAndKeepLargest) {
  Mask2D m(6, 5);
  m.spacing_x = 0.5;
  for (int y = 1; y <= 3; ++y) {
    for (int x = 1; x <= 2; ++x) m.At(x, y) = 1;  // 6 pixels, interior
  }
  m.At(5, 4) = 1;  // 1 pixel in the corner
  const Components2D c = LabelComponents2D(m);
  ASSERT_EQ(c.components.size(), 2u);
  const Component2D& big = c.components[0];
  EXPECT_EQ(big.pixels, 6u);
  EXPECT_EQ(big.min, (std::array<int, 2>{1, 1}));
  EXPECT_EQ(big.max, (std::array<int, 2>{2, 3}));
  EXPECT_DOUBLE_EQ(big.centroid[0], 1.5);
  EXPECT_DOUBLE_EQ(big.centroid[1], 2.0);
  EXPECT_FALSE(big.touches_border);
  EXPECT_TRUE(c.components[1].touches_border);
  EXPECT_EQ(c.components[1].touches_edge, (std::array<bool, 4>{false, true, false, true}));
  const Mask2D kept = KeepLargest2D(m, 1);
  EXPECT_EQ(kept.At(5, 4), 0);
  EXPECT_EQ(kept.At(1, 1), 1);
  EXPECT_DOUBLE_EQ(kept.spacing_x, 0.5);
}

}  // namespace
}  // namespace alveo::kernels
