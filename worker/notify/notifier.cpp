// SPDX-License-Identifier: Apache-2.0
#include "notify/notifier.h"

#include <algorithm>
#include <utility>

#include "core/log.h"

namespace alveo::notify {
namespace {

std::vector<std::string> NamesOf(const std::vector<std::unique_ptr<Channel>>& channels) {
  std::vector<std::string> names;
  for (const auto& channel : channels) names.push_back(channel->name());
  return names;
}

// "notification 1a2b… (study 3c4d…, study.flagged, priority STAT)": no patient data, no UIDs.
std::string Describe(const Notification& n) {
  const std::string_view priority = PriorityName(n.priority);
  return "notification " + n.id + " (study " + n.study_key + ", " + std::string(EventName(n)) +
         ", priority " + (priority.empty() ? std::string("none") : std::string(priority)) + ")";
}

}  // namespace

spool::OutboxPolicy NotifyPolicyFrom(const NotifySettings& settings) {
  return spool::OutboxPolicy{settings.max_attempts, Millis(settings.initial_backoff_ms), Millis(settings.max_backoff_ms)};
}

Notifier::Notifier(const NotifySettings& settings, std::unique_ptr<NotifyQueue> queue,
                   std::vector<std::unique_ptr<Channel>> channels, const Clock& clock)
    : settings_(settings),
      queue_(std::move(queue)),
      channels_(std::move(channels)),
      channel_names_(NamesOf(channels_)),
      clock_(clock),
      loop_("notify", "ntf", settings.threads, settings.keep_finished_hours, clock,
            spool::DueWorkHooks{[this](TimePoint now) { return DeliverOneDue(now); },
                                [this] { return queue_->NextDue(); },
                                [this](TimePoint cutoff) { return queue_->ForgetFinishedBefore(cutoff); }}) {}

Notifier::~Notifier() { Stop(); }

Result<std::unique_ptr<Notifier>> Notifier::Open(const NotifySettings& settings,
                                                 const std::string& dir, const Clock& clock) {
  if (settings.webhooks.empty() && settings.hl7.empty()) return std::unique_ptr<Notifier>();
  auto channels = MakeChannels(settings);
  if (!channels.ok()) return channels.status();
  auto queue = NotifyQueue::Open(dir, NotifyPolicyFrom(settings));
  if (!queue.ok()) return queue.status();
  return std::make_unique<Notifier>(settings, std::move(queue).value(), std::move(channels).value(),
                                    clock);
}

void Notifier::Start() {
  const auto counts = queue_->Counts();
  std::string names;
  for (const auto& channel : channels_) names += (names.empty() ? "" : ", ") + channel->Describe();
  ALVEO_LOG(kInfo, kDelivery)
      << "notifications to " << names
      << (settings_.every_result ? " for every result" : " for flagged studies")
      << (counts.pending > 0 ? "; " + std::to_string(counts.pending) + " pending from before" : "");
  loop_.Start();
}

void Notifier::Stop() { loop_.Stop(); }

void Notifier::Wake() { loop_.Wake(); }

Result<std::optional<Notification>> Notifier::Notify(const StudyManifest& manifest,
                                                     const classifier::ClassificationResult& result,
                                                     const std::string& sr_sop_instance_uid) {
  if (result.status != classifier::ResultStatus::kFlagged && !settings_.every_result) {
    return std::optional<Notification>();
  }
  if (channels_.empty()) return std::optional<Notification>();
  Notification notification =
      BuildNotification(manifest, result, sr_sop_instance_uid, settings_.priority, clock_.Now());
  // Never lower a priority (see NeverLower): versions of one study are processed one at a time, so
  // nothing can slip in between this read and the Enqueue below.
  notification.priority =
      NeverLower(notification.priority, queue_->HighestPriorityFor(manifest.study_key));
  auto stored = queue_->Enqueue(notification, channel_names_, clock_.Now());
  if (!stored.ok()) return stored.status();
  ALVEO_LOG(kInfo, kDelivery) << Describe(*stored) << " queued for " << channels_.size()
                              << " channel(s)";
  Wake();
  return std::optional<Notification>(std::move(stored).value());
}

Channel* Notifier::FindChannel(const std::string& name) const {
  const auto it = std::find_if(channels_.begin(), channels_.end(),
                               [&](const auto& c) { return c->name() == name; });
  return it == channels_.end() ? nullptr : it->get();
}

bool Notifier::DeliverOneDue(TimePoint now) {
  auto due = queue_->TakeDue(now, 1);
  if (due.empty()) return false;
  DeliverOne(due.front());
  return true;
}

void Notifier::DeliverOne(const QueuedNotification& item) {
  Channel* channel = FindChannel(item.channel);
  if (channel == nullptr) {
    // The entry outlived its channel's configuration: nothing could ever deliver it.
    return RecordFailure(item, nullptr,
                         Status::Error(ErrorCode::kPeerRejected,
                                       "channel " + item.channel + " is no longer configured"));
  }
  const Status sent = channel->Deliver(item.notification);
  if (!sent.ok()) return RecordFailure(item, channel, sent);
  counters_.at(static_cast<std::size_t>(channel->kind())).delivered.fetch_add(1);
  ALVEO_LOG(kInfo, kDelivery) << Describe(item.notification) << " delivered to "
                              << channel->Describe() << " (attempt " << item.attempts + 1 << ")";
  if (Status status = queue_->ReportDelivered(item.entry_id, clock_.Now()); !status.ok()) {
    ALVEO_LOG(kError, kDelivery) << "notify: cannot record the delivery of " << item.entry_id
                                 << ": " << status.ToString()
                                 << " (it will be sent again after a restart)";
  }
}

void Notifier::RecordFailure(const QueuedNotification& item, Channel* channel,
                             const Status& error) {
  const TimePoint now = clock_.Now();
  if (Status status = queue_->ReportFailed(item.entry_id, error, now); !status.ok()) {
    ALVEO_LOG(kError, kDelivery) << "notify: cannot record a failed attempt of " << item.entry_id
                                 << ": " << status.ToString();
    return;
  }
  const std::string target = channel ? channel->Describe() : "channel " + item.channel;
  const auto after = queue_->Find(item.entry_id);
  if (!after) return;
  NotifyCounters* counters =
      channel ? &counters_.at(static_cast<std::size_t>(channel->kind())) : nullptr;
  if (after->state == spool::OutboxState::kDead) {
    if (counters) counters->dead.fetch_add(1);
    ALVEO_LOG(kError, kDelivery) << Describe(item.notification) << " NOT delivered to " << target
                                 << " after " << after->attempts
                                 << " attempt(s), dead letter: " << error.ToString();
    return;
  }
  if (counters) counters->retried.fetch_add(1);
  const auto delay =
      std::chrono::duration_cast<std::chrono::milliseconds>(after->next_attempt_at - now);
  ALVEO_LOG(kWarn, kDelivery) << Describe(item.notification) << " to " << target << ": attempt "
                              << after->attempts << " failed (" << error.ToString()
                              << "); retry in " << delay.count() << " ms";
}

}  // namespace alveo::notify
