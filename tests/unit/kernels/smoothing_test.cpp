// SPDX-License-Identifier: Apache-2.0
#include "classifier/kernels/smoothing.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

#include "kernels_test_util.h"

namespace alveo::kernels {
namespace {

using testing::Grid;

Volume RandomVolume(const VolumeGeometry& g, std::uint32_t seed, int lo = -1000, int hi = 400) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> value(lo, hi);
  Volume v(g);
  for (auto& x : v.voxels) x = static_cast<std::int16_t>(value(rng));
  return v;
}

std::vector<double> Taps(double sigma) {
  const int r = static_cast<int>(std::ceil(3 * sigma));
  std::vector<double> w;
  for (int k = -r; k <= r; ++k) w.push_back(std::exp(-0.5 * k * k / (sigma * sigma)));
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& x : w) x /= sum;
  return w;
}

// Direct 3-D convolution with the product kernel, borders clamped.
std::vector<double> BruteFilter(const Volume& v, const std::array<std::vector<double>, 3>& taps) {
  const VolumeGeometry& g = v.geometry;
  const int rx = static_cast<int>(taps[0].size() / 2), ry = static_cast<int>(taps[1].size() / 2),
            rz = static_cast<int>(taps[2].size() / 2);
  std::vector<double> out(g.VoxelCount());
  for (int k = 0; k < g.size_z; ++k) {
    for (int j = 0; j < g.size_y; ++j) {
      for (int i = 0; i < g.size_x; ++i) {
        double s = 0;
        for (int c = -rz; c <= rz; ++c) {
          for (int b = -ry; b <= ry; ++b) {
            for (int a = -rx; a <= rx; ++a) {
              const double w = taps[0][a + rx] * taps[1][b + ry] * taps[2][c + rz];
              s += w * v.At(std::clamp(i + a, 0, g.size_x - 1), std::clamp(j + b, 0, g.size_y - 1),
                            std::clamp(k + c, 0, g.size_z - 1));
            }
          }
        }
        out[g.Index(i, j, k)] = s;
      }
    }
  }
  return out;
}

TEST(GaussianSmoothTest, MatchesDirectConvolutionWithClampedBorders) {
  const Volume v = RandomVolume(Grid(11, 9, 7, 0.6, 0.9, 2.0), 3);
  const double sigma = 1.3;
  const FloatVolume got = GaussianSmooth(v, sigma);
  const std::vector<double> want =
      BruteFilter(v, {Taps(sigma / 0.6), Taps(sigma / 0.9), Taps(sigma / 2.0)});
  for (std::size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got.voxels[i], want[i], 2e-3) << i;
  EXPECT_EQ(GaussianSmooth(ToFloat(v), sigma).voxels, got.voxels);
}

TEST(GaussianSmoothTest, PreservesConstantsAndMass) {
  const Volume flat(Grid(9, 8, 6, 0.7, 0.7, 1.25), -600);
  for (float x : GaussianSmooth(flat, 2.0).voxels) ASSERT_NEAR(x, -600.0f, 1e-3f);
  Volume blob(Grid(30, 30, 30));
  for (int k = 13; k < 17; ++k) {
    for (int j = 12; j < 18; ++j) {
      for (int i = 14; i < 16; ++i) blob.At(i, j, k) = 1000;
    }
  }
  const FloatVolume smooth = GaussianSmooth(blob, 2.0);  // support stays inside the grid
  const double before = std::accumulate(blob.voxels.begin(), blob.voxels.end(), 0.0);
  const double after = std::accumulate(smooth.voxels.begin(), smooth.voxels.end(), 0.0);
  EXPECT_NEAR(after, before, 1e-4 * before);
  EXPECT_LT(smooth.At(15, 15, 15), 1000.0f);
  EXPECT_GT(smooth.At(15, 15, 19), 0.0f);
  EXPECT_EQ(smooth.At(15, 15, 25), 0.0f);  // 10 voxels away > 3 sigma
  const FloatVolume unchanged = GaussianSmooth(blob, 0.0);
  EXPECT_EQ(unchanged.voxels, ToFloat(blob).voxels);
}

TEST(GaussianSmoothTest, ThreadCountDoesNotChangeTheResult) {
  const Volume v = RandomVolume(Grid(21, 17, 13, 0.8, 0.8, 1.5), 4);
  const FloatVolume one = GaussianSmooth(v, 1.5, 1);
  for (int threads : {2, 3, 20}) EXPECT_EQ(GaussianSmooth(v, 1.5, threads).voxels, one.voxels);
}

TEST(BoxMeanTest, MatchesDirectMean) {
  const Volume v = RandomVolume(Grid(8, 7, 6), 5);
  auto box = [](int r) { return std::vector<double>(2 * r + 1, 1.0 / (2 * r + 1)); };
  const std::vector<double> want = BruteFilter(v, {box(2), box(1), box(0)});
  const FloatVolume got = BoxMean(v, 2, 1, 0);
  for (std::size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got.voxels[i], want[i], 1e-3) << i;
  EXPECT_EQ(BoxMean(ToFloat(v), 2, 1, 0, 3).voxels, got.voxels);
}

Volume BruteMedian(const Volume& v) {
  const VolumeGeometry& g = v.geometry;
  Volume out(g);
  for (int k = 0; k < g.size_z; ++k) {
    for (int j = 0; j < g.size_y; ++j) {
      for (int i = 0; i < g.size_x; ++i) {
        std::vector<std::int16_t> s;
        for (int c = -1; c <= 1; ++c) {
          for (int b = -1; b <= 1; ++b) {
            for (int a = -1; a <= 1; ++a) {
              s.push_back(v.At(std::clamp(i + a, 0, g.size_x - 1),
                               std::clamp(j + b, 0, g.size_y - 1),
                               std::clamp(k + c, 0, g.size_z - 1)));
            }
          }
        }
        std::nth_element(s.begin(), s.begin() + 13, s.end());
        out.At(i, j, k) = s[13];
      }
    }
  }
  return out;
}

TEST(MedianFilter3Test, MatchesSortingReference) {
  for (const VolumeGeometry& g : {Grid(13, 7, 5), Grid(1, 4, 3), Grid(2, 2, 1), Grid(33, 3, 2)}) {
    const Volume v = RandomVolume(g, 6, -5, 5);  // narrow range: many ties
    EXPECT_EQ(MedianFilter3(v).voxels, BruteMedian(v).voxels);
    const Volume wide = RandomVolume(g, 7, -32768, 32767);
    EXPECT_EQ(MedianFilter3(wide, 2).voxels, BruteMedian(wide).voxels);
  }
}

TEST(MedianFilter3Test, RemovesSaltNoise) {
  Volume v(Grid(10, 10, 10), -800);
  v.At(5, 5, 5) = 3000;
  v.At(2, 7, 1) = -3000;
  const Volume out = MedianFilter3(v);
  for (auto x : out.voxels) ASSERT_EQ(x, -800);
}

}  // namespace
}  // namespace alveo::kernels
