// SPDX-License-Identifier: Apache-2.0
#include "app/replay_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "analysis/study_analyzer.h"
#include "app/report_setup.h"
#include "core/clock.h"
#include "core/thread_name.h"
#include "core/uid.h"
#include "net/store_scu.h"
#include "pipeline/delivery_service.h"
#include "sr/sr_report.h"

namespace alveo::app {
namespace {

namespace fs = std::filesystem;

// While SRs are still being sent, this run's entries are checked after every send and at least
// this often (an entry's outcome is recorded just after its send returns).
constexpr auto kDeliveryRecheck = std::chrono::milliseconds(100);
// An entry in flight with no send running for this long: its outcome could not be recorded in
// the outbox (the delivery thread logged why); stop waiting for it.
constexpr auto kUnrecordedLimit = std::chrono::seconds(5);

// Forwards to the real sender and announces the end of every send, so the wait for this run's
// deliveries wakes when something may have changed.
class WatchedSender final : public DicomSender {
 public:
  explicit WatchedSender(DicomSender& inner) : inner_(inner) {}

  Status Send(const DicomAddress& to, const std::string& file) override {
    {
      std::lock_guard lock(mutex_);
      ++active_;
    }
    Status status = inner_.Send(to, file);
    {
      std::lock_guard lock(mutex_);
      --active_;
      ++finished_;
    }
    changed_.notify_all();
    return status;
  }

  std::size_t active() const {
    std::lock_guard lock(mutex_);
    return active_;
  }
  std::uint64_t finished() const {
    std::lock_guard lock(mutex_);
    return finished_;
  }
  // Returns once a send has finished since `seen` sends, or after `timeout`; the new count.
  std::uint64_t WaitForSend(std::uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return finished_ != seen; });
    return finished_;
  }

 private:
  DicomSender& inner_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t active_ = 0;      // guarded by mutex_
  std::uint64_t finished_ = 0;  // guarded by mutex_
};

// Returns when every entry is delivered or dead, or when an outcome could not be recorded (the
// entry stays pending; ApplyDeliveryOutcome reports it).
void WaitForDeliveries(const spool::Outbox& outbox, const std::vector<std::string>& ids, WatchedSender& sender) {
  bool unrecorded = false;  // an entry in flight without a send running
  auto unrecorded_since = std::chrono::steady_clock::now();
  std::uint64_t seen = sender.finished();
  for (;;) {
    const bool open = std::any_of(ids.begin(), ids.end(), [&](const std::string& id) {
      const auto entry = outbox.Find(id);
      return entry && entry->state == spool::OutboxState::kPending;
    });
    if (!open) return;
    const bool now_unrecorded = outbox.Counts().in_flight > sender.active();
    const auto now = std::chrono::steady_clock::now();
    if (now_unrecorded && !unrecorded) unrecorded_since = now;
    unrecorded = now_unrecorded;
    if (unrecorded && now - unrecorded_since > kUnrecordedLimit) return;
    seen = sender.WaitForSend(seen, kDeliveryRecheck);
  }
}

void Fail(ReplayRow& row, const std::string& why) {
  row.outcome = kOutcomeFailed;
  row.detail = why;
}

struct StudyOutcome {
  ReplayRow row;
  std::vector<std::string> outbox_ids;  // this run's entries for the study's SR
};

// Replays one study at a time; several threads share one Replayer.
class Replayer {
 public:
  Replayer(const Settings& settings, const SrTemplate& tmpl, const ReplayRunOptions& options, spool::Outbox* outbox,
           pipeline::DeliveryService* delivery)
      : settings_(settings),
        tmpl_(tmpl),
        options_(options),
        algorithm_(ReportAlgorithm()),
        device_observer_uid_(sr::DeviceObserverUid(settings.dicom.ae_title)),
        outbox_(outbox),
        delivery_(delivery) {}

  StudyOutcome Process(const dicom::ScannedStudy& study) const {
    StudyOutcome out;
    out.row.study_instance_uid = study.study_instance_uid;
    out.row.study_key = StudyKeyFor(study.study_instance_uid);
    if (!study.instances.empty()) out.row.modality = study.instances.front().meta.modality;
    try {
      ProcessInto(study, out);
    } catch (const std::exception& e) {
      Fail(out.row, std::string("internal error: ") + e.what());
    } catch (...) {
      Fail(out.row, "internal error");
    }
    return out;
  }

 private:
  std::string SrPath(const std::string& sop_instance_uid, const char* suffix = ".dcm") const {
    return options_.out_dir + "/sr/" + sop_instance_uid + suffix;  // our derived UID: digits and dots
  }
  std::string RecordPath(const std::string& name) const { return options_.out_dir + "/studies/" + name + ".json"; }

  // The record of an earlier run for the same inputs (whose SR is still there), if any.
  std::optional<ReplayRow> FindRecord(const std::string& input_uid, const std::string& study_key) const {
    for (const std::string& name : {input_uid, study_key}) {
      const auto text = ReadWholeFile(RecordPath(name));
      if (!text) continue;
      auto row = ParseReplayRecord(*text);
      if (!row.ok() || row->input_uid != input_uid) continue;
      if (!row->sr_sop_instance_uid.empty() && !fs::exists(SrPath(row->sr_sop_instance_uid))) continue;
      return std::move(row).value();
    }
    return std::nullopt;
  }

  void ProcessInto(const dicom::ScannedStudy& study, StudyOutcome& out) const {
    ReplayRow& row = out.row;
    std::vector<sr::ReportInstance> instances;
    std::vector<analysis::AnalysisInstance> inputs;
    for (const dicom::ScannedInstance& scanned : study.instances) {
      const std::string file = fs::absolute(scanned.path).lexically_normal().string();
      instances.push_back({scanned.meta, file});
      inputs.push_back({scanned.meta, dicom::DicomSource::File(file)});
    }
    // The UIDs the SR gets (the same as the live path's): known before any analysis.
    row.input_uid = sr::DeriveSrUids(study.study_instance_uid, sr::ReportInputUids(instances), tmpl_,
                                     algorithm_.version)
                        .sop_instance_uid;
    if (auto done = FindRecord(row.input_uid, row.study_key)) {
      row = std::move(*done);
      row.outcome = kOutcomeSkipped;
      if (Status queued = Enqueue(row, out.outbox_ids); !queued.ok()) Fail(row, queued.message());
      return;
    }

    classifier::ClassificationResult result;
    try {
      result = analysis::AnalyzeStudy(study.study_instance_uid, inputs, {options_.decode_threads});
    } catch (const std::exception& e) {
      return Fail(row, std::string("analysis failed: ") + e.what());
    }
    if (!result.modality.empty()) row.modality = result.modality;
    row.status = classifier::StatusName(result.status);
    if (result.status == classifier::ResultStatus::kNotAnalysable) row.reason = classifier::ReasonName(result.reason);
    row.certainty = result.certainty;
    if (!result.differential.empty()) row.top_differential = result.differential.front().meaning;
    row.detail = result.reason_detail;

    sr::ReportRequest request;
    request.study_instance_uid = study.study_instance_uid;
    request.instances = std::move(instances);
    request.version = 1;
    request.device_observer_uid = device_observer_uid_;
    request.created_at = clock_.Now();
    auto report = sr::BuildReport(request, result, tmpl_, algorithm_);
    if (!report.ok()) return Fail(row, "SR not built: " + report.status().ToString());
    if (!report->nothing_to_report) {
      const std::string& uid = report->uids.sop_instance_uid;
      if (!report->validation.ok()) {
        const Status kept = WriteFileDurably(SrPath(uid, ".invalid.dcm"), report->document.bytes);
        return Fail(row, "SR failed validation, not sent (" + report->validation.ToString() + "); " +
                             (kept.ok() ? "kept as sr/" + uid + ".invalid.dcm" : "could not keep it: " + kept.ToString()));
      }
      if (Status written = WriteFileDurably(SrPath(uid), report->document.bytes); !written.ok()) {
        return Fail(row, written.ToString());
      }
      row.sr_sop_instance_uid = uid;
    }
    if (Status queued = Enqueue(row, out.outbox_ids); !queued.ok()) return Fail(row, queued.message());
    row.outcome = kOutcomeProcessed;
    // Written last: from now on the study counts as done.
    const std::string name = row.sr_sop_instance_uid.empty() ? row.study_key : row.sr_sop_instance_uid;
    if (Status recorded = WriteFileDurably(RecordPath(name), ReplayRecordJson(row)); !recorded.ok()) {
      return Fail(row, recorded.ToString());
    }
  }

  // Queues the row's SR for every destination of this run; a dead entry of an earlier run is
  // retried, a delivered one stays delivered.
  Status Enqueue(const ReplayRow& row, std::vector<std::string>& ids) const {
    if (outbox_ == nullptr || row.sr_sop_instance_uid.empty()) return Status::Ok();
    for (const DestinationSettings& destination : settings_.delivery.destinations) {
      const spool::OutboxRequest request{destination.name,
                                         {destination.ae_title, destination.host, destination.port},
                                         row.sr_sop_instance_uid,
                                         row.study_key,
                                         SrPath(row.sr_sop_instance_uid)};
      auto entry = outbox_->Enqueue(request, clock_.Now());
      if (!entry.ok()) {
        return Status::Error(entry.status().code(),
                             "cannot queue the SR for " + destination.name + ": " + entry.status().message());
      }
      if (entry->state == spool::OutboxState::kDead) {
        if (Status retried = outbox_->Retry(entry->id, clock_.Now()); !retried.ok()) {
          return Status::Error(retried.code(), "cannot retry the SR for " + destination.name + ": " + retried.message());
        }
      }
      ids.push_back(entry->id);
    }
    if (delivery_ != nullptr) delivery_->Wake();
    return Status::Ok();
  }

  const Settings& settings_;
  const SrTemplate& tmpl_;
  const ReplayRunOptions& options_;
  const sr::AlgorithmInfo algorithm_;
  const std::string device_observer_uid_;
  spool::Outbox* outbox_;
  pipeline::DeliveryService* delivery_;
  SystemClock clock_;
};

// The row's deliveries: a study whose SR did not reach every destination failed.
void ApplyDeliveryOutcome(const spool::Outbox& outbox, StudyOutcome& outcome) {
  std::string problems;
  for (const std::string& id : outcome.outbox_ids) {
    const auto entry = outbox.Find(id);
    if (entry && entry->state == spool::OutboxState::kDelivered) continue;
    if (!problems.empty()) problems += "; ";
    if (!entry) {
      problems += "SR delivery entry " + id + " vanished from the outbox";
      continue;
    }
    problems += "SR not delivered to " + entry->destination + " (" + entry->address.ae_title + "@" +
                entry->address.host + ":" + std::to_string(entry->address.port) + ")";
    problems += entry->state == spool::OutboxState::kDead
                    ? ", dead after " + std::to_string(entry->attempts) + " attempt(s): " + entry->last_error
                    : ": its outcome could not be recorded in the outbox";
  }
  if (!problems.empty()) Fail(outcome.row, problems);
}

}  // namespace

std::vector<ReplayRow> RunReplay(const std::vector<dicom::ScannedStudy>& studies, const Settings& settings,
                                 const SrTemplate& tmpl, const ReplayRunOptions& options, spool::Outbox* outbox,
                                 const ReplayCallbacks& callbacks) {
  std::optional<net::StoreScu> scu;
  std::optional<WatchedSender> sender;
  SystemClock clock;
  std::optional<pipeline::DeliveryService> delivery;
  if (outbox != nullptr) {
    scu.emplace(StoreScuOptionsFrom(settings));
    sender.emplace(*scu);
    delivery.emplace(settings.delivery, *outbox, *sender, clock);
    delivery->Start();
  }
  const Replayer replayer(settings, tmpl, options, outbox, delivery ? &*delivery : nullptr);

  std::vector<StudyOutcome> outcomes(studies.size());
  std::atomic<std::size_t> next{0};
  std::mutex callback_mutex;
  const auto work = [&](int index) {
    SetCurrentThreadName("replay-" + std::to_string(index + 1));
    for (std::size_t i = next.fetch_add(1); i < studies.size(); i = next.fetch_add(1)) {
      outcomes[i] = replayer.Process(studies[i]);
      std::lock_guard lock(callback_mutex);
      if (callbacks.study_finished) callbacks.study_finished(i, outcomes[i].row);
    }
  };
  std::vector<std::thread> workers;
  const std::size_t jobs =
      std::min(static_cast<std::size_t>(std::max(options.jobs, 1)), std::max<std::size_t>(studies.size(), 1));
  for (std::size_t i = 0; i < jobs; ++i) workers.emplace_back(work, static_cast<int>(i));
  for (auto& worker : workers) worker.join();

  if (delivery) {
    std::vector<std::string> ids;
    for (const StudyOutcome& outcome : outcomes) ids.insert(ids.end(), outcome.outbox_ids.begin(), outcome.outbox_ids.end());
    const std::size_t pending = static_cast<std::size_t>(std::count_if(ids.begin(), ids.end(), [&](const std::string& id) {
      const auto entry = outbox->Find(id);
      return entry && entry->state == spool::OutboxState::kPending;
    }));
    if (pending > 0 && callbacks.waiting_for_deliveries) callbacks.waiting_for_deliveries(pending);
    WaitForDeliveries(*outbox, ids, *sender);
    delivery->Stop();
    for (StudyOutcome& outcome : outcomes) ApplyDeliveryOutcome(*outbox, outcome);
  }

  std::vector<ReplayRow> rows;
  rows.reserve(outcomes.size());
  for (StudyOutcome& outcome : outcomes) rows.push_back(std::move(outcome.row));
  return rows;
}

}  // namespace alveo::app
