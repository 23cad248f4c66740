// SPDX-License-Identifier: Apache-2.0
// Aerated-lung seeds of the lung-field estimation: per side, the most lung-like blob dark at a
// strict threshold (after an erosion that breaks bridges to outside air), grown uphill into the
// Otsu-dark pixels, then cleaned of lateral leaks and of neck/shoulder leaks above the apex.
// Thread-safety: pure. Ownership: results by value.
#pragma once

#include <array>

#include "core/image2d.h"

namespace alveo::classifier::cxr {

// [0] right lung (image left of the midline), [1] left lung; empty masks when none is found.
std::array<Mask2D, 2> FindAeratedSeeds(const Image2D& work, const Mask2D& body, int midline,
                                       double otsu);

// Grows `region` inside `allowed` only uphill (a neighbour joins when it is at most `tolerance`
// darker than the pixel it is reached from) and at most `steps` pixels (city block) from where
// it started.
void GrowUphill(Mask2D& region, const Mask2D& allowed, const Image2D& work, double tolerance,
                int steps);

}  // namespace alveo::classifier::cxr
