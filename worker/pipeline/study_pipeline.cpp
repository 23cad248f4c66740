// SPDX-License-Identifier: Apache-2.0
#include "pipeline/study_pipeline.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <future>
#include <thread>

#include "core/log.h"
#include "core/thread_name.h"
#include "core/uid.h"
#include "study/study_state.h"

namespace alveo::pipeline {

namespace asio = boost::asio;
using Strand = asio::strand<asio::io_context::executor_type>;
using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;

// Everything about one study. `state` is touched only on `strand`; `summary` is the snapshot the
// catalog reads, guarded by `summary_mutex`.
struct StudyPipeline::Entry {
  Entry(asio::io_context& io, study::StudyState initial)
      : strand(asio::make_strand(io)), timer(strand), state(std::move(initial)) {}
  Strand strand;
  asio::steady_timer timer;
  study::StudyState state;
  bool retired = false;  // retention deleted it; late arrivals go to a fresh entry
  mutable std::mutex summary_mutex;
  StudySummary summary;
};

struct StudyPipeline::Impl {
  asio::io_context io;
  asio::io_context compute;
  std::optional<WorkGuard> io_guard;
  std::optional<WorkGuard> compute_guard;
  std::vector<std::thread> threads;
  std::unique_ptr<asio::steady_timer> retention_timer;
};

std::string ResultFileName(int version) { return "result-v" + std::to_string(version) + ".json"; }

StudyPipeline::StudyPipeline(const Settings& settings, spool::Spool& spool, StudyProcessor& processor,
                             const Clock& clock)
    : settings_(settings),
      spool_(spool),
      processor_(processor),
      clock_(clock),
      filter_(settings.study.filter),
      impl_(std::make_unique<Impl>()) {}

StudyPipeline::~StudyPipeline() { Stop(); }

void StudyPipeline::Start(std::vector<RecoveredStudy> recovered) {
  impl_->io_guard.emplace(impl_->io.get_executor());
  impl_->compute_guard.emplace(impl_->compute.get_executor());
  std::size_t requeued = 0;
  for (auto& study : recovered) {
    auto entry = std::make_shared<Entry>(impl_->io, study::StudyState::Restore(study, settings_.study));
    if (entry->state.phase() == StudyPhase::kProcessed) {
      if (auto result = spool_.ReadStudyFile(study.study_key, ResultFileName(entry->state.completed_version())); result.ok()) {
        entry->state.SetResult(std::move(*result));
      }
    }
    {
      std::lock_guard lock(registry_mutex_);
      by_key_[study.study_key] = entry;
      key_by_uid_[study.study_instance_uid] = study.study_key;
    }
    Publish(*entry);
    asio::post(entry->strand, [this, entry] {
      if (auto manifest = entry->state.PendingManifest()) {
        Dispatch(entry, std::move(*manifest), false);
      } else {
        Arm(entry);
      }
    });
    if (entry->state.PendingManifest()) ++requeued;
  }
  if (!recovered.empty()) {
    ALVEO_LOG(kInfo, kPipeline) << "recovered " << recovered.size() << " studies from the journal, " << requeued
                                << " re-queued for processing";
  }
  const int io_threads = std::max(1, settings_.pipeline.io_threads);
  int compute_threads = settings_.pipeline.compute_threads;
  if (compute_threads <= 0) compute_threads = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 0; i < io_threads; ++i) {
    impl_->threads.emplace_back([this, i] {
      SetCurrentThreadName("io-" + std::to_string(i + 1));
      impl_->io.run();
    });
  }
  for (int i = 0; i < compute_threads; ++i) {
    impl_->threads.emplace_back([this, i] {
      SetCurrentThreadName("cls-" + std::to_string(i + 1));
      impl_->compute.run();
    });
  }
  ScheduleRetention();
}

void StudyPipeline::Stop() {
  if (stopped_.exchange(true)) return;
  impl_->io_guard.reset();
  impl_->compute_guard.reset();
  impl_->io.stop();
  impl_->compute.stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
}

StudyPipeline::EntryPtr StudyPipeline::FindOrCreate(const StoredInstance& instance) {
  std::lock_guard lock(registry_mutex_);
  auto& entry = by_key_[instance.study_key];
  if (!entry) {
    entry = std::make_shared<Entry>(
        impl_->io, study::StudyState(instance.study_key, instance.meta.study_instance_uid, settings_.study));
    key_by_uid_[instance.meta.study_instance_uid] = instance.study_key;
  }
  assoc_studies_[instance.provenance.association_id].insert(instance.study_key);
  return entry;
}

StudyPipeline::EntryPtr StudyPipeline::Find(const std::string& uid_or_key) const {
  std::lock_guard lock(registry_mutex_);
  auto key = key_by_uid_.find(uid_or_key);
  auto entry = by_key_.find(key != key_by_uid_.end() ? key->second : uid_or_key);
  return entry == by_key_.end() ? nullptr : entry->second;
}

void StudyPipeline::OnInstanceStored(const StoredInstance& instance) {
  counters_.instances.fetch_add(1);
  auto entry = FindOrCreate(instance);
  asio::post(entry->strand, [this, entry, instance] { AddOnStrand(entry, instance); });
}

void StudyPipeline::AddOnStrand(const EntryPtr& entry, const StoredInstance& instance) {
  if (entry->retired) {  // retention removed this study after the instance was routed here
    OnInstanceStored(instance);
    return;
  }
  const auto result = entry->state.AddInstance(instance, clock_.Now());
  if (result == study::StudyState::AddResult::kReopened) {
    ALVEO_LOG(kInfo, kStudy) << "study " << entry->state.study_key() << " re-opened by a late instance (v"
                             << entry->state.completed_version() << " was complete)";
  }
  Publish(*entry);
  Arm(entry);
}

void StudyPipeline::OnAssociationEnded(std::uint64_t association_id, bool released) {
  std::vector<EntryPtr> touched;
  {
    std::lock_guard lock(registry_mutex_);
    auto found = assoc_studies_.find(association_id);
    if (found == assoc_studies_.end()) return;
    for (const auto& key : found->second) {
      if (auto entry = by_key_.find(key); entry != by_key_.end()) touched.push_back(entry->second);
    }
    assoc_studies_.erase(found);
  }
  for (auto& entry : touched) {
    asio::post(entry->strand, [this, entry, association_id, released] {
      entry->state.OnAssociationEnded(association_id, released, clock_.Now());
      Arm(entry);
    });
  }
}

void StudyPipeline::Arm(const EntryPtr& entry) {
  const auto deadline = entry->state.Deadline();
  if (!deadline) {
    entry->timer.cancel();
    return;
  }
  const auto delay = std::max(Millis(0), std::chrono::duration_cast<Millis>(*deadline - clock_.Now()));
  entry->timer.expires_after(delay);
  entry->timer.async_wait([this, entry](const boost::system::error_code& error) {
    if (!error) OnTimer(entry);
  });
}

void StudyPipeline::OnTimer(const EntryPtr& entry) {
  auto manifest = entry->state.OnDeadline(clock_.Now());
  if (!manifest) {
    Arm(entry);  // the deadline moved (a new instance arrived); wait again
    return;
  }
  counters_.studies_completed.fetch_add(1);
  ALVEO_LOG(kInfo, kStudy) << "study " << manifest->study_key << " v" << manifest->version << " complete ("
                           << CompletionReasonName(manifest->reason) << ", " << manifest->instances.size()
                           << " instances)";
  Publish(*entry);
  Dispatch(entry, std::move(*manifest), true);
}

Status StudyPipeline::CompleteNow(const std::string& uid_or_key) {
  return OnStrandNow(uid_or_key, "complete", [this](const EntryPtr& entry) {
    auto manifest = entry->state.ForceComplete(clock_.Now());
    if (!manifest) return false;
    counters_.studies_completed.fetch_add(1);
    Publish(*entry);
    Arm(entry);
    Dispatch(entry, std::move(*manifest), true);
    return true;
  });
}

Status StudyPipeline::Reprocess(const std::string& uid_or_key) {
  return OnStrandNow(uid_or_key, "reprocess", [this](const EntryPtr& entry) {
    auto manifest = entry->state.Reprocess(clock_.Now());
    if (!manifest) return false;
    ALVEO_LOG(kInfo, kPipeline) << "study " << manifest->study_key << " v" << manifest->version
                                << ": reprocessing on request";
    Publish(*entry);
    // The completion of this version is journaled already; a crash mid-way keeps the old result.
    Dispatch(entry, std::move(*manifest), false);
    return true;
  });
}

Status StudyPipeline::OnStrandNow(const std::string& uid_or_key, const char* what,
                                  std::function<bool(const EntryPtr&)> action) {
  auto entry = Find(uid_or_key);
  if (!entry) return Status::Error(ErrorCode::kNotFound, "no study " + uid_or_key);
  // The answer: "" when done, else the phase that prevented it (read on the strand).
  auto done = std::make_shared<std::promise<std::string>>();
  auto future = done->get_future();
  asio::post(entry->strand, [entry, done, action = std::move(action)] {
    done->set_value(action(entry) ? std::string() : std::string(PhaseName(entry->state.phase())));
  });
  // Bounded: after Stop() the strand never runs.
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    return Status::Error(ErrorCode::kShuttingDown, std::string(what) + ": the pipeline is not running");
  }
  const std::string blocking_phase = future.get();
  if (!blocking_phase.empty()) {
    return Status::Error(ErrorCode::kConflict,
                         std::string("cannot ") + what + " study " + uid_or_key + " while it is " + blocking_phase);
  }
  return Status::Ok();
}

void StudyPipeline::Dispatch(const EntryPtr& entry, StudyManifest manifest, bool journal_completion) {
  entry->state.MarkProcessing(manifest.version);
  Publish(*entry);
  asio::post(impl_->compute, [this, entry, manifest = std::move(manifest), journal_completion] {
    RunJob(entry, manifest, journal_completion);
  });
}

void StudyPipeline::RunJob(const EntryPtr& entry, const StudyManifest& manifest, bool journal_completion) {
  const std::string& key = manifest.study_key;
  if (journal_completion) {
    StudyEvent complete{StudyEventType::kComplete, manifest.version, manifest.completed_at, manifest.reason, "",
                        manifest.instances.size()};
    if (Status status = spool_.AppendEvent(key, complete); !status.ok()) {
      ALVEO_LOG(kError, kSpool) << "study " << key << ": cannot journal completion: " << status.ToString();
    }
  }
  StudyEvent result{StudyEventType::kProcessed, manifest.version, {}, manifest.reason, "", 0};
  const study::FilterDecision decision = filter_.Decide(manifest.instances);
  ProcessOutcome outcome;
  if (!decision.analyse) {
    result.type = StudyEventType::kIgnored;
    result.detail = decision.reason;
    counters_.studies_ignored.fetch_add(1);
    ALVEO_LOG(kInfo, kPipeline) << "study " << key << " v" << manifest.version << " stored, not analysed: "
                                << decision.reason;
  } else {
    try {
      outcome = processor_.Process(manifest);
    } catch (const std::exception& e) {  // a processor bug must not lose the study
      outcome = {false, std::string("processor failed: ") + e.what(), ""};
    }
    result.type = outcome.ok ? StudyEventType::kProcessed : StudyEventType::kFailed;
    result.detail = outcome.summary;
    if (!outcome.result_json.empty()) {
      if (Status status = spool_.WriteStudyFile(key, ResultFileName(manifest.version), outcome.result_json); !status.ok()) {
        ALVEO_LOG(kError, kSpool) << "study " << key << ": cannot store the result: " << status.ToString();
      }
    }
    (outcome.ok ? counters_.studies_processed : counters_.studies_failed).fetch_add(1);
  }
  result.at = clock_.Now();
  if (Status status = spool_.AppendEvent(key, result); !status.ok()) {
    ALVEO_LOG(kError, kSpool) << "study " << key << ": cannot journal result: " << status.ToString();
  }
  asio::post(entry->strand, [this, entry, result, version = manifest.version, json = std::move(outcome.result_json)] {
    if (result.type == StudyEventType::kIgnored) {
      entry->state.MarkIgnored(version, result.detail, result.at);
    } else {
      entry->state.MarkProcessed(version, {result.type == StudyEventType::kProcessed, result.detail, json}, result.at);
    }
    Publish(*entry);
  });
}

void StudyPipeline::Publish(Entry& entry) {
  StudySummary summary = entry.state.Summary();
  std::lock_guard lock(entry.summary_mutex);
  entry.summary = std::move(summary);
}

std::vector<StudySummary> StudyPipeline::ListStudies() const {
  std::vector<EntryPtr> entries;
  {
    std::lock_guard lock(registry_mutex_);
    for (const auto& [key, entry] : by_key_) entries.push_back(entry);
  }
  std::vector<StudySummary> summaries;
  summaries.reserve(entries.size());
  for (const auto& entry : entries) {
    std::lock_guard lock(entry->summary_mutex);
    summaries.push_back(entry->summary);
  }
  std::sort(summaries.begin(), summaries.end(),
            [](const StudySummary& a, const StudySummary& b) { return a.last_received > b.last_received; });
  return summaries;
}

std::optional<StudySummary> StudyPipeline::FindStudy(const std::string& uid_or_key) const {
  auto entry = Find(uid_or_key);
  if (!entry) return std::nullopt;
  std::lock_guard lock(entry->summary_mutex);
  return entry->summary;
}

void StudyPipeline::HoldRetentionWhile(std::function<bool(const std::string& study_key)> in_use) {
  retention_hold_ = std::move(in_use);
}

void StudyPipeline::ScheduleRetention() {
  if (settings_.spool.retention_hours <= 0) return;
  if (!impl_->retention_timer) impl_->retention_timer = std::make_unique<asio::steady_timer>(impl_->io);
  impl_->retention_timer->expires_after(std::chrono::minutes(settings_.spool.retention_sweep_minutes));
  impl_->retention_timer->async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    SweepRetention();
    ScheduleRetention();
  });
}

void StudyPipeline::SweepRetention() {
  std::vector<EntryPtr> entries;
  {
    std::lock_guard lock(registry_mutex_);
    for (const auto& [key, entry] : by_key_) entries.push_back(entry);
  }
  const auto cutoff = clock_.Now() - std::chrono::hours(settings_.spool.retention_hours);
  for (auto& entry : entries) {
    asio::post(entry->strand, [this, entry, cutoff] {
      const StudySummary summary = entry->state.Summary();
      const bool done = summary.phase == StudyPhase::kProcessed || summary.phase == StudyPhase::kIgnored;
      if (!done || !summary.processed_at || *summary.processed_at > cutoff) return;
      const std::size_t count = entry->state.instance_count();
      asio::post(impl_->compute, [this, entry, count, key = summary.study_key] {
        if (retention_hold_ && retention_hold_(key)) {
          ALVEO_LOG(kInfo, kSpool) << "retention: study " << key << " kept: an SR delivery is still pending";
          return;
        }
        auto removed = spool_.RemoveStudyIfUnchanged(key, count);
        if (!removed.ok()) {
          ALVEO_LOG(kError, kSpool) << "retention: cannot delete study " << key << ": " << removed.status().ToString();
          return;
        }
        if (!*removed) return;  // an instance arrived meanwhile; try again next sweep
        counters_.studies_removed.fetch_add(1);
        ALVEO_LOG(kInfo, kSpool) << "retention: deleted study " << key;
        asio::post(entry->strand, [this, entry, count] { RetireOnStrand(entry, count); });
      });
    });
  }
}

void StudyPipeline::RetireOnStrand(const EntryPtr& entry, std::size_t removed_count) {
  entry->retired = true;
  entry->timer.cancel();
  {
    std::lock_guard lock(registry_mutex_);
    auto found = by_key_.find(entry->state.study_key());
    if (found != by_key_.end() && found->second == entry) {
      by_key_.erase(found);
      std::lock_guard summary_lock(entry->summary_mutex);
      key_by_uid_.erase(entry->summary.study_instance_uid);
    }
  }
  // Instances routed here after the deletion live in a new study folder: start a fresh entry.
  const auto& instances = entry->state.instances();
  for (std::size_t i = removed_count; i < instances.size(); ++i) OnInstanceStored(instances[i]);
}

}  // namespace alveo::pipeline
