// SPDX-License-Identifier: Apache-2.0
// The classifier's entry points: from decoded pixels (no DICOM here) to a ClassificationResult with
// status, certainty, measures and the ranked differential. The caller (dicom decoding + series
// selection) fills the StudyContext. Thread-safety: pure functions; safe to run studies in parallel.
#pragma once

#include <string>
#include <vector>

#include "classifier/cxr/cxr_analysis.h"
#include "classifier/result.h"
#include "core/volume.h"

namespace alveo::classifier {

namespace ct {
struct CtAnalysis;
}

struct StudyContext {
  std::string study_instance_uid;
  std::string modality;
  std::vector<std::string> series_used;
  std::vector<std::string> instances_used;
};

struct CtScanInfo {
  std::string patient_position;  // (0018,5100): HFS, FFS, HFP, ...
  bool key_images = false;       // a few separate slices: 2-D analysis, lower certainty
  int threads = 1;               // for the image kernels
};

// `analysis_out` (optional) receives the segmentation and measurements, for tests and debugging.
ClassificationResult ClassifyCt(const Volume& hu, const CtScanInfo& info, const StudyContext& context,
                                ct::CtAnalysis* analysis_out = nullptr);

// A frontal radiograph (the caller has selected the view). Certainty is capped below CT's.
ClassificationResult ClassifyRadiograph(const cxr::RadiographInput& input, const StudyContext& context);

ClassificationResult NotAnalysable(const StudyContext& context, NotAnalysableReason reason, const std::string& detail);

}  // namespace alveo::classifier
