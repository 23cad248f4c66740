// SPDX-License-Identifier: Apache-2.0
// The serve pipeline's StudyProcessor: analyses a complete study from its spooled files with the
// shared study analyzer, hands the result to the SR publisher (build, validate, store, queue for
// delivery), then to the notifier (worklist-priority notifications, when configured) and returns
// the result document (stored with the study, shown by the API). Thread-safety: Process runs on
// compute-pool threads, concurrently for different studies; it keeps only atomic counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "classifier/result.h"
#include "core/metrics.h"
#include "core/ports.h"
#include "notify/notifier.h"
#include "pipeline/sr_publisher.h"
#include "spool/spool.h"

namespace alveo::app {

class AnalysisProcessor final : public StudyProcessor {
 public:
  // `publisher` may be null: results only, no SR (report.enabled false). `notifier` may be null: no
  // notification channel is configured.
  AnalysisProcessor(const spool::Spool& spool, pipeline::SrPublisher* publisher,
                    notify::Notifier* notifier = nullptr)
      : spool_(spool), publisher_(publisher), notifier_(notifier) {}
  ProcessOutcome Process(const StudyManifest& manifest) override;

  std::uint64_t flagged() const { return flagged_.load(); }
  // Per analysed study: pixel decoding and the whole analysis (decode + classify).
  const Histogram& decode_seconds() const { return decode_seconds_; }
  const Histogram& analysis_seconds() const { return analysis_seconds_; }
  // Results by status name (flagged, not_flagged, not_analysable).
  std::uint64_t results(classifier::ResultStatus status) const { return results_[static_cast<int>(status)].load(); }

 private:
  void Notify(const StudyManifest& manifest, const classifier::ClassificationResult& result,
              const std::string& sr_uid, ProcessOutcome& outcome);

  const spool::Spool& spool_;
  pipeline::SrPublisher* publisher_;
  notify::Notifier* notifier_;
  std::atomic<std::uint64_t> flagged_{0};
  std::atomic<int> active_{0};  // studies being analysed now
  Histogram decode_seconds_;
  Histogram analysis_seconds_;
  std::array<std::atomic<std::uint64_t>, 3> results_{};
};

}  // namespace alveo::app
