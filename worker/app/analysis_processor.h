// SPDX-License-Identifier: Apache-2.0
// The serve pipeline's StudyProcessor: analyses a complete study from its spooled files with the
// shared study analyzer and returns the result document (stored with the study, shown by the API).
// Thread-safety: Process runs on compute-pool threads, concurrently for different studies; it keeps
// only atomic counters.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/ports.h"
#include "spool/spool.h"

namespace alveo::app {

class AnalysisProcessor final : public StudyProcessor {
 public:
  explicit AnalysisProcessor(const spool::Spool& spool) : spool_(spool) {}
  ProcessOutcome Process(const StudyManifest& manifest) override;

  std::uint64_t flagged() const { return flagged_.load(); }

 private:
  const spool::Spool& spool_;
  std::atomic<std::uint64_t> flagged_{0};
};

}  // namespace alveo::app
