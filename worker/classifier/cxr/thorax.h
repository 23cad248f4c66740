// SPDX-License-Identifier: Apache-2.0
// Coarse thorax landmarks on the working image: the body (not edge-connected dark background),
// the mediastinal midline from the column profile, and the aerated-lung threshold (Otsu inside the
// body). Thread-safety: pure. Ownership: results by value.
#pragma once

#include <array>
#include <cstdint>

#include "core/image2d.h"

namespace alveo::classifier::cxr {

Mask2D BodyMask(const Image2D& work);

// Column of the brightest vertical band (mediastinum and spine) in the central part of the film.
int FindMidline(const Image2D& work);

// Otsu threshold of the body pixels in the thoracic rows.
double AirThreshold(const Image2D& work, const Mask2D& body);

// The film's own density references: relative density 0 = darkest lung (a low quantile inside
// the lung labels), 1 = mediastinum/heart (median of the central band over the lower lung rows).
struct References {
  double aerated = 0;
  double soft = 1;
  double Relative(double value) const { return (value - aerated) / (soft - aerated); }
};
References MeasureReferences(const Image2D& work, const Mask2D& lung_labels, int midline);

// Rows [top, bottom] holding `label`, {-1, -1} when none.
std::array<int, 2> RowRange(const Mask2D& labels, std::uint8_t label);

inline int Frac(int size, double fraction) {
  return static_cast<int>(static_cast<double>(size) * fraction + 0.5);
}

}  // namespace alveo::classifier::cxr
