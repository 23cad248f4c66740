// SPDX-License-Identifier: Apache-2.0
#include "pipeline/delivery_service.h"

#include "core/log.h"

namespace alveo::pipeline {
namespace {

std::string Describe(const spool::OutboxEntry& entry) {
  return entry.destination + " (" + entry.address.ae_title + "@" + entry.address.host + ":" +
         std::to_string(entry.address.port) + ")";
}

}  // namespace

DeliveryService::DeliveryService(const DeliverySettings& settings, spool::Outbox& outbox, DicomSender& sender,
                                 const Clock& clock)
    : settings_(settings),
      outbox_(outbox),
      sender_(sender),
      clock_(clock),
      loop_("outbox", "out", settings.threads, settings.keep_finished_hours, clock,
            spool::DueWorkHooks{[this](TimePoint now) { return DeliverOneDue(now); },
                                [this] { return outbox_.NextDue(); },
                                [this](TimePoint cutoff) { return outbox_.ForgetFinishedBefore(cutoff); }}) {}

DeliveryService::~DeliveryService() { Stop(); }

void DeliveryService::Start() {
  const auto counts = outbox_.Counts();
  if (counts.pending > 0) {
    ALVEO_LOG(kInfo, kDelivery) << counts.pending << " SR deliveries pending from before; resuming";
  }
  loop_.Start();
}

void DeliveryService::Stop() { loop_.Stop(); }

void DeliveryService::Wake() { loop_.Wake(); }

bool DeliveryService::DeliverOneDue(TimePoint now) {
  auto due = outbox_.TakeDue(now, 1);
  if (due.empty()) return false;
  DeliverOne(due.front());
  return true;
}

void DeliveryService::DeliverOne(const spool::OutboxEntry& entry) {
  const Status sent = sender_.Send(entry.address, entry.file);
  const TimePoint now = clock_.Now();
  if (sent.ok()) {
    counters_.delivered.fetch_add(1);
    ALVEO_LOG(kInfo, kDelivery) << "SR " << entry.sop_instance_uid << " of study " << entry.study_key
                                << " delivered to " << Describe(entry) << " (attempt " << entry.attempts + 1 << ")";
    if (Status status = outbox_.ReportDelivered(entry.id, now); !status.ok()) {
      ALVEO_LOG(kError, kDelivery) << "outbox: cannot record the delivery of " << entry.id << ": "
                                   << status.ToString() << " (it will be sent again after a restart)";
    }
    return;
  }
  counters_.failed_attempts.fetch_add(1);
  if (Status status = outbox_.ReportFailed(entry.id, sent, now); !status.ok()) {
    ALVEO_LOG(kError, kDelivery) << "outbox: cannot record a failed delivery of " << entry.id << ": "
                                 << status.ToString();
    return;
  }
  const auto after = outbox_.Find(entry.id);
  if (after && after->state == spool::OutboxState::kDead) {
    counters_.dead.fetch_add(1);
    ALVEO_LOG(kError, kDelivery) << "SR " << entry.sop_instance_uid << " of study " << entry.study_key
                                 << " NOT delivered to " << Describe(entry) << " after " << after->attempts
                                 << " attempt(s), dead letter: " << sent.ToString();
  } else if (after) {
    const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(after->next_attempt_at - now);
    ALVEO_LOG(kWarn, kDelivery) << "SR " << entry.sop_instance_uid << " to " << Describe(entry) << ": attempt "
                                << after->attempts << " failed (" << sent.ToString() << "); retry in "
                                << delay.count() << " ms";
  }
}

}  // namespace alveo::pipeline
