// SPDX-License-Identifier: Apache-2.0
#include "analysis/study_analyzer.h"

#include <chrono>

#include "classifier/classifier.h"
#include "classifier/series_selection.h"
#include "core/log.h"

namespace alveo::analysis {
namespace {

using classifier::ClassificationResult;
using classifier::NotAnalysableReason;

double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

NotAnalysableReason ReasonFor(const Status& status) {
  return status.code() == ErrorCode::kUnsupportedEncoding ? NotAnalysableReason::kUnsupportedEncoding
                                                           : NotAnalysableReason::kCorruptPixelData;
}

ClassificationResult AnalyzeCt(const classifier::CtSelection& selection, const std::vector<AnalysisInstance>& instances,
                               classifier::StudyContext context, const AnalyzerOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<dicom::DicomSource> sources;
  for (std::size_t index : selection.instances) {
    sources.push_back(instances[index].source);
    context.instances_used.push_back(instances[index].meta.sop_instance_uid);
  }
  context.series_used = {selection.series_instance_uid};
  auto volume = dicom::DecodeCtSeries(sources, dicom::DecodeOptions{options.decode_threads});
  if (!volume.ok()) {
    return classifier::NotAnalysable(context, ReasonFor(volume.status()), volume.status().message());
  }
  const double decode_ms = MsSince(start);
  classifier::CtScanInfo info;
  info.patient_position = instances[selection.instances.front()].meta.patient_position;
  info.key_images = selection.key_images;
  info.threads = options.decode_threads;
  ClassificationResult result = classifier::ClassifyCt(*volume, info, context);
  result.timings_ms.emplace_back("decode", decode_ms);
  result.features.emplace_back("slice_thickness_mm", selection.slice_thickness_mm);
  result.features.emplace_back("slice_spacing_mm", volume->geometry.spacing[2]);
  result.features.emplace_back("slices", volume->geometry.size_z);
  return result;
}

ClassificationResult AnalyzeRadiograph(const classifier::RadiographSelection& selection,
                                       const std::vector<AnalysisInstance>& instances, classifier::StudyContext context) {
  const auto start = std::chrono::steady_clock::now();
  const AnalysisInstance& instance = instances[selection.instance];
  context.series_used = {instance.meta.series_instance_uid};
  context.instances_used = {instance.meta.sop_instance_uid};
  auto film = dicom::DecodeRadiograph(instance.source);
  if (!film.ok()) return classifier::NotAnalysable(context, ReasonFor(film.status()), film.status().message());
  const double decode_ms = MsSince(start);
  classifier::cxr::RadiographInput input;
  input.image = std::move(film->image);
  input.spacing_x_mm = film->spacing_x_mm;
  input.spacing_y_mm = film->spacing_y_mm;
  input.window_center = film->window_center;
  input.window_width = film->window_width;
  ClassificationResult result = classifier::ClassifyRadiograph(input, context);
  result.timings_ms.emplace_back("decode", decode_ms);
  return result;
}

}  // namespace

ClassificationResult AnalyzeStudy(const std::string& study_instance_uid, const std::vector<AnalysisInstance>& instances,
                                  const AnalyzerOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<const InstanceMeta*> metas;
  for (const auto& instance : instances) metas.push_back(&instance.meta);
  const classifier::Selection selection = classifier::SelectForAnalysis(metas);
  classifier::StudyContext context;
  context.study_instance_uid = study_instance_uid;
  context.modality = selection.modality;
  ClassificationResult result;
  if (selection.ct) {
    result = AnalyzeCt(*selection.ct, instances, context, options);
  } else if (selection.radiograph) {
    result = AnalyzeRadiograph(*selection.radiograph, instances, context);
  } else {
    result = classifier::NotAnalysable(context, selection.reason, selection.detail);
  }
  result.timings_ms.emplace_back("total", MsSince(start));
  return result;
}

}  // namespace alveo::analysis
