// SPDX-License-Identifier: Apache-2.0
// The serve pipeline's StudyProcessor: analyses a complete study from its spooled files with the
// shared study analyzer, hands the result to the SR publisher (build, validate, store, queue for
// delivery) and returns the result document (stored with the study, shown by the API).
// Thread-safety: Process runs on compute-pool threads, concurrently for different studies; it keeps
// only atomic counters.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/ports.h"
#include "pipeline/sr_publisher.h"
#include "spool/spool.h"

namespace alveo::app {

class AnalysisProcessor final : public StudyProcessor {
 public:
  // `publisher` may be null: results only, no SR (report.enabled false).
  AnalysisProcessor(const spool::Spool& spool, pipeline::SrPublisher* publisher)
      : spool_(spool), publisher_(publisher) {}
  ProcessOutcome Process(const StudyManifest& manifest) override;

  std::uint64_t flagged() const { return flagged_.load(); }

 private:
  const spool::Spool& spool_;
  pipeline::SrPublisher* publisher_;
  std::atomic<std::uint64_t> flagged_{0};
};

}  // namespace alveo::app
