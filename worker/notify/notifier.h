// SPDX-License-Identifier: Apache-2.0
// Worklist-priority notifications: decides which analysed studies notify (flagged ones, or every
// result with notify.every_result), queues one durable entry per configured channel, and runs the
// notification threads (ntf-N, a spool::DueWorkLoop like the SR delivery service's) that deliver due
// entries with exponential back-off, a cap and a dead letter. They sleep until the next entry is
// due or Notify/Wake announces work. Thread-safety: every public method is safe from any
// thread; Notify is called on compute threads, one version of a study at a time.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "classifier/result.h"
#include "core/clock.h"
#include "core/settings.h"
#include "core/status.h"
#include "core/study_types.h"
#include "notify/channel.h"
#include "notify/notification.h"
#include "notify/notify_queue.h"
#include "spool/due_work_loop.h"

namespace alveo::notify {

// Per channel kind, since start.
struct NotifyCounters {
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> retried{0};  // failed attempts that will be tried again
  std::atomic<std::uint64_t> dead{0};
};

// The queue's retry schedule from the settings (same shape as the SR outbox's).
spool::OutboxPolicy NotifyPolicyFrom(const NotifySettings& settings);

class Notifier {
 public:
  // `settings` must outlive the notifier. Channels are matched to queue entries by name.
  Notifier(const NotifySettings& settings, std::unique_ptr<NotifyQueue> queue,
           std::vector<std::unique_ptr<Channel>> channels, const Clock& clock);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // For `alveo serve`: nullptr when no channel is configured (nothing to do); otherwise the
  // channels and the queue in `dir`. kConfigInvalid (a channel cannot be set up) or the queue's
  // errors.
  static Result<std::unique_ptr<Notifier>> Open(const NotifySettings& settings,
                                                const std::string& dir, const Clock& clock);

  // Starts settings.threads threads; entries pending from before a restart are delivered first.
  void Start();
  // Lets attempts in progress finish (each bounded by its channel's timeout), then joins. Entries
  // not reported stay pending on disk and are delivered after the next start.
  void Stop();
  // New entries were queued (by someone else): wake a sleeping thread.
  void Wake();

  // The notification of one analysed study version. Nothing (nullopt) when the result is not
  // flagged and every_result is off. Otherwise the notification is queued for every channel and
  // returned as stored (a second call for the same version returns the first one unchanged).
  // Never lower a priority: a flagged result requests the priority its certainty maps to, unless a
  // more urgent one was already requested for this study (a re-opened study), in which case it
  // requests none; other results never request one. Errors: the queue's (kIoError).
  Result<std::optional<Notification>> Notify(const StudyManifest& manifest,
                                             const classifier::ClassificationResult& result,
                                             const std::string& sr_sop_instance_uid);

  const NotifyCounters& counters(ChannelKind kind) const {
    return counters_.at(static_cast<std::size_t>(kind));
  }
  NotifyQueue& queue() { return *queue_; }
  std::size_t channel_count() const { return channels_.size(); }

 private:
  bool DeliverOneDue(TimePoint now);
  void DeliverOne(const QueuedNotification& item);
  void RecordFailure(const QueuedNotification& item, Channel* channel, const Status& error);
  Channel* FindChannel(const std::string& name) const;

  const NotifySettings& settings_;
  const std::unique_ptr<NotifyQueue> queue_;
  const std::vector<std::unique_ptr<Channel>> channels_;
  const std::vector<std::string> channel_names_;
  const Clock& clock_;
  std::array<NotifyCounters, static_cast<std::size_t>(ChannelKind::kCount)> counters_;
  spool::DueWorkLoop loop_;  // last: its threads stop before the members above go
};

}  // namespace alveo::notify
