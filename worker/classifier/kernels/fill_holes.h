// SPDX-License-Identifier: Apache-2.0
// Hole filling: background that cannot reach the edge of the grid through background becomes
// foreground (value 1; existing foreground values are kept). Scanline flood fill from the border,
// no recursion. Thread-safety: each call mutates only its argument. Ownership: in place.
#pragma once

#include "core/image2d.h"
#include "core/volume.h"

namespace alveo::kernels {

// Every axial slice on its own: background 4-connected (within the slice) to the slice's edge
// stays.
void FillHolesPerSlice(MaskVolume& mask);

// Background 6-connected to any face of the grid stays; with one slice nothing is a hole.
void FillHoles3D(MaskVolume& mask);

// Background 4-connected to the image edge stays.
void FillHoles2D(Mask2D& mask);

}  // namespace alveo::kernels
