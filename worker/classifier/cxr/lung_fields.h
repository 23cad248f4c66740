// SPDX-License-Identifier: Apache-2.0
// Lung-field estimation on the working image: body and midline (thorax.h), aerated-lung seeds
// (lung_seeds.h), then per side a frame (apex, base, lateral wall) fitted to the seed - mirrored
// from the other side when one is missing, lengthened when dense lung cut the seed short - and a
// geometric lung template that supplies the dense lung the seed does not cover.
// Thread-safety: pure. Ownership: results by value.
#pragma once

#include <array>
#include <string>

#include "core/image2d.h"

namespace alveo::classifier::cxr {

// Where one lung field sits: rows from apex to base (lowest lateral point) and its lateral wall.
struct LungFrame {
  bool found = false;
  int apex_y = 0, base_y = 0;
  int outer_x = 0;  // most lateral column of the field
  int inner_x = 0;  // mediastinal border of the field (column nearest the midline)
};

struct LungFields {
  Mask2D labels;                    // 1 = right lung (image left), 2 = left lung (image right)
  Mask2D body;                      // 1 inside the patient (not edge-connected dark background)
  Mask2D aerated;                   // aerated-lung seeds (1 right, 2 left) before completion
  int midline_x = 0;                // mediastinal column
  double air_threshold = 0;         // working-image value separating aerated lung from soft tissue
  std::array<LungFrame, 2> frames;  // [0] right, [1] left, after completion
  std::array<LungFrame, 2> seed_frames;  // fitted to the aerated seeds alone
  std::array<bool, 2> mirrored{};        // frame taken from the other side
  std::array<bool, 2> extended{};        // apex or base moved by the height prior or the other base
  std::string failure;                   // non-empty: no_lung_fields
};

LungFields EstimateLungFields(const Image2D& work);

// Side 0 = right lung (image left of the midline), 1 = left lung.
inline int LateralDistance(int x, int midline, int side) {
  return side == 0 ? midline - x : x - midline;
}

// The geometric lung template of a frame: round apex, heart indent, diaphragm dome.
bool InLungTemplate(const LungFrame& frame, int side, int midline, int x, int y);

}  // namespace alveo::classifier::cxr
