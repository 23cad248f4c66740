// SPDX-License-Identifier: Apache-2.0
#include "classifier/cxr/cxr_analysis.h"

#include "classifier/cxr/lung_fields.h"
#include "classifier/cxr/opacity.h"
#include "classifier/cxr/working_image.h"

namespace alveo::classifier::cxr {

CxrAnalysis AnalyzeRadiograph(const RadiographInput& input) {
  CxrAnalysis out;
  const WorkingImage work = MakeWorkingImage(input);
  if (!work.failure.empty()) {
    out.failure = work.failure;
    return out;
  }
  const LungFields fields = EstimateLungFields(work.image);
  out.lungs_found = fields.failure.empty();
  out.failure = fields.failure;
  if (out.lungs_found) MeasureOpacity(work.image, fields, out);
  out.lung_fields = fields.labels;
  return out;
}

}  // namespace alveo::classifier::cxr
