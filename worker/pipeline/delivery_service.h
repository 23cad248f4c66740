// SPDX-License-Identifier: Apache-2.0
// Drives the durable outbox: delivery threads (out-N) take due entries, send each SR file through
// the DicomSender port and report the outcome, so retries, back-off and the dead letter follow the
// outbox's policy; the threads are a spool::DueWorkLoop (sleep until due or Wake()). Knows nothing
// about DCMTK (the sender is a port) or about studies. Thread-safety: every public method is safe
// from any thread.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/clock.h"
#include "core/ports.h"
#include "core/settings.h"
#include "spool/due_work_loop.h"
#include "spool/outbox.h"

namespace alveo::pipeline {

struct DeliveryCounters {
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> failed_attempts{0};
  std::atomic<std::uint64_t> dead{0};
};

class DeliveryService {
 public:
  DeliveryService(const DeliverySettings& settings, spool::Outbox& outbox, DicomSender& sender, const Clock& clock);
  ~DeliveryService();
  DeliveryService(const DeliveryService&) = delete;
  DeliveryService& operator=(const DeliveryService&) = delete;

  // Starts settings.threads delivery threads; pending entries from before a restart are sent first.
  void Start();
  // Lets sends in progress finish (each is bounded by the DIMSE timeouts), then joins. Entries not
  // reported stay pending on disk and are sent after the next start.
  void Stop();
  // New entries were enqueued: wake a sleeping thread.
  void Wake();

  const DeliveryCounters& counters() const { return counters_; }

 private:
  bool DeliverOneDue(TimePoint now);
  void DeliverOne(const spool::OutboxEntry& entry);

  const DeliverySettings& settings_;
  spool::Outbox& outbox_;
  DicomSender& sender_;
  const Clock& clock_;
  DeliveryCounters counters_;
  spool::DueWorkLoop loop_;  // last: its threads stop before the members above go
};

}  // namespace alveo::pipeline
