// SPDX-License-Identifier: Apache-2.0
// One analysed study version to one validated SR document, the same way for every path that makes
// reports (the serve pipeline, `alveo replay`, the Orthanc plugin): derived UIDs, evidence, content,
// document, read-back validation. Nothing here writes files or sends. Thread-safety: reentrant.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "classifier/result.h"
#include "core/clock.h"
#include "core/instance.h"
#include "core/sr_template.h"
#include "core/status.h"
#include "sr/sr_content.h"
#include "sr/sr_document.h"

namespace alveo::sr {

// UIDs of an SR (2.25 form, PS3.5 B.2), derived so that replaying a study gives the same ones. The
// series depends on the study, the template and the algorithm; the instance also on every input
// image (order-free). A new template or algorithm version is a new document.
struct SrUids {
  std::string series_instance_uid;
  std::string sop_instance_uid;
};
SrUids DeriveSrUids(const std::string& study_instance_uid, std::vector<std::string> input_sop_instance_uids,
                    const SrTemplate& tmpl, const std::string& algorithm_version);

// The Device Observer UID of an Alveo installation, derived from its AE title.
std::string DeviceObserverUid(const std::string& ae_title);

struct ReportInstance {
  InstanceMeta meta;
  std::string file;  // absolute path of the instance
};

// The SOP Instance UIDs that identify a study version's report (the input of DeriveSrUids): the
// images (instances with Rows and Columns), or every instance when there are no images. BuildReport
// uses it; `alveo replay` uses it to find a study it has already reported before analysing it.
std::vector<std::string> ReportInputUids(const std::vector<ReportInstance>& instances);

struct ReportRequest {
  std::string study_instance_uid;
  std::vector<ReportInstance> instances;  // every instance of the study version
  int version = 1;                        // Instance Number of the SR
  // The report this one replaces (a re-opened study); ignored when it is this very instance.
  std::optional<SrReference> predecessor;
  std::string device_observer_uid;
  TimePoint created_at{};
};

struct BuiltReport {
  bool nothing_to_report = false;  // not analysable and the template reports only analysed studies
  SrUids uids;
  SrDocument document;  // when something was built
  // OK, or kInvalidSr: the document failed validation (its bytes are in `document`, to keep for
  // inspection; they must never be sent).
  Status validation;
};

// Input identity: only images (instances with Rows and Columns) count, so an SR or key object
// routed back to us re-opens a study without changing its report's UID; all instances when there
// are no images. Evidence: the instances the classifier analysed, or all when it analysed none.
// Errors: the document builder's (kNotFound/kIoError/kUnparseableDataset for the source, kInvalidSr
// when DCMTK refuses the content, kInvalidArgument).
Result<BuiltReport> BuildReport(const ReportRequest& request, const classifier::ClassificationResult& result,
                                const SrTemplate& tmpl, const AlgorithmInfo& algorithm);

}  // namespace alveo::sr
