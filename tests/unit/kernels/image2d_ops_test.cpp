// SPDX-License-Identifier: Apache-2.0
#include "classifier/kernels/image2d_ops.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

namespace alveo::kernels {
namespace {

Image2D Ramp(int w, int h) {
  Image2D img(w, h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) img.At(x, y) = static_cast<float>(x + 10 * y);
  }
  return img;
}

double Mean(const Image2D& img) {
  return std::accumulate(img.pixels.begin(), img.pixels.end(), 0.0) / img.pixels.size();
}

TEST(ResizeTest, ShrinkingAveragesAreasAndUpdatesSpacing) {
  Image2D img = Ramp(6, 4);
  img.spacing_x = 0.15;
  img.spacing_y = 0.2;
  const Image2D half = Resize(img, 3, 2);
  EXPECT_DOUBLE_EQ(half.spacing_x, 0.3);
  EXPECT_DOUBLE_EQ(half.spacing_y, 0.4);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 3; ++x) {
      const double want = (img.At(2 * x, 2 * y) + img.At(2 * x + 1, 2 * y) +
                           img.At(2 * x, 2 * y + 1) + img.At(2 * x + 1, 2 * y + 1)) /
                          4.0;
      EXPECT_NEAR(half.At(x, y), want, 1e-4);
    }
  }
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> value(0.f, 4000.f);
  Image2D noisy(17, 13);
  for (float& p : noisy.pixels) p = value(rng);
  const Image2D odd = Resize(noisy, 5, 4);  // non-integer ratios keep the mean
  EXPECT_NEAR(Mean(odd), Mean(noisy), 1e-3 * Mean(noisy));
  Image2D row(5, 1);
  row.pixels = {1, 2, 3, 4, 5};
  const Image2D two = Resize(row, 2, 1);  // each output covers 2.5 inputs
  EXPECT_NEAR(two.pixels[0], (1 + 2 + 0.5 * 3) / 2.5, 1e-5);
  EXPECT_NEAR(two.pixels[1], (0.5 * 3 + 4 + 5) / 2.5, 1e-5);
}

TEST(ResizeTest, EnlargingInterpolatesBetweenPixelCentres) {
  const Image2D img = Ramp(4, 3);
  const Image2D big = Resize(img, 8, 6);
  EXPECT_DOUBLE_EQ(big.spacing_x, 0.5);
  for (int y = 0; y < 6; ++y) {
    for (int x = 0; x < 8; ++x) {
      const double sx = std::clamp((x + 0.5) * 0.5 - 0.5, 0.0, 3.0);
      const double sy = std::clamp((y + 0.5) * 0.5 - 0.5, 0.0, 2.0);
      EXPECT_NEAR(big.At(x, y), sx + 10 * sy, 1e-4) << x << "," << y;
    }
  }
  EXPECT_EQ(Resize(img, 4, 3).pixels, img.pixels);
  const Image2D mixed = Resize(img, 2, 6);  // shrink x, enlarge y
  EXPECT_NEAR(mixed.At(0, 5), 0.5 + 20, 1e-4);
  EXPECT_THROW(Resize(img, 0, 3), std::invalid_argument);
}

TEST(Gaussian2DTest, PreservesConstantsAndMass) {
  Image2D flat(12, 9, 250.f);
  for (float p : Gaussian2D(flat, 1.7).pixels) ASSERT_NEAR(p, 250.f, 1e-3f);
  Image2D spot(31, 31);
  spot.At(15, 15) = 1000.f;
  const Image2D blurred = Gaussian2D(spot, 2.0);
  EXPECT_NEAR(std::accumulate(blurred.pixels.begin(), blurred.pixels.end(), 0.0), 1000.0, 1e-2);
  EXPECT_NEAR(blurred.At(15, 15), 1000.0 / (2 * std::numbers::pi * 4),
              1.0);  // peak of the 2-D Gaussian
  EXPECT_FLOAT_EQ(blurred.At(16, 15), blurred.At(15, 16));
  EXPECT_EQ(Gaussian2D(spot, 0).pixels, spot.pixels);
}

TEST(PercentileTest, InterpolatesBetweenRanksAndHonoursTheMask) {
  Image2D img(10, 10);
  for (int i = 0; i < 100; ++i) img.pixels[i] = static_cast<float>(100 - i);  // 100..1
  EXPECT_FLOAT_EQ(Percentile(img, 0), 1.f);
  EXPECT_FLOAT_EQ(Percentile(img, 100), 100.f);
  EXPECT_FLOAT_EQ(Percentile(img, 50), 50.5f);
  EXPECT_FLOAT_EQ(Percentile(img, 25), 25.75f);
  EXPECT_FLOAT_EQ(Percentile(img, 150), 100.f);
  Mask2D mask(10, 10);
  for (int i = 0; i < 100; i += 2) mask.pixels[i] = 1;  // values 100, 98, ..., 2
  EXPECT_FLOAT_EQ(Percentile(img, 0, &mask), 2.f);
  EXPECT_FLOAT_EQ(Percentile(img, 50, &mask), 51.f);
  const Mask2D none(10, 10);
  EXPECT_TRUE(std::isnan(Percentile(img, 50, &none)));
  const Mask2D wrong(3, 3);
  EXPECT_THROW(Percentile(img, 50, &wrong), std::invalid_argument);
}

TEST(OtsuThresholdTest, SplitsABimodalImage) {
  std::mt19937 rng(2);
  std::normal_distribution<float> dark(100.f, 6.f), bright(200.f, 6.f);
  Image2D img(64, 64);
  Mask2D left(64, 64);
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      img.At(x, y) = (x < 40) ? dark(rng) : bright(rng);
      left.At(x, y) = x < 48;
    }
  }
  const double t = OtsuThreshold(img);
  EXPECT_GT(t, 130.0);
  EXPECT_LT(t, 170.0);
  const double masked = OtsuThreshold(img, &left, 128);
  EXPECT_GT(masked, 125.0);
  EXPECT_LT(masked, 175.0);
  EXPECT_DOUBLE_EQ(OtsuThreshold(Image2D(4, 4, 7.f)), 7.0);
  const Mask2D none(64, 64);
  EXPECT_TRUE(std::isnan(OtsuThreshold(img, &none)));
  // Two spikes: the threshold falls midway in the empty range between them.
  Image2D two(10, 1);
  two.pixels = {0, 0, 0, 0, 0, 10, 10, 10, 10, 10};
  EXPECT_NEAR(OtsuThreshold(two, nullptr, 10), 5.0, 1.0);
}

}  // namespace
}  // namespace alveo::kernels
