// SPDX-License-Identifier: Apache-2.0
#include "sr/sr_report.h"

#include <algorithm>
#include <set>

#include "core/uid.h"
#include "sr/sr_validation.h"

namespace alveo::sr {
namespace {

std::string Field(const std::string& value) { return std::string(1, '\0') + value; }

std::vector<SrEvidence> Evidence(const ReportRequest& request, const classifier::ClassificationResult& result) {
  const std::set<std::string> used(result.instances_used.begin(), result.instances_used.end());
  std::vector<SrEvidence> evidence;
  for (const ReportInstance& instance : request.instances) {
    const InstanceMeta& m = instance.meta;
    if (!used.empty() && !used.count(m.sop_instance_uid)) continue;
    evidence.push_back({m.study_instance_uid, m.series_instance_uid, m.sop_class_uid, m.sop_instance_uid, instance.file});
  }
  return evidence;
}

}  // namespace

std::vector<std::string> ReportInputUids(const std::vector<ReportInstance>& instances) {
  std::vector<std::string> inputs;
  for (const ReportInstance& instance : instances) {
    if (instance.meta.rows > 0 && instance.meta.columns > 0) inputs.push_back(instance.meta.sop_instance_uid);
  }
  if (inputs.empty()) {
    for (const ReportInstance& instance : instances) inputs.push_back(instance.meta.sop_instance_uid);
  }
  return inputs;
}

SrUids DeriveSrUids(const std::string& study_instance_uid, std::vector<std::string> input_sop_instance_uids,
                    const SrTemplate& tmpl, const std::string& algorithm_version) {
  std::sort(input_sop_instance_uids.begin(), input_sop_instance_uids.end());
  input_sop_instance_uids.erase(std::unique(input_sop_instance_uids.begin(), input_sop_instance_uids.end()),
                                input_sop_instance_uids.end());
  // NUL separates fields: no UID or version contains one.
  const std::string common = study_instance_uid + Field(tmpl.id) + Field(tmpl.version) + Field(algorithm_version);
  std::string instance_seed = "alveo-sr-instance" + Field(common);
  for (const auto& uid : input_sop_instance_uids) instance_seed += Field(uid);
  return {DeriveUid("alveo-sr-series" + Field(common)), DeriveUid(instance_seed)};
}

std::string DeviceObserverUid(const std::string& ae_title) { return DeriveUid("alveo-device-observer" + Field(ae_title)); }

Result<BuiltReport> BuildReport(const ReportRequest& request, const classifier::ClassificationResult& result,
                                const SrTemplate& tmpl, const AlgorithmInfo& algorithm) {
  BuiltReport report;
  if (result.status == classifier::ResultStatus::kNotAnalysable && !tmpl.report_not_analysable) {
    report.nothing_to_report = true;
    return report;
  }
  SrDocumentRequest document;
  document.evidence = Evidence(request, result);
  if (document.evidence.empty()) {
    return Status::Error(ErrorCode::kInvalidArgument, "no instances to report on for study " + request.study_instance_uid);
  }
  report.uids = DeriveSrUids(request.study_instance_uid, ReportInputUids(request.instances), tmpl, algorithm.version);
  document.tmpl = &tmpl;
  document.content = BuildSrContent(result, tmpl, algorithm);
  document.source_file = document.evidence.front().file;
  document.image_library = tmpl.output != SrOutputClass::kBasicText;
  document.series_instance_uid = report.uids.series_instance_uid;
  document.sop_instance_uid = report.uids.sop_instance_uid;
  document.instance_number = request.version;
  document.device_observer_uid = request.device_observer_uid;
  document.created_at = request.created_at;
  if (request.predecessor && request.predecessor->sop_instance_uid != report.uids.sop_instance_uid) {
    document.predecessor = request.predecessor;
  }
  auto built = BuildSrDocument(document);
  if (!built.ok()) return built.status();
  report.document = std::move(built).value();

  SrValidationExpectations expect;
  expect.sop_class_uid = SopClassUidFor(tmpl.output);
  expect.sop_instance_uid = report.uids.sop_instance_uid;
  expect.series_instance_uid = report.uids.series_instance_uid;
  expect.study_instance_uid = request.study_instance_uid;
  expect.evidence_count = document.evidence.size();
  for (const auto& evidence : document.evidence) expect.evidence_sop_instance_uids.push_back(evidence.sop_instance_uid);
  expect.predecessor_sop_instance_uid = document.predecessor ? document.predecessor->sop_instance_uid : "";
  report.validation = ValidateSr(report.document, expect);
  return report;
}

}  // namespace alveo::sr
