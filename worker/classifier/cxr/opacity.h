// SPDX-License-Identifier: Apache-2.0
// Opacity measurement inside the lung fields, relative to the film's own references (aerated lung
// and mediastinal soft tissue), per lung and per zone, plus the named features and the score.
// Thread-safety: pure. Ownership: results by value.
#pragma once

#include "classifier/cxr/cxr_analysis.h"
#include "classifier/cxr/lung_fields.h"
#include "core/image2d.h"

namespace alveo::classifier::cxr {

// Fills the opacity fractions, zones, features and opacity_score of `out` (lung_fields included).
void MeasureOpacity(const Image2D& work, const LungFields& fields, CxrAnalysis& out);

}  // namespace alveo::classifier::cxr
