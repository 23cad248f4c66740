// SPDX-License-Identifier: Apache-2.0
// The default StudyProcessor until the classifier lands: records the complete study (log line and a
// one-line summary for the API) and succeeds. Thread-safety: stateless apart from atomic counters.
#pragma once

#include <atomic>

#include "core/ports.h"

namespace alveo::pipeline {

class RecordingProcessor final : public StudyProcessor {
 public:
  ProcessOutcome Process(const StudyManifest& manifest) override;
  std::uint64_t recorded() const { return recorded_.load(); }

 private:
  std::atomic<std::uint64_t> recorded_{0};
};

}  // namespace alveo::pipeline
