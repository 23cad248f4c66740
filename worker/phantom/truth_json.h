// SPDX-License-Identifier: Apache-2.0
// truth.json: the ground truth of a written phantom (what was generated, where the files are, and
// the statistics a classifier should reproduce). Format documented in worker/phantom/README.md.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "phantom/ct_phantom.h"
#include "phantom/radiograph_phantom.h"

namespace alveo::phantom {

// Identity of the written series, echoed into truth.json.
struct SeriesRecord {
  std::string modality;
  std::string sop_class_uid;
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string transfer_syntax;  // CLI name, e.g. "explicit"
  int file_count = 0;
  std::string label_file;  // empty when no label map was written
};

std::string CtTruthJson(const CtPhantom& phantom, const CtTruth& truth, const SeriesRecord& series);
std::string RadiographTruthJson(const RadiographOptions& options, const RadiographTruth& truth,
                                const SeriesRecord& series);

}  // namespace alveo::phantom
