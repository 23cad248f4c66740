// SPDX-License-Identifier: Apache-2.0
// The durable outbox: one entry per (Structured Report, destination) to deliver, with retry
// back-off and a dead letter. Data and policy only: no threads, no network, no clock reads (callers
// pass `now`); the delivery service drives it. Thread-safety: every method may be called from any
// thread. Ownership: an Outbox owns its folder (one Outbox per folder) and borrows the FileSystem.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/ports.h"
#include "core/status.h"
#include "spool/file_system.h"

namespace alveo::spool {

enum class OutboxState { kPending, kDelivered, kDead };

// "pending", "delivered", "dead": the names used in entry files and by the API.
std::string_view OutboxStateName(OutboxState state);

// Retry schedule. The delay after the n-th failed attempt is
// min(initial_backoff * multiplier^(n-1), max_backoff); after max_attempts failures the entry is
// dead. There is no jitter: jitter protects a server from many independent clients retrying in
// step, but here one worker retries and its delivery pool (TakeDue's `max`) already bounds every
// burst, so a deterministic schedule costs nothing and keeps tests and operators' expectations
// exact.
struct OutboxPolicy {
  int max_attempts = 8;
  Millis initial_backoff{2000};
  Millis max_backoff{300000};
  double multiplier = 2.0;
};

// The delay before the attempt that follows `failed_attempts` (>= 1) failures.
Millis RetryDelay(const OutboxPolicy& policy, int failed_attempts);

// What to deliver where. `address` travels with the entry because the `sender` destination's
// address comes from the study, not from the configuration.
struct OutboxRequest {
  std::string destination;  // configured destination name (or "sender")
  DicomAddress address;
  std::string sop_instance_uid;  // of the SR
  std::string study_key;
  std::string file;  // the SR file to send
};

struct OutboxEntry {
  std::string id;  // OutboxEntryId(destination, sop_instance_uid)
  std::string destination;
  DicomAddress address;
  std::string sop_instance_uid;
  std::string study_key;
  std::string file;
  OutboxState state = OutboxState::kPending;
  int attempts = 0;  // sends tried, successful or not (reset by Retry)
  TimePoint created_at;
  TimePoint next_attempt_at;             // meaningful while pending
  std::optional<TimePoint> finished_at;  // set when delivered or dead
  std::string last_error;  // Status::ToString() of the last failure; kept after a success
};

struct OutboxCounts {
  std::size_t pending = 0;  // including those in flight
  std::size_t in_flight = 0;
  std::size_t delivered = 0;
  std::size_t dead = 0;
};

// Stable id of the (destination, SR) pair: hex of the first 128 bits of SHA-256(destination NUL
// uid).
std::string OutboxEntryId(std::string_view destination, std::string_view sop_instance_uid);

// Durability: every state change is on disk before the method returns OK. Each entry is one file,
// `<dir>/<id>.json`, a JSON object (format version 1) with the entry's fields, the address
// flattened into ae_title/host/port and times as unix milliseconds (finished_at null until set); in
// memory, times are kept at millisecond precision too, so a reopened outbox equals the one that
// wrote it. A change is written to `.<id>.json.tmp`, fsynced, renamed over the entry file, and the
// folder is fsynced. If any step fails the call returns kIoError and leaves memory and disk as they
// were (a failed folder sync after the rename puts the old file back). The mutex is held during
// that small write and its fsyncs: changes are rare (a few per SR) and this keeps memory and disk
// in one order.
//
// In flight: TakeDue marks entries in flight in memory only. A failed report leaves the entry in
// flight (the caller may report again). Crash semantics: an entry in flight when the process dies
// is still pending on disk, so after restart it is sent again. The SR's SOP Instance UID is
// deterministic, so the destination sees the same instance twice at worst and a PACS stores it
// once: exactly once per SR UID from the destination's point of view. Enqueue is idempotent for the
// same reason, so replaying a study never sends twice to one destination.
class Outbox {
 public:
  // Creates `dir` if needed and loads every entry. A corrupt entry file is renamed to
  // `<name>.corrupt` and logged; leftover temporary files are removed. kInvalidArgument names the
  // offending policy field; kIoError if the folder cannot be created.
  static Result<std::unique_ptr<Outbox>> Open(std::string dir, OutboxPolicy policy,
                                              FileSystem& fs = PosixFileSystem::Default());

  // Returns the existing entry unchanged (any state, nothing written) if the id is known; otherwise
  // persists a new pending entry due `now`. kInvalidArgument if destination, UID or file is empty.
  Result<OutboxEntry> Enqueue(const OutboxRequest& request, TimePoint now);

  // Up to `max` pending entries due at `now` and not in flight, oldest (created_at) first, now
  // marked in flight until reported.
  std::vector<OutboxEntry> TakeDue(TimePoint now, std::size_t max);
  // The earliest next_attempt_at of the pending entries not in flight.
  std::optional<TimePoint> NextDue() const;

  // Reports on an entry taken by TakeDue (kNotFound if unknown, kInvalidArgument if not in flight).
  // Delivered: state delivered. Failed (error must not be OK): dead at once on kPeerRejected or
  // when the attempts reach max_attempts, otherwise pending again after RetryDelay.
  Status ReportDelivered(const std::string& id, TimePoint now);
  Status ReportFailed(const std::string& id, const Status& error, TimePoint now);

  // A dead entry becomes pending, due `now`, with its attempts reset (kInvalidArgument otherwise).
  Status Retry(const std::string& id, TimePoint now);

  // Every entry, oldest (created_at) first.
  std::vector<OutboxEntry> List() const;
  std::optional<OutboxEntry> Find(const std::string& id) const;
  OutboxCounts Counts() const;
  // Some entry of this study is still pending (in flight or waiting for its next attempt): its SR
  // file must stay (study retention asks this before deleting the study's folder).
  bool HasPendingFor(const std::string& study_key) const;

  // Deletes a delivered or dead entry (kInvalidArgument while pending, kNotFound if unknown).
  Status Forget(const std::string& id);
  // Retention: deletes the delivered and dead entries finished before `cutoff`; returns how many.
  // Stops at the first failure (entries deleted before it stay deleted).
  Result<std::size_t> ForgetFinishedBefore(TimePoint cutoff);

  const std::string& dir() const { return dir_; }

 private:
  Outbox(std::string dir, OutboxPolicy policy, FileSystem& fs);

  void Load();
  void LoadFile(const std::string& name);
  // Counts one attempt on an in-flight entry, applies `change` to a copy and persists it.
  Status ReportAttempt(const std::string& id, const std::function<void(OutboxEntry&)>& change);
  // Persists `next` over the current entry of the same id, then adopts it in memory.
  Status ReplaceLocked(const OutboxEntry& next);
  Status ForgetLocked(const std::string& id);
  // Makes `next` (nullptr: no file) the durable content of the entry's file; on failure the file
  // holds `previous` (nullptr: no file) again.
  Status Persist(const std::string& id, const OutboxEntry* next, const OutboxEntry* previous);
  Status Place(const std::string& id, const OutboxEntry* content);
  Status WriteEntryFile(const OutboxEntry& entry);
  Status RemoveEntryFile(const std::string& id);
  std::string EntryPath(const std::string& id) const;

  const std::string dir_;
  const OutboxPolicy policy_;
  FileSystem& fs_;
  mutable std::mutex mutex_;
  std::map<std::string, OutboxEntry> entries_;  // by id
  std::set<std::string> in_flight_;             // ids taken and not yet reported
};

}  // namespace alveo::spool
