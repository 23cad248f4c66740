// SPDX-License-Identifier: Apache-2.0
// Ports (interfaces) between modules, so that the network layer knows nothing about studies and the
// pipeline knows nothing about DCMTK. The composition root (app) wires the implementations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/instance.h"
#include "core/status.h"
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

// Operator actions on studies (HTTP POST endpoints). Thread-safe.
class StudyControl {
 public:
  virtual ~StudyControl() = default;
  // Completes a receiving study now. kNotFound; kConflict when it is not receiving.
  virtual Status CompleteNow(const std::string& uid_or_key) = 0;
  // Runs the current version of a processed, failed or ignored study through filter, analysis and
  // SR again (same inputs give the same SR UID, so destinations that have it get nothing new).
  // kNotFound; kConflict while it is receiving or being processed.
  virtual Status Reprocess(const std::string& uid_or_key) = 0;
};

// A DICOM application entity to send to.
struct DicomAddress {
  std::string ae_title;
  std::string host;
  int port = 0;
};

// One SR delivery as the API shows it (no patient data).
struct DeliveryView {
  std::string id;
  std::string destination;
  DicomAddress address;
  std::string sop_instance_uid;  // of the SR
  std::string study_key;
  std::string state;  // pending, delivered, dead
  int attempts = 0;
  TimePoint created_at{};
  std::optional<TimePoint> next_attempt_at;  // pending only
  std::optional<TimePoint> finished_at;
  std::string last_error;
};

// The SR deliveries for the HTTP API. Thread-safe.
class DeliveryCatalog {
 public:
  virtual ~DeliveryCatalog() = default;
  virtual std::vector<DeliveryView> ListDeliveries() const = 0;
  // A dead delivery is tried again now (attempts reset). kNotFound; kConflict unless dead.
  virtual Status Retry(const std::string& id) = 0;
};

// Sends one DICOM Part 10 file to a peer by C-STORE (net implements it with DCMTK). Blocking; called
// on delivery threads, several at once. OK on DIMSE success or warning; kPeerUnavailable for what
// may work later (connection refused or timed out, association rejected transient, out of
// resources 0xA7xx, aborted); kPeerRejected for what will not (association rejected permanent, no
// accepted presentation context, any other failure status); kNotFound / kIoError when the file
// cannot be read. The message names the peer and the status (e.g. "0xA700 from PACS@10.0.0.5:104").
class DicomSender {
 public:
  virtual ~DicomSender() = default;
  virtual Status Send(const DicomAddress& to, const std::string& file) = 0;
};

}  // namespace alveo
