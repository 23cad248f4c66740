// SPDX-License-Identifier: Apache-2.0
// From an analysed study version to a delivered Structured Report: decides the content (sr),
// derives the SR's UIDs, references the previous version's SR, builds and validates the document,
// stores it durably with the study (sr-v<N>.dcm, optionally also in the results folder) and queues
// it in the outbox for every destination. An SR that fails validation is never queued: it is kept
// as sr-v<N>.invalid.dcm, logged and counted. Thread-safety: Publish runs on compute-pool threads,
// concurrently for different studies (one version of a study at a time); it keeps atomic counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "classifier/result.h"
#include "core/clock.h"
#include "core/settings.h"
#include "core/sr_template.h"
#include "core/status.h"
#include "core/study_types.h"
#include "spool/outbox.h"
#include "spool/spool.h"
#include "sr/sr_content.h"

namespace alveo::pipeline {

class DeliveryService;

// The stored SR of a study version, in the study's spool folder.
std::string SrFileName(int version);

struct PublishedSr {
  bool built = false;  // false: nothing to report (e.g. not analysable and the template says so)
  std::string sop_instance_uid;
  std::string file;            // absolute path of the stored SR
  std::size_t destinations = 0;  // outbox entries queued (new or already known)
};

struct SrPublisherCounters {
  std::atomic<std::uint64_t> built{0};
  std::atomic<std::uint64_t> invalid{0};
  std::atomic<std::uint64_t> queued{0};
};

class SrPublisher {
 public:
  // `our_ae_title` seeds the device observer UID. `outbox` and `delivery` may be null (no
  // destinations configured).
  SrPublisher(const DeliverySettings& settings, SrTemplate tmpl, sr::AlgorithmInfo algorithm,
              std::string our_ae_title, spool::Spool& spool, spool::Outbox* outbox, DeliveryService* delivery,
              const Clock& clock);

  // Errors: kInvalidSr (kept, not sent), kIoError (not stored), the sr module's build errors.
  Result<PublishedSr> Publish(const StudyManifest& manifest, const classifier::ClassificationResult& result);

  const SrPublisherCounters& counters() const { return counters_; }

 private:
  std::vector<spool::OutboxRequest> Requests(const StudyManifest& manifest, const std::string& sop_instance_uid,
                                             const std::string& file) const;
  Status WriteResultsCopy(const std::string& sop_instance_uid, const std::string& bytes) const;

  const DeliverySettings& settings_;
  const SrTemplate template_;
  const sr::AlgorithmInfo algorithm_;
  const std::string device_observer_uid_;
  spool::Spool& spool_;
  spool::Outbox* outbox_;
  DeliveryService* delivery_;
  const Clock& clock_;
  SrPublisherCounters counters_;
};

}  // namespace alveo::pipeline
