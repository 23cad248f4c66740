// SPDX-License-Identifier: Apache-2.0
// Binary morphology with Euclidean balls (3-D) and discs (per slice, 2-D) computed by thresholding
// distance transforms, so the cost does not grow with the radius. Thread-safety: pure; `threads`
// never changes the result. Ownership: results by value (0/1 masks on the input's grid).
#pragma once

#include "core/image2d.h"
#include "core/volume.h"

namespace alveo::kernels {

// The structuring element of radius r holds every offset whose physical length is <= r (3-D:
// spacing x/y/z; per slice: x/y; 2-D: pixels), with a relative tolerance of 1e-5 so that grid
// points lying exactly on the sphere are included. r <= 0 returns the mask unchanged (as 0/1).
//
// Border rules (nothing is ever read beyond the grid):
//  - Dilate: the outside is background; nothing grows in from beyond the edge.
//  - Erode: by default the outside counts as foreground, so structures touching the edge are not
//    eaten from the edge side; outside_is_background = true erodes from the edge as well.
//  - Open = Dilate(Erode(mask)) with the default erosion, intersected with the mask.
//  - Close = Erode(Dilate(mask)) with the default erosion (outside = foreground), united with the
//    mask: a closing never removes foreground, also where structures touch the edge. Gaps narrower
//    than 2r between structures are bridged; a gap narrower than r between a structure and the
//    edge of the grid is filled up to the edge (wider ones are left as they were).

MaskVolume Dilate(const MaskVolume& mask, double radius_mm, int threads = 1);
MaskVolume Erode(const MaskVolume& mask, double radius_mm, bool outside_is_background = false,
                 int threads = 1);
MaskVolume Open(const MaskVolume& mask, double radius_mm, int threads = 1);
MaskVolume Close(const MaskVolume& mask, double radius_mm, int threads = 1);

MaskVolume DilatePerSlice(const MaskVolume& mask, double radius_mm, int threads = 1);
MaskVolume ErodePerSlice(const MaskVolume& mask, double radius_mm,
                         bool outside_is_background = false, int threads = 1);
MaskVolume OpenPerSlice(const MaskVolume& mask, double radius_mm, int threads = 1);
MaskVolume ClosePerSlice(const MaskVolume& mask, double radius_mm, int threads = 1);

Mask2D Dilate2D(const Mask2D& mask, double radius_px);
Mask2D Erode2D(const Mask2D& mask, double radius_px, bool outside_is_background = false);
Mask2D Open2D(const Mask2D& mask, double radius_px);
Mask2D Close2D(const Mask2D& mask, double radius_px);

// Guards against Erode(mask, r, 2) silently meaning outside_is_background = true.
MaskVolume Erode(const MaskVolume& mask, double radius_mm, int threads) = delete;
MaskVolume ErodePerSlice(const MaskVolume& mask, double radius_mm, int threads) = delete;

}  // namespace alveo::kernels
