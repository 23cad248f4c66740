// SPDX-License-Identifier: Apache-2.0
#include "classifier/kernels/mask_ops.h"

#include <cstdint>
#include <stdexcept>

#include <gtest/gtest.h>

#include "kernels_test_util.h"

namespace alveo::kernels {
namespace {

using testing::Grid;
using testing::RandomMask;

TEST(ThresholdRangeTest, InclusiveBoundsOnHounsfieldUnits) {
  Volume v(Grid(6, 1, 1));
  v.voxels = {-1000, -701, -700, -250, -249, 32767};
  const MaskVolume m = ThresholdRange(v, -700, -250);
  EXPECT_EQ(m.voxels, (std::vector<std::uint8_t>{0, 0, 1, 1, 0, 0}));
  EXPECT_EQ(m.geometry.size_x, 6);
  EXPECT_EQ(ThresholdRange(v, 0, 100000).voxels, (std::vector<std::uint8_t>{0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(ThresholdRange(v, -100000, -1000).voxels,
            (std::vector<std::uint8_t>{1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(CountNonZero(ThresholdRange(v, 5, 4)), 0u);
  EXPECT_EQ(CountNonZero(ThresholdRange(v, 40000, 50000)), 0u);
}

TEST(ThresholdRangeTest, FloatVolumeAndImageOverloads) {
  FloatVolume f(Grid(4, 1, 1));
  f.voxels = {-1.5f, -0.5f, 0.5f, 1.5f};
  EXPECT_EQ(ThresholdRange(f, -0.5f, 0.5f).voxels, (std::vector<std::uint8_t>{0, 1, 1, 0}));
  Image2D img(2, 2);
  img.spacing_x = 0.2;
  img.pixels = {0.f, 1.f, 2.f, 3.f};
  const Mask2D m = ThresholdRange(img, 1.f, 2.f);
  EXPECT_EQ(m.pixels, (std::vector<std::uint8_t>{0, 1, 1, 0}));
  EXPECT_DOUBLE_EQ(m.spacing_x, 0.2);
}

TEST(MaskOpsTest, CountAndDice) {
  const MaskVolume a = RandomMask(Grid(9, 8, 7), 0.4, 1);
  EXPECT_DOUBLE_EQ(Dice(a, a), 1.0);
  EXPECT_DOUBLE_EQ(Dice(a, Invert(a)), 0.0);
  EXPECT_EQ(CountNonZero(a) + CountNonZero(Invert(a)), a.voxels.size());
  MaskVolume b = a;
  b.voxels.assign(b.voxels.size(), 0);
  b.voxels[0] = 1;
  const std::size_t both = a.voxels[0] != 0 ? 1 : 0;
  EXPECT_DOUBLE_EQ(Dice(a, b), 2.0 * both / (CountNonZero(a) + 1.0));
  const MaskVolume empty(Grid(3, 3, 3));
  EXPECT_DOUBLE_EQ(Dice(empty, empty), 1.0);
  EXPECT_THROW(Dice(a, empty), std::invalid_argument);
  Mask2D p(2, 1), q(2, 1);
  p.pixels = {1, 1};
  q.pixels = {0, 7};
  EXPECT_EQ(CountNonZero(q), 1u);
  EXPECT_DOUBLE_EQ(Dice(p, q), 2.0 / 3.0);
}

TEST(MaskOpsTest, Logic) {
  MaskVolume a(Grid(4, 1, 1)), b(Grid(4, 1, 1));
  a.voxels = {0, 5, 0, 1};
  b.voxels = {0, 0, 9, 1};
  EXPECT_EQ(And(a, b).voxels, (std::vector<std::uint8_t>{0, 0, 0, 1}));
  EXPECT_EQ(Or(a, b).voxels, (std::vector<std::uint8_t>{0, 1, 1, 1}));
  EXPECT_EQ(AndNot(a, b).voxels, (std::vector<std::uint8_t>{0, 1, 0, 0}));
  EXPECT_EQ(Invert(a).voxels, (std::vector<std::uint8_t>{1, 0, 1, 0}));
}

}  // namespace
}  // namespace alveo::kernels
