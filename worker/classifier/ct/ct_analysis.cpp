// SPDX-License-Identifier: Apache-2.0
#include "classifier/ct/ct_analysis.h"

#include <chrono>

#include "classifier/kernels/kernels.h"

namespace alveo::classifier::ct {
namespace {

constexpr double kSmoothSigmaMm = 2.0;
constexpr int kCropMarginVoxels = 3;

class Stopwatch {
 public:
  double LapMs() {
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
    return ms;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

bool IsSupine(const std::string& patient_position) {
  return patient_position.rfind("HFP", 0) != 0 && patient_position.rfind("FFP", 0) != 0;
}

CtAnalysis AnalyzeCt(const Volume& hu, bool supine, bool key_images, int threads) {
  CtAnalysis analysis;
  Stopwatch watch;
  WorkingGrid grid = MakeWorkingGrid(hu, key_images);
  analysis.fx = grid.fx;
  analysis.fy = grid.fy;
  analysis.fz = grid.fz;
  analysis.working = grid.hu.geometry;
  // Everything after the body mask runs on the body's bounding box (the air around the patient
  // and the table are half the field of view).
  const MaskVolume full_body = BodyMask(grid.hu);
  analysis.crop = InPlaneBoundingBox(full_body, kCropMarginVoxels);
  const Volume work = Crop(grid.hu, analysis.crop);
  MaskVolume body = Crop(full_body, analysis.crop);
  const kernels::FloatVolume smooth = kernels::GaussianSmooth(work, kSmoothSigmaMm, threads);
  const MaskVolume fluid = FluidLikeMask(smooth);
  analysis.timings_ms.emplace_back("working_grid", watch.LapMs());
  analysis.segmentation = SegmentLungs(work, smooth, fluid, std::move(body), key_images, threads);
  analysis.timings_ms.emplace_back("segmentation", watch.LapMs());
  if (!analysis.segmentation.ok) {
    analysis.failure = analysis.segmentation.failure;
    analysis.detail = analysis.segmentation.detail;
    return analysis;
  }
  analysis.features = MeasureCt(work, smooth, fluid, analysis.segmentation, supine, key_images, threads);
  analysis.timings_ms.emplace_back("measurements", watch.LapMs());
  analysis.ok = true;
  return analysis;
}

}  // namespace alveo::classifier::ct
