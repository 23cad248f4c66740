// SPDX-License-Identifier: Apache-2.0
// The whole CT analysis of one decoded series: working grid, lung segmentation, measurements, with
// timings. Thread-safety: pure function; no shared state.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "classifier/ct/ct_features.h"
#include "classifier/ct/lung_segmentation.h"
#include "classifier/ct/working_grid.h"
#include "core/volume.h"

namespace alveo::classifier::ct {

struct CtAnalysis {
  bool ok = false;
  NotAnalysableReason failure = NotAnalysableReason::kNone;
  std::string detail;
  CtFeatures features;
  LungSegmentation segmentation;  // on the working grid, cropped to the body (see `crop`)
  int fx = 1, fy = 1, fz = 1;     // working-grid block size in input voxels
  VolumeGeometry working;         // the whole working grid
  Box crop;                       // where the segmentation's grid sits in it

  // The lungs on the whole working grid (1 right, 2 left).
  MaskVolume LungsOnWorkingGrid() const { return Uncrop(segmentation.lungs, working, crop); }
  std::vector<std::pair<std::string, double>> timings_ms;
};

// `supine` false for prone (HFP/FFP) scans; `key_images` for a few separate slices.
// `threads` for the image kernels (results do not depend on it).
CtAnalysis AnalyzeCt(const Volume& hu, bool supine, bool key_images, int threads = 1);

// True unless Patient Position (0018,5100) says prone.
bool IsSupine(const std::string& patient_position);

}  // namespace alveo::classifier::ct
