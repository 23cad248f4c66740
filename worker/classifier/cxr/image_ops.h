// SPDX-License-Identifier: Apache-2.0
// Small private 2-D image helpers of the radiograph analysis (resampling, blur, statistics,
// components, morphology). Several duplicate alveo::kernels and can be swapped for them later
// (see README.md). Thread-safety: pure functions. Ownership: results by value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/image2d.h"

namespace alveo::classifier::cxr {

// Area-weighted (box) resampling when shrinking, bilinear when enlarging, per axis.
Image2D Resample(const Image2D& image, int width, int height);

// Separable Gaussian blur in place (sigma in pixels; edges clamped). sigma <= 0: no-op.
void GaussianBlur(Image2D& image, double sigma);
std::vector<double> GaussianBlur1D(const std::vector<double>& values, double sigma);

// q in [0, 1]; linear interpolation between order statistics. Empty input gives 0.
double Percentile(std::vector<float> values, double q);
double Median(std::vector<float> values);

// Otsu's threshold of values in [lo, hi] (256 bins); returns the upper edge of the lower class.
double OtsuThreshold(const std::vector<float>& values, double lo, double hi);

struct Blob {
  std::uint32_t label = 0;
  std::size_t pixels = 0;
  int min_x = 0, max_x = 0, min_y = 0, max_y = 0;
  double centroid_x = 0, centroid_y = 0;
};
struct Blobs {
  std::vector<std::uint32_t> labels;  // per pixel, 0 = background, else index + 1 into blobs
  std::vector<Blob> blobs;
};
// 4-connected components of the non-zero pixels.
Blobs LabelBlobs(const Mask2D& mask);
// 1 where the pixel belongs to blob `label`.
Mask2D MaskOfBlob(const Blobs& blobs, const Mask2D& like, std::uint32_t label);

// Background not 4-connected to the image edge becomes 1.
void FillHoles(Mask2D& mask);

// Disc morphology (chamfer 3-4 distance, radius in pixels); outside the image is background for
// dilation and foreground for erosion. Results are 0/1.
Mask2D Dilate(const Mask2D& mask, double radius);
Mask2D Erode(const Mask2D& mask, double radius);
Mask2D Close(const Mask2D& mask, double radius);
Mask2D Open(const Mask2D& mask, double radius);

std::size_t CountNonZero(const Mask2D& mask);

}  // namespace alveo::classifier::cxr
