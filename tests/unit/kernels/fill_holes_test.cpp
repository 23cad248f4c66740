// SPDX-License-Identifier: Apache-2.0
#include "classifier/kernels/fill_holes.h"

#include <deque>

#include <gtest/gtest.h>

#include "classifier/kernels/mask_ops.h"
#include "kernels_test_util.h"

namespace alveo::kernels {
namespace {

using testing::Grid;
using testing::RandomMask;

// Reference: breadth-first search of the background from every border voxel.
MaskVolume BruteFill(const MaskVolume& mask, bool per_slice) {
  const VolumeGeometry& g = mask.geometry;
  std::vector<std::uint8_t> reached(g.VoxelCount(), 0);
  std::deque<std::array<int, 3>> queue;
  auto visit = [&](int i, int j, int k) {
    if (!g.Contains(i, j, k) || mask.At(i, j, k) != 0 || reached[g.Index(i, j, k)]) return;
    reached[g.Index(i, j, k)] = 1;
    queue.push_back({i, j, k});
  };
  for (int k = 0; k < g.size_z; ++k) {
    for (int j = 0; j < g.size_y; ++j) {
      for (int i = 0; i < g.size_x; ++i) {
        const bool edge = i == 0 || j == 0 || i == g.size_x - 1 || j == g.size_y - 1 ||
                          (!per_slice && (k == 0 || k == g.size_z - 1));
        if (edge) visit(i, j, k);
      }
    }
  }
  while (!queue.empty()) {
    const auto [i, j, k] = queue.front();
    queue.pop_front();
    visit(i - 1, j, k);
    visit(i + 1, j, k);
    visit(i, j - 1, k);
    visit(i, j + 1, k);
    if (!per_slice) {
      visit(i, j, k - 1);
      visit(i, j, k + 1);
    }
  }
  MaskVolume out = mask;
  for (std::size_t v = 0; v < out.voxels.size(); ++v) {
    if (out.voxels[v] == 0 && !reached[v]) out.voxels[v] = 1;
  }
  return out;
}

TEST(FillHolesTest, MatchesBreadthFirstReferenceOnRandomMasks) {
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    const MaskVolume mask = RandomMask(Grid(21, 18, 9), 0.5 + 0.03 * seed, seed, seed % 2);
    MaskVolume per_slice = mask;
    FillHolesPerSlice(per_slice);
    EXPECT_EQ(per_slice.voxels, BruteFill(mask, true).voxels) << seed;
    MaskVolume three_d = mask;
    FillHoles3D(three_d);
    EXPECT_EQ(three_d.voxels, BruteFill(mask, false).voxels) << seed;
  }
}

MaskVolume Tube(int nz) {
  MaskVolume m(Grid(7, 7, nz));
  for (int k = 0; k < nz; ++k) {
    for (int j = 1; j <= 5; ++j) {
      for (int i = 1; i <= 5; ++i) m.At(i, j, k) = (i == 1 || i == 5 || j == 1 || j == 5);
    }
  }
  return m;
}

TEST(FillHolesTest, OpenTubeIsFilledPerSliceButNotIn3D) {
  MaskVolume per_slice = Tube(5);
  FillHolesPerSlice(per_slice);
  EXPECT_EQ(CountNonZero(per_slice), 25u * 5);
  MaskVolume three_d = Tube(5);
  FillHoles3D(three_d);
  EXPECT_EQ(three_d.voxels, Tube(5).voxels);
}

TEST(FillHolesTest, ClosedShellIsFilledIn3D) {
  MaskVolume shell = Tube(5);
  for (int j = 1; j <= 5; ++j) {
    for (int i = 1; i <= 5; ++i) shell.At(i, j, 0) = shell.At(i, j, 4) = 1;  // caps
  }
  MaskVolume filled = shell;
  FillHoles3D(filled);
  EXPECT_EQ(CountNonZero(filled), 125u);
  MaskVolume single(Grid(3, 3, 1));  // one slice: every background voxel touches a z face
  single.voxels = {1, 1, 1, 1, 0, 1, 1, 1, 1};
  FillHoles3D(single);
  EXPECT_EQ(single.At(1, 1, 0), 0);
}

TEST(FillHolesTest, HoleTouchingTheEdgeIsNotFilledAndDiagonalLeaksDoNot) {
  Mask2D m(5, 5);
  // A ring whose corner is missing: the interior reaches the edge only diagonally (not a
  // 4-connected path), so it is still a hole.
  for (int i = 0; i < 5; ++i) m.At(i, 0) = m.At(0, i) = m.At(4, i) = m.At(i, 4) = 1;
  m.At(4, 4) = 0;
  Mask2D filled = m;
  FillHoles2D(filled);
  EXPECT_EQ(filled.At(2, 2), 1);
  EXPECT_EQ(filled.At(4, 4), 0);
  m.At(2, 0) = 0;  // opening in the top edge: interior connected to the border
  filled = m;
  FillHoles2D(filled);
  EXPECT_EQ(filled.At(2, 2), 0);
  EXPECT_EQ(filled.pixels, m.pixels);
}

}  // namespace
}  // namespace alveo::kernels
