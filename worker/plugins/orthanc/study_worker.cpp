// SPDX-License-Identifier: Apache-2.0
#include "plugins/orthanc/study_worker.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "analysis/study_analyzer.h"
#include "app/version.h"
#include "classifier/result.h"
#include "core/instance.h"
#include "core/thread_name.h"
#include "dicom/instance_reader.h"
#include "plugins/orthanc/orthanc_api.h"
#include "sr/sr_report.h"

namespace alveo::orthanc_plugin {
namespace {

constexpr std::size_t kKeptOutcomes = 20;
namespace fs = std::filesystem;

// Orthanc IDs are SHA-1 based: hex digits and dashes. Anything else never reaches a URI or a path.
bool IsOrthancId(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == '-'; });
}

std::optional<Poco::Dynamic::Var> GetJson(const std::string& uri) {
  const std::optional<std::string> body = RestGet(uri);
  if (!body) return std::nullopt;
  try {
    return Poco::JSON::Parser().parse(*body);
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

// Removes the study's temp folder however processing ends.
class ScopedFolder {
 public:
  explicit ScopedFolder(fs::path path) : path_(std::move(path)) { fs::create_directories(path_); }
  ~ScopedFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScopedFolder(const ScopedFolder&) = delete;
  ScopedFolder& operator=(const ScopedFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

StudyOutcome Fail(StudyOutcome outcome, std::string detail) {
  outcome.outcome = "error";
  outcome.detail = std::move(detail);
  return outcome;
}

}  // namespace

StudyWorker::StudyWorker(PluginConfig config, SrTemplate tmpl, sr::AlgorithmInfo algorithm, std::string temp_root)
    : config_(std::move(config)),
      template_(std::move(tmpl)),
      algorithm_(std::move(algorithm)),
      temp_root_(std::move(temp_root)),
      filter_(StudyFilterSettings{}),
      thread_([this] { Run(); }) {}

StudyWorker::~StudyWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StudyWorker::Enqueue(const std::string& orthanc_study_id) {
  {
    std::lock_guard lock(mutex_);
    if (std::find(queue_.begin(), queue_.end(), orthanc_study_id) != queue_.end()) return;
    queue_.push_back(orthanc_study_id);
  }
  wake_.notify_one();
}

std::string StudyWorker::StatusJson() const {
  Poco::JSON::Object status;
  status.set("version", app::AlveoVersion());
  std::lock_guard lock(mutex_);
  status.set("enabled", config_.enabled);
  status.set("sr_template", template_.id + " " + template_.version);
  status.set("algorithm", algorithm_.name + " " + algorithm_.version);
  status.set("queue_length", static_cast<int>(queue_.size()));
  status.set("busy", busy_);
  status.set("processed", static_cast<int>(processed_));
  Poco::JSON::Array results;
  for (const StudyOutcome& outcome : last_) {
    Poco::JSON::Object item;
    item.set("orthanc_id", outcome.orthanc_id);
    item.set("outcome", outcome.outcome);
    item.set("detail", outcome.detail);
    item.set("sr_sop_instance_uid", outcome.sr_sop_instance_uid);
    item.set("result_status", outcome.result_status);
    results.add(item);
  }
  status.set("last_results", results);
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(status, text);
  return text.str();
}

void StudyWorker::Run() {
  SetCurrentThreadName("alveo-orthanc");
  for (;;) {
    std::string id;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
      busy_ = true;
    }
    StudyOutcome outcome;
    try {
      outcome = Process(id);
    } catch (const std::exception& e) {
      outcome = Fail(StudyOutcome{id, "", "", "", ""}, std::string("unexpected exception: ") + e.what());
    }
    const std::string line = "study " + id + ": " + outcome.outcome +
                             (outcome.detail.empty() ? "" : " (" + outcome.detail + ")");
    if (outcome.outcome == "error") {
      LogError(line);
    } else {
      LogWarning(line);
    }
    std::lock_guard lock(mutex_);
    busy_ = false;
    ++processed_;
    last_.push_front(std::move(outcome));
    if (last_.size() > kKeptOutcomes) last_.pop_back();
  }
}

StudyOutcome StudyWorker::Process(const std::string& orthanc_id) const {
  StudyOutcome outcome{orthanc_id, "", "", "", ""};
  if (!IsOrthancId(orthanc_id)) return Fail(outcome, "not an Orthanc study ID");
  const std::optional<Poco::Dynamic::Var> list = GetJson("/studies/" + orthanc_id + "/instances");
  if (!list) return Fail(outcome, "Orthanc has no such study");
  const Poco::JSON::Array::Ptr instances_json = list->extract<Poco::JSON::Array::Ptr>();

  // The study's instances as files: BuildReport reads the source instance and the image library.
  const ScopedFolder folder(temp_root_ + "-" + orthanc_id);
  std::vector<StoredInstance> stored;
  std::vector<sr::ReportInstance> report_instances;
  std::string study_uid;
  for (std::size_t i = 0; i < instances_json->size(); ++i) {
    const Poco::JSON::Object::Ptr item = instances_json->getObject(static_cast<unsigned>(i));
    const std::string instance_id = item ? item->optValue<std::string>("ID", "") : "";
    if (!IsOrthancId(instance_id)) return Fail(outcome, "unexpected /instances answer");
    const std::optional<std::string> bytes = RestGet("/instances/" + instance_id + "/file");
    if (!bytes) return Fail(outcome, "cannot read instance " + instance_id);
    const fs::path path = folder.path() / (instance_id + ".dcm");
    {
      std::ofstream out(path, std::ios::binary);
      out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
      if (!out) return Fail(outcome, "cannot write " + path.string());
    }
    Result<InstanceMeta> meta = dicom::ReadInstanceMeta(path.string(), dicom::TruncatedPixelData::kTolerate);
    if (!meta.ok()) return Fail(outcome, "instance " + instance_id + ": " + meta.status().message());
    if (study_uid.empty()) study_uid = meta->study_instance_uid;
    StoredInstance si;
    si.meta = *meta;
    si.file = path.string();
    stored.push_back(si);
    report_instances.push_back({*meta, path.string()});
  }
  if (stored.empty()) return Fail(outcome, "the study has no instances");

  const study::FilterDecision decision = filter_.Decide(stored);
  if (!decision.analyse) {
    outcome.outcome = "ignored";
    outcome.detail = decision.reason;
    return outcome;
  }

  // The SR's UID is derived: look it up before analysing, so a restart never duplicates it.
  const sr::SrUids uids =
      sr::DeriveSrUids(study_uid, sr::ReportInputUids(report_instances), template_, algorithm_.version);
  outcome.sr_sop_instance_uid = uids.sop_instance_uid;
  const std::optional<Poco::Dynamic::Var> found = [&]() -> std::optional<Poco::Dynamic::Var> {
    const std::optional<std::string> body = RestPost("/tools/lookup", uids.sop_instance_uid);
    if (!body) return std::nullopt;
    try {
      return Poco::JSON::Parser().parse(*body);
    } catch (const Poco::Exception&) {
      return std::nullopt;
    }
  }();
  if (!found) return Fail(outcome, "/tools/lookup failed");
  const Poco::JSON::Array::Ptr hits = found->extract<Poco::JSON::Array::Ptr>();
  if (hits && hits->size() > 0) {
    outcome.outcome = "already_present";
    return outcome;
  }

  std::vector<analysis::AnalysisInstance> inputs;
  inputs.reserve(report_instances.size());
  for (const sr::ReportInstance& instance : report_instances) {
    inputs.push_back({instance.meta, dicom::DicomSource::File(instance.file)});
  }
  const classifier::ClassificationResult result = analysis::AnalyzeStudy(study_uid, inputs);
  outcome.result_status = std::string(classifier::StatusName(result.status));

  sr::ReportRequest request;
  request.study_instance_uid = study_uid;
  request.instances = report_instances;
  request.device_observer_uid = sr::DeviceObserverUid(config_.ae_title);
  request.created_at = std::chrono::system_clock::now();
  Result<sr::BuiltReport> built = sr::BuildReport(request, result, template_, algorithm_);
  if (!built.ok()) return Fail(outcome, "SR: " + built.status().message());
  if (built->nothing_to_report) {
    outcome.outcome = "nothing_to_report";
    return outcome;
  }
  if (!built->validation.ok()) return Fail(outcome, "SR failed validation: " + built->validation.message());
  if (!RestPost("/instances", built->document.bytes)) return Fail(outcome, "Orthanc refused the SR");
  outcome.outcome = "stored";
  // TODO: forward to config_.forward_to_modalities (POST /modalities/{name}/store).
  return outcome;
}

}  // namespace alveo::orthanc_plugin
