// SPDX-License-Identifier: Apache-2.0
// 2-D intensity kernels for radiographs: resizing, Gaussian blur, percentiles and Otsu's
// threshold. (2-D masks: see components.h, fill_holes.h, morphology.h, distance.h, mask_ops.h.)
// Thread-safety: pure functions. Ownership: results by value. A mask argument must have the
// image's size (std::invalid_argument otherwise); its non-zero pixels select the samples.
#pragma once

#include "core/image2d.h"

namespace alveo::kernels {

// Resamples to width x height (each >= 1). Per axis: area average when shrinking (each output pixel
// is the overlap-weighted mean of the input pixels it covers), bilinear interpolation between pixel
// centres when enlarging (edges clamped), a copy when equal. Spacing scales by old / new size.
Image2D Resize(const Image2D& image, int width, int height);

// Separable Gaussian, sigma in pixels, truncated at 3 sigma, borders clamped; sigma <= 0 copies.
Image2D Gaussian2D(const Image2D& image, double sigma_px);

// The p-th percentile (p clamped to [0, 100]) of the selected pixels, interpolating linearly
// between the two nearest ranks (rank = p / 100 * (n - 1)); NaN pixels are ignored. NaN when
// no pixel is selected or p is NaN.
float Percentile(const Image2D& image, double p, const Mask2D* mask = nullptr);

// Otsu's threshold over a histogram of `bins` equal bins spanning [min, max] of the selected
// finite pixels: the bin edge after the split that maximises the between-class
// variance (the middle of the run when consecutive splits tie, e.g. across empty bins between two
// modes); pixels >= it form the upper class. Returns min when all selected pixels are equal (or
// bins < 2) and NaN when none is selected.
double OtsuThreshold(const Image2D& image, const Mask2D* mask = nullptr, int bins = 256);

}  // namespace alveo::kernels
