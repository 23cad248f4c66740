// SPDX-License-Identifier: Apache-2.0
// The durable notification queue: one entry per (channel, notification) with retry back-off and a
// dead letter, built on spool::Outbox (the SR outbox's files, fsync discipline, crash semantics and
// retry policy, unchanged) plus one immutable record per notification that the entries point at.
// Layout under `dir`: records/<notification id>.json (the notification, written once, durably,
// before its entries) and outbox/<entry id>.json (spool::Outbox entries: destination = channel
// name, "SOP Instance UID" = notification id, file = the record's path relative to `dir`).
// Thread-safety: every method may be called from any thread. Ownership: one queue per folder.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "notify/notification.h"
#include "spool/file_system.h"
#include "spool/outbox.h"

namespace alveo::notify {

// One notification for one channel, as the notifier delivers it and an operator lists it.
struct QueuedNotification {
  std::string entry_id;  // spool::OutboxEntryId(channel, notification id)
  std::string channel;
  spool::OutboxState state = spool::OutboxState::kPending;
  int attempts = 0;
  TimePoint next_attempt_at{};  // meaningful while pending
  std::optional<TimePoint> finished_at;
  std::string last_error;
  Notification notification;
};

class NotifyQueue {
 public:
  // Creates `dir` (and its two folders) if needed and loads every record and entry. A record file
  // that does not parse is renamed to <name>.corrupt and logged; an entry whose record is missing
  // becomes dead at its first TakeDue (it cannot be sent). kInvalidArgument for a bad policy,
  // kIoError if a folder cannot be created.
  static Result<std::unique_ptr<NotifyQueue>> Open(
      std::string dir, spool::OutboxPolicy policy,
      spool::FileSystem& fs = spool::PosixFileSystem::Default());

  // Persists the notification's record (only the first time: if a record with this id exists, it
  // is kept as it was, creation time and priority included) and then a pending entry due `now` for
  // each channel (existing entries are left as they are, whatever their state). Returns the stored
  // notification. Idempotent, so processing a study version again never queues it twice.
  Result<Notification> Enqueue(const Notification& notification,
                               const std::vector<std::string>& channels, TimePoint now);

  // The most urgent priority recorded for any notification of this study (kNone if none).
  Priority HighestPriorityFor(const std::string& study_key) const;

  // Up to `max` due pending entries (oldest first), marked in flight until reported; see
  // spool::Outbox::TakeDue.
  std::vector<QueuedNotification> TakeDue(TimePoint now, std::size_t max);
  std::optional<TimePoint> NextDue() const;
  // As spool::Outbox: delivered; or failed (dead at once on kPeerRejected or at max_attempts,
  // otherwise pending again after the back-off).
  Status ReportDelivered(const std::string& entry_id, TimePoint now);
  Status ReportFailed(const std::string& entry_id, const Status& error, TimePoint now);
  // A dead entry becomes pending, due `now`, attempts reset.
  Status Retry(const std::string& entry_id, TimePoint now);

  std::vector<QueuedNotification> List() const;  // oldest first
  std::optional<QueuedNotification> Find(const std::string& entry_id) const;
  spool::OutboxCounts Counts() const;

  // Retention: forgets delivered and dead entries finished before `cutoff`, then deletes the
  // records no entry points at any more. Returns the number of entries forgotten.
  Result<std::size_t> ForgetFinishedBefore(TimePoint cutoff);

  const std::string& dir() const { return dir_; }

 private:
  NotifyQueue(std::string dir, spool::FileSystem& fs, std::unique_ptr<spool::Outbox> outbox);

  void LoadRecords();
  std::string RecordPath(const std::string& id) const;
  std::optional<QueuedNotification> ToQueued(
      const spool::OutboxEntry& entry) const;  // REQUIRES: mutex_

  const std::string dir_;
  spool::FileSystem& fs_;
  const std::unique_ptr<spool::Outbox> outbox_;
  // Guards records_ and orders Enqueue (record, then entries) against the retention sweep, so a
  // record is never deleted between its write and its entries.
  mutable std::mutex mutex_;
  std::map<std::string, Notification> records_;  // by notification id
};

// The record file's JSON (format version 1) and back; exposed for tests.
std::string EncodeRecord(const Notification& notification);
Result<Notification> DecodeRecord(const std::string& text);

}  // namespace alveo::notify
