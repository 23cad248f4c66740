// SPDX-License-Identifier: Apache-2.0
// Test helpers for the radiograph analysis: phantom films as RadiographInput, a DCMTK reader for
// the shared real films (test code only), ROC AUC, Pearson correlation and optional debug overlays.
// Thread-safety: plain functions. Ownership: results by value.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "classifier/cxr/cxr_analysis.h"
#include "phantom/radiograph_phantom.h"

namespace alveo::classifier::cxr::testing {

// The phantom film as decoded float input (MONOCHROME2 sense, spacing known).
RadiographInput InputFromPhantom(const phantom::RadiographData& data);

struct LoadedFilm {
  RadiographInput input;
  int rows = 0, columns = 0;
  std::string photometric;
};
// Reads a (possibly meta-header-less) DICOM film with DCMTK: modality values, MONOCHROME1 mirrored.
std::optional<LoadedFilm> LoadDicomFilm(const std::string& path, std::string* error);

// Area under the ROC curve of scores (positives vs negatives; ties count one half).
double RocAuc(const std::vector<double>& positives, const std::vector<double>& negatives);
double Pearson(const std::vector<double>& a, const std::vector<double>& b);

// When the environment variable ALVEO_CXR_DEBUG_DIR is set, writes <name>.ppm there: the working
// image with the right (red) and left (green) lung fields tinted. Returns silently otherwise.
void MaybeWriteOverlay(const std::string& name, const RadiographInput& input,
                       const CxrAnalysis& analysis);

}  // namespace alveo::classifier::cxr::testing
