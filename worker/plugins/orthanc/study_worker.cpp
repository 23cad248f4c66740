// SPDX-License-Identifier: Apache-2.0
#include "plugins/orthanc/study_worker.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include "analysis/study_analyzer.h"
#include "app/version.h"
#include "classifier/result.h"
#include "core/instance.h"
#include "core/thread_name.h"
#include "dicom/instance_reader.h"
#include "plugins/orthanc/orthanc_api.h"
#include "plugins/orthanc/orthanc_tags.h"
#include "sr/sr_report.h"

namespace alveo::orthanc_plugin {
namespace {

constexpr std::size_t kKeptOutcomes = 100;
constexpr auto kJobPollInterval = std::chrono::seconds(1);
constexpr char kTempPrefix[] = "alveo-orthanc-";
// Orthanc global property (its database) holding the pending SR forwards across restarts; plugins
// may use numbers from 1024 up.
constexpr int kForwardStateProperty = 5301;
namespace fs = std::filesystem;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* TriggerName(Trigger trigger) { return trigger == Trigger::kStable ? "stable" : "rest"; }

// Orthanc IDs are SHA-1 based: hex digits and dashes. Anything else never reaches a URI or a path.
bool IsOrthancId(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

std::optional<Poco::JSON::Object::Ptr> ParseObject(const std::optional<std::string>& body) {
  if (!body) return std::nullopt;
  try {
    Poco::JSON::Object::Ptr object = Poco::JSON::Parser().parse(*body).extract<Poco::JSON::Object::Ptr>();
    if (object) return object;
  } catch (const Poco::Exception&) {
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::string ToJson(const Poco::JSON::Object& object) {
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(object, text);
  return text.str();
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

// A forward as saved in Orthanc's database and shown in the status.
Poco::JSON::Object ForwardJson(const ForwardJob& job) {
  Poco::JSON::Object item;
  item.set("job_id", job.job_id);
  item.set("modality", job.modality);
  item.set("sr_orthanc_id", job.sr_orthanc_id);
  item.set("attempts", job.attempts);
  return item;
}

StudyOutcome Fail(StudyOutcome outcome, std::string detail) {
  outcome.outcome = "error";
  outcome.detail = std::move(detail);
  return outcome;
}

// The SR's SOP Instance UID is already in Orthanc (nullopt: the lookup itself failed).
std::optional<bool> OrthancHasInstance(const std::string& sop_instance_uid) {
  const std::optional<std::string> body = RestPost("/tools/lookup", sop_instance_uid);
  if (!body) return std::nullopt;
  try {
    const Poco::JSON::Array::Ptr hits = Poco::JSON::Parser().parse(*body).extract<Poco::JSON::Array::Ptr>();
    return hits && hits->size() > 0;
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

}  // namespace

StudyOutcome StudyWorker::NewOutcome(const Queued& queued) {
  StudyOutcome outcome;
  outcome.orthanc_id = queued.orthanc_id;
  outcome.trigger = queued.trigger;
  outcome.queued_at_ms = queued.queued_at_ms;
  outcome.started_at_ms = NowMs();
  return outcome;
}

void RemoveStaleTempFolders(const std::string& parent) {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(parent, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kTempPrefix, 0) != 0) continue;
    const std::string pid = name.substr(sizeof(kTempPrefix) - 1);
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      continue;
    }
    if (fs::exists("/proc/" + pid, error)) continue;  // that Orthanc still runs
    std::error_code ignored;
    fs::remove_all(entry.path(), ignored);
  }
}

StudyWorker::StudyWorker(PluginConfig config, SrTemplate tmpl, sr::AlgorithmInfo algorithm, std::string temp_folder)
    : config_(std::move(config)),
      template_(std::move(tmpl)),
      algorithm_(std::move(algorithm)),
      temp_folder_(std::move(temp_folder)),
      filter_(config_.study_filter),
      analysis_threads_(config_.threads > 0 ? config_.threads
                                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))),
      thread_([this] { Run(); }) {}

StudyWorker::~StudyWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::error_code ignored;
  fs::remove_all(temp_folder_, ignored);
}

void StudyWorker::OnOrthancStarted() {
  {
    std::lock_guard lock(mutex_);
    started_ = true;
  }
  wake_.notify_all();
}

void StudyWorker::Enqueue(const std::string& orthanc_study_id, Trigger trigger) {
  {
    std::lock_guard lock(mutex_);
    const bool queued = std::any_of(queue_.begin(), queue_.end(),
                                    [&](const Queued& item) { return item.orthanc_id == orthanc_study_id; });
    if (queued) return;
    queue_.push_back({orthanc_study_id, trigger, NowMs()});
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
  status.set("analysis_threads", analysis_threads_);
  status.set("queue_length", static_cast<int>(queue_.size()));
  status.set("busy", busy_);
  status.set("processed", static_cast<int>(processed_));
  Poco::JSON::Object forwards;
  Poco::JSON::Array pending;
  for (const ForwardJob& job : forwards_) {
    Poco::JSON::Object item = ForwardJson(job);
    item.set("state", job.state);
    pending.add(item);
  }
  Poco::JSON::Array modalities;
  for (const std::string& name : config_.forward_to_modalities) modalities.add(name);
  forwards.set("modalities", modalities);
  forwards.set("pending", pending);
  forwards.set("succeeded", static_cast<int>(forwards_succeeded_));
  forwards.set("gave_up", static_cast<int>(forwards_gave_up_));
  status.set("forwards", forwards);
  Poco::JSON::Array results;
  for (const StudyOutcome& outcome : last_) {
    Poco::JSON::Object item;
    item.set("orthanc_id", outcome.orthanc_id);
    item.set("trigger", TriggerName(outcome.trigger));
    item.set("outcome", outcome.outcome);
    item.set("detail", outcome.detail);
    item.set("sr_sop_instance_uid", outcome.sr_sop_instance_uid);
    item.set("sr_orthanc_id", outcome.sr_orthanc_id);
    item.set("result_status", outcome.result_status);
    item.set("queued_at_ms", outcome.queued_at_ms);
    item.set("started_at_ms", outcome.started_at_ms);
    item.set("finished_at_ms", outcome.finished_at_ms);
    item.set("read_ms", outcome.read_ms);
    item.set("analysis_ms", outcome.analysis_ms);
    item.set("report_ms", outcome.report_ms);
    results.add(item);
  }
  status.set("last_results", results);
  return ToJson(status);
}

WorkerMetrics StudyWorker::Metrics() const {
  std::lock_guard lock(mutex_);
  WorkerMetrics metrics = counts_;
  metrics.queue_length = queue_.size();
  metrics.busy = busy_;
  metrics.forwards_pending = forwards_.size();
  metrics.forwards_succeeded = forwards_succeeded_;
  metrics.forwards_gave_up = forwards_gave_up_;
  return metrics;
}

void StudyWorker::Run() {
  SetCurrentThreadName("alveo-orthanc");
  // Linux: a thread's nice value is its own, and threads it starts inherit it (the analysis's).
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), config_.nice) != 0) {
    LogWarning("cannot lower the analysis thread's priority (nice " + std::to_string(config_.nice) + ")");
  }
  {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return stopping_ || started_; });
    if (stopping_) return;
  }
  LoadForwards();
  for (;;) {
    std::optional<Queued> next;
    {
      std::unique_lock lock(mutex_);
      auto due = std::chrono::steady_clock::time_point::max();
      for (const ForwardJob& job : forwards_) due = std::min(due, job.next_check);
      const auto ready = [&] {
        return stopping_ || !queue_.empty() || std::chrono::steady_clock::now() >= due;
      };
      if (due == std::chrono::steady_clock::time_point::max()) {
        wake_.wait(lock, ready);
      } else {
        wake_.wait_until(lock, due, ready);
      }
      if (stopping_) return;
      if (!queue_.empty()) {
        next = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
      }
    }
    if (next) {
      StudyOutcome outcome;
      try {
        outcome = Process(*next);
      } catch (const std::exception& e) {
        outcome = Fail(NewOutcome(*next), std::string("unexpected exception: ") + e.what());
      }
      if (outcome.outcome == "stored" && !config_.forward_to_modalities.empty()) StartForwards(&outcome);
      outcome.finished_at_ms = NowMs();
      Record(std::move(outcome));
    }
    CheckForwards();
  }
}

void StudyWorker::Record(StudyOutcome outcome) {
  const std::string line = "study " + outcome.orthanc_id + " (" + TriggerName(outcome.trigger) +
                           "): " + outcome.outcome + (outcome.detail.empty() ? "" : " (" + outcome.detail + ")") +
                           (outcome.result_status.empty() ? "" : ", result " + outcome.result_status) + ", " +
                           std::to_string(outcome.finished_at_ms - outcome.queued_at_ms) + " ms after queueing";
  if (outcome.outcome == "error") {
    LogError(line);
  } else {
    LogWarning(line);
  }
  std::lock_guard lock(mutex_);
  busy_ = false;
  ++processed_;
  if (outcome.outcome == "stored") {
    ++counts_.stored;
    if (outcome.trigger == Trigger::kStable) {
      counts_.last_stable_to_stored_ms = outcome.finished_at_ms - outcome.queued_at_ms;
    }
  } else if (outcome.outcome == "already_present") {
    ++counts_.already_present;
  } else if (outcome.outcome == "ignored") {
    ++counts_.ignored;
  } else if (outcome.outcome == "nothing_to_report") {
    ++counts_.nothing_to_report;
  } else {
    ++counts_.errors;
  }
  if (outcome.result_status == "flagged") ++counts_.flagged;
  last_.push_front(std::move(outcome));
  if (last_.size() > kKeptOutcomes) last_.pop_back();
}

StudyOutcome StudyWorker::Process(const Queued& queued) const {
  StudyOutcome outcome = NewOutcome(queued);
  const std::string& orthanc_id = queued.orthanc_id;
  if (!IsOrthancId(orthanc_id)) return Fail(outcome, "not an Orthanc study ID");

  // 1. Tags only (no pixel data): filter, and the derived SR UID looked up in Orthanc.
  const std::optional<std::string> tags_json = RestGet("/studies/" + orthanc_id + "/instances-tags?short");
  if (!tags_json) return Fail(outcome, "Orthanc has no such study");
  Result<std::map<std::string, ShortTags>> tags = ParseStudyInstancesTags(*tags_json);
  if (!tags.ok()) return Fail(outcome, tags.status().message());
  std::vector<std::string> instance_ids;
  std::vector<StoredInstance> listed;
  std::vector<sr::ReportInstance> listed_for_uids;
  for (const auto& [instance_id, instance_tags] : *tags) {
    if (!IsOrthancId(instance_id)) return Fail(outcome, "unexpected instances-tags answer");
    StoredInstance si;
    si.meta = InstanceMetaFromShortTags(instance_tags);
    if (IsStructuredReport(si.meta)) continue;  // reports (ours included) are never inputs
    instance_ids.push_back(instance_id);
    listed_for_uids.push_back({si.meta, ""});
    listed.push_back(std::move(si));
  }
  if (listed.empty()) {
    outcome.outcome = "ignored";
    outcome.detail = "no instances other than structured reports";
    return outcome;
  }
  const study::FilterDecision decision = filter_.Decide(listed);
  if (!decision.analyse) {
    outcome.outcome = "ignored";
    outcome.detail = decision.reason;
    return outcome;
  }
  const std::string study_uid = listed.front().meta.study_instance_uid;
  const sr::SrUids uids =
      sr::DeriveSrUids(study_uid, sr::ReportInputUids(listed_for_uids), template_, algorithm_.version);
  outcome.sr_sop_instance_uid = uids.sop_instance_uid;
  const std::optional<bool> present = OrthancHasInstance(uids.sop_instance_uid);
  if (!present) return Fail(outcome, "/tools/lookup failed");
  if (*present) {
    outcome.outcome = "already_present";
    return outcome;
  }

  // 2. The instances as files: the analysis decodes them, BuildReport reads the source instance and
  //    the image library.
  const ScopedFolder folder(fs::path(temp_folder_) / orthanc_id);
  std::int64_t phase_start = NowMs();
  std::vector<sr::ReportInstance> report_instances;
  report_instances.reserve(instance_ids.size());
  for (const std::string& instance_id : instance_ids) {
    const std::optional<std::string> bytes = RestGet("/instances/" + instance_id + "/file");
    if (!bytes) continue;  // deleted meanwhile: analyse what is there
    const fs::path path = folder.path() / (instance_id + ".dcm");
    {
      std::ofstream out(path, std::ios::binary);
      out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
      if (!out) return Fail(outcome, "cannot write " + path.string());
    }
    Result<InstanceMeta> meta = dicom::ReadInstanceMeta(path.string(), dicom::TruncatedPixelData::kTolerate);
    if (!meta.ok()) return Fail(outcome, "instance " + instance_id + ": " + meta.status().message());
    report_instances.push_back({*meta, path.string()});
  }
  if (report_instances.empty()) return Fail(outcome, "the study's instances were deleted while it was read");

  outcome.read_ms = NowMs() - phase_start;
  phase_start = NowMs();
  std::vector<analysis::AnalysisInstance> inputs;
  inputs.reserve(report_instances.size());
  for (const sr::ReportInstance& instance : report_instances) {
    inputs.push_back({instance.meta, dicom::DicomSource::File(instance.file)});
  }
  analysis::AnalyzerOptions options;
  options.decode_threads = analysis_threads_;
  const classifier::ClassificationResult result = analysis::AnalyzeStudy(study_uid, inputs, options);
  outcome.result_status = std::string(classifier::StatusName(result.status));
  outcome.analysis_ms = NowMs() - phase_start;
  phase_start = NowMs();

  sr::ReportRequest request;
  request.study_instance_uid = study_uid;
  request.instances = std::move(report_instances);
  request.device_observer_uid = sr::DeviceObserverUid(config_.ae_title);
  request.created_at = std::chrono::system_clock::now();
  Result<sr::BuiltReport> built = sr::BuildReport(request, result, template_, algorithm_);
  if (!built.ok()) return Fail(outcome, "SR: " + built.status().message());
  if (built->nothing_to_report) {
    outcome.outcome = "nothing_to_report";
    return outcome;
  }
  outcome.sr_sop_instance_uid = built->uids.sop_instance_uid;  // the instances read may differ from the tag list
  if (!built->validation.ok()) return Fail(outcome, "SR failed validation: " + built->validation.message());
  const std::optional<Poco::JSON::Object::Ptr> stored = ParseObject(RestPost("/instances", built->document.bytes));
  if (!stored) return Fail(outcome, "Orthanc refused the SR");
  outcome.sr_orthanc_id = (*stored)->optValue<std::string>("ID", "");
  outcome.outcome = "stored";
  outcome.report_ms = NowMs() - phase_start;
  return outcome;
}

namespace {

// An asynchronous Orthanc store job sending one instance to one modality; its ID, "" on failure.
std::string StartStoreJob(const std::string& modality, const std::string& instance_id) {
  Poco::JSON::Object request;
  Poco::JSON::Array resources;
  resources.add(instance_id);
  request.set("Resources", resources);
  request.set("Synchronous", false);
  const std::optional<Poco::JSON::Object::Ptr> answer =
      ParseObject(RestPost("/modalities/" + modality + "/store", ToJson(request)));
  return answer ? (*answer)->optValue<std::string>("ID", "") : "";
}

bool SameForward(const ForwardJob& a, const ForwardJob& b) {
  return a.sr_orthanc_id == b.sr_orthanc_id && a.modality == b.modality;
}

}  // namespace

void StudyWorker::StartForwards(StudyOutcome* outcome) {
  for (const std::string& modality : config_.forward_to_modalities) {
    const std::string job_id = StartStoreJob(modality, outcome->sr_orthanc_id);
    if (job_id.empty()) {
      outcome->detail += (outcome->detail.empty() ? "" : "; ") + std::string("forward to ") + modality +
                         " could not be started";
      continue;
    }
    ForwardJob job;
    job.job_id = job_id;
    job.modality = modality;
    job.sr_orthanc_id = outcome->sr_orthanc_id;
    job.state = "Pending";
    job.next_check = std::chrono::steady_clock::now() + kJobPollInterval;
    std::lock_guard lock(mutex_);
    forwards_.push_back(std::move(job));
  }
  SaveForwards();
}

void StudyWorker::SaveForwards() const {
  Poco::JSON::Array list;
  {
    std::lock_guard lock(mutex_);
    for (const ForwardJob& job : forwards_) list.add(ForwardJson(job));
  }
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(list, text);
  if (!SetGlobalProperty(kForwardStateProperty, text.str())) {
    LogError("cannot save the pending SR forwards in Orthanc's database (global property " +
             std::to_string(kForwardStateProperty) + "); they are not resumed after a restart");
  }
}

void StudyWorker::LoadForwards() {
  const std::optional<std::string> saved = GetGlobalProperty(kForwardStateProperty);
  if (!saved || saved->empty()) return;
  std::vector<ForwardJob> loaded;
  try {
    const Poco::JSON::Array::Ptr list = Poco::JSON::Parser().parse(*saved).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; list && i < list->size(); ++i) {
      const Poco::JSON::Object::Ptr item = list->getObject(static_cast<unsigned>(i));
      if (!item) continue;
      ForwardJob job;
      job.job_id = item->optValue<std::string>("job_id", "");
      job.modality = item->optValue<std::string>("modality", "");
      job.sr_orthanc_id = item->optValue<std::string>("sr_orthanc_id", "");
      job.attempts = item->optValue<int>("attempts", 1);
      job.state = "unknown (saved before a restart)";
      job.next_check = std::chrono::steady_clock::now();
      if (IsOrthancId(job.sr_orthanc_id) && !job.modality.empty()) loaded.push_back(std::move(job));
    }
  } catch (const Poco::Exception& e) {
    LogError("the saved SR forwards are unreadable (" + e.displayText() + "); starting without them");
    return;
  }
  if (loaded.empty()) return;
  LogWarning(std::to_string(loaded.size()) + " SR forward(s) pending from before the restart; resuming");
  std::lock_guard lock(mutex_);
  forwards_ = std::move(loaded);
}

void StudyWorker::CheckForwards() {
  std::vector<ForwardJob> due;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    for (const ForwardJob& job : forwards_) {
      if (job.next_check <= now) due.push_back(job);
    }
  }
  if (due.empty()) return;
  bool changed = false;  // what SaveForwards keeps: the list, job IDs, attempts
  for (ForwardJob& job : due) {
    const std::string job_before = job.job_id;
    const int attempts_before = job.attempts;
    const std::string what = "forward of SR " + job.sr_orthanc_id + " to " + job.modality;
    const std::optional<Poco::JSON::Object::Ptr> info =
        IsOrthancId(job.job_id) ? ParseObject(RestGet("/jobs/" + job.job_id)) : std::nullopt;
    bool finished = false;
    bool succeeded = false;
    if (!info) {
      // The job is gone (Orthanc restarted without "SaveJobs", or it was deleted): a new one.
      if (job.attempts >= config_.forward_max_attempts || !RestGet("/instances/" + job.sr_orthanc_id)) {
        finished = true;
        LogError(what + ": job " + job.job_id + " is gone and " +
                 (job.attempts >= config_.forward_max_attempts ? "no attempt is left" : "the SR was deleted") +
                 "; giving up");
      } else {
        ++job.attempts;
        job.job_id = StartStoreJob(job.modality, job.sr_orthanc_id);
        job.state = job.job_id.empty() ? "not started" : "Pending";
        job.waiting = job.job_id.empty();
        LogWarning(what + ": its Orthanc job is gone; attempt " + std::to_string(job.attempts) +
                   (job.job_id.empty() ? " could not be started" : " is job " + job.job_id));
      }
    } else {
      job.state = (*info)->optValue<std::string>("State", "");
      if (job.state == "Success") {
        finished = succeeded = true;
        LogWarning("SR " + job.sr_orthanc_id + " forwarded to " + job.modality);
      } else if (job.state == "Failure" && job.attempts >= config_.forward_max_attempts) {
        finished = true;
        LogError(what + " failed " + std::to_string(job.attempts) + " times; giving up (Orthanc job " + job.job_id +
                 " can be resubmitted from /jobs)");
      } else if (job.state == "Failure" && !job.waiting) {
        job.waiting = true;  // resubmitted once the retry interval has passed
        LogWarning(what + " failed (" + (*info)->optValue<std::string>("ErrorDescription", "no detail") +
                   "), attempt " + std::to_string(job.attempts) + "; retrying in " +
                   std::to_string(config_.forward_retry_seconds) + " s");
      } else if (job.state == "Failure") {
        job.waiting = false;
        ++job.attempts;
        if (!RestPost("/jobs/" + job.job_id + "/resubmit", "").has_value()) {
          LogError(what + ": cannot resubmit job " + job.job_id);
        }
      }
    }
    changed = changed || finished || job.job_id != job_before || job.attempts != attempts_before;
    const auto next = job.waiting ? now + std::chrono::seconds(config_.forward_retry_seconds) : now + kJobPollInterval;
    std::lock_guard lock(mutex_);
    for (auto it = forwards_.begin(); it != forwards_.end(); ++it) {
      if (!SameForward(*it, job)) continue;
      if (finished) {
        forwards_.erase(it);
        (succeeded ? forwards_succeeded_ : forwards_gave_up_)++;
      } else {
        it->job_id = job.job_id;
        it->state = job.state;
        it->attempts = job.attempts;
        it->waiting = job.waiting;
        it->next_check = next;
      }
      break;
    }
  }
  if (changed) SaveForwards();
}

}  // namespace alveo::orthanc_plugin
