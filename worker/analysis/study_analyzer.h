// SPDX-License-Identifier: Apache-2.0
// From the instances of one complete study to a ClassificationResult: series/view selection on the
// headers, decoding of the chosen pixels (once), then the classifier. Shared by `alveo classify`,
// the serve pipeline (on its compute pool), replay and the Orthanc plugin. Thread-safety: Analyze is
// reentrant; run studies in parallel freely.
#pragma once

#include <string>
#include <vector>

#include "classifier/result.h"
#include "core/instance.h"
#include "dicom/pixel_decoder.h"

namespace alveo::analysis {

struct AnalysisInstance {
  InstanceMeta meta;
  dicom::DicomSource source;
};

struct AnalyzerOptions {
  int decode_threads = 1;  // threads used to decode one CT series and by the image kernels
};

classifier::ClassificationResult AnalyzeStudy(const std::string& study_instance_uid,
                                              const std::vector<AnalysisInstance>& instances,
                                              const AnalyzerOptions& options = {});

}  // namespace alveo::analysis
