// SPDX-License-Identifier: Apache-2.0
// Ports (interfaces) between modules, so that the network layer knows nothing about studies and the
// pipeline knows nothing about DCMTK. The composition root (app) wires the implementations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/instance.h"
#include "core/study_types.h"

namespace alveo {

// Receives every durably spooled instance. Called on association threads; implementations must
// return quickly and never block (post work elsewhere).
class InstanceSink {
 public:
  virtual ~InstanceSink() = default;
  virtual void OnInstanceStored(const StoredInstance& instance) = 0;
  // The association ended (released, aborted or dropped) after delivering zero or more instances.
  virtual void OnAssociationEnded(std::uint64_t association_id, bool released) = 0;
};

// Does the work on a complete study (record it now; classify + SR in later versions). Called on a
// compute-pool thread, one manifest at a time per study.
class StudyProcessor {
 public:
  virtual ~StudyProcessor() = default;
  virtual ProcessOutcome Process(const StudyManifest& manifest) = 0;
};

// Read-only view of the studies for the HTTP API. Thread-safe.
class StudyCatalog {
 public:
  virtual ~StudyCatalog() = default;
  virtual std::vector<StudySummary> ListStudies() const = 0;
  // Finds a study by Study Instance UID or by study key.
  virtual std::optional<StudySummary> FindStudy(const std::string& uid_or_key) const = 0;
};

}  // namespace alveo
