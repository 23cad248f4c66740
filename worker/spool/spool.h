// SPDX-License-Identifier: Apache-2.0
// The durable spool: instance files, one append-only journal per study, crash recovery, free-space
// watermark and retention. Layout under the data folder:
//   incoming/<n>.part            transfers in progress (deleted at start: never acknowledged)
//   studies/<study key>/<instance key>.dcm and studies/<study key>/journal
//   trash/                       studies being deleted
// Keys are hashes of UIDs (core/uid.h), so no received value ever becomes a path component.
// Commit = data synced, renamed into place, journaled, synced (see SyncMode) before it returns.
// Thread-safety: all methods are safe from any thread; writes to one study are serialised.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/instance.h"
#include "core/settings.h"
#include "core/status.h"
#include "core/study_types.h"
#include "spool/file_system.h"
#include "spool/group_sync.h"
#include "spool/pending_instance.h"

namespace alveo::spool {

struct CommitResult {
  StoredInstance instance;
  bool duplicate = false;  // the SOP Instance UID was already stored; nothing changed
};

class Spool {
 public:
  // Creates the folders, removes leftovers of interrupted transfers and deletions.
  static Result<std::unique_ptr<Spool>> Open(const SpoolSettings& settings,
                                             FileSystem& fs = PosixFileSystem::Default());

  // Starts a transfer: kDiskFull below the watermark, kIoError if the file cannot be created.
  Result<std::unique_ptr<PendingInstance>> BeginInstance();

  // Makes the instance durable and journals it. REQUIRES: meta validated (UIDs present and valid)
  // and pending->status().ok(). On failure nothing is left in the study folder.
  Result<CommitResult> Commit(std::unique_ptr<PendingInstance> pending, const InstanceMeta& meta,
                              const Provenance& provenance);

  // Appends a state change to the study's journal, durably.
  Status AppendEvent(const std::string& study_key, const StudyEvent& event);

  // Reads every study journal. Instances whose file is missing or has the wrong size (never
  // acknowledged) are dropped; corrupt lines are skipped with a warning.
  std::vector<RecoveredStudy> Recover();

  // A file of the study's own (e.g. "result-v2.json", "sr-v2.dcm"), written durably (temporary
  // file, sync, rename, folder sync). `name` is ours, never received data; names starting with
  // "sr-" are never mistaken for unacknowledged instances by recovery.
  Status WriteStudyFile(const std::string& study_key, const std::string& name, const std::string& content);
  Result<std::string> ReadStudyFile(const std::string& study_key, const std::string& name) const;
  // Absolute path of such a file (it may not exist).
  std::string StudyFilePath(const std::string& study_key, const std::string& name) const {
    return StudyDir(study_key) + "/" + name;
  }

  // Deletes a study folder (rename to trash, then remove).
  Status RemoveStudy(const std::string& study_key);
  // Retention: deletes the study only if its journal still holds exactly `expected_instances`
  // stored instances, so an instance committed while the caller decided is never deleted.
  // Returns false (and deletes nothing) when the count differs.
  Result<bool> RemoveStudyIfUnchanged(const std::string& study_key, std::size_t expected_instances);

  std::string AbsolutePath(const std::string& relative) const { return root_ + "/" + relative; }
  const std::string& root() const { return root_; }
  std::uint64_t bytes_committed() const { return bytes_committed_.load(); }
  std::uint64_t syncs_run() const { return group_sync_ ? group_sync_->syncs_run() : 0; }
  std::uint64_t sync_requests() const { return group_sync_ ? group_sync_->requests() : 0; }
  ~Spool();

 private:
  Spool(const SpoolSettings& settings, FileSystem& fs, std::string root);

  std::string StudyDir(const std::string& study_key) const;
  // Writes to one study are serialised by its stripe. `durable_pending` holds the instance files
  // that are renamed and journaled but whose sync has not returned yet; a duplicate of one of them
  // waits on `settled` instead of answering Success for data that might not survive a crash.
  struct Stripe {
    std::mutex mutex;
    std::condition_variable settled;
    std::set<std::string> durable_pending;
  };
  Stripe& StripeOf(const std::string& study_key);
  std::mutex& StudyLock(const std::string& study_key) { return StripeOf(study_key).mutex; }
  Status EnsureStudyDir(const std::string& study_key);
  // Appends "\n" + line to the study journal. With `sync` the line is durable on return; without,
  // the returned descriptor (caller closes) is for the caller's own sync.
  Result<int> AppendLine(const std::string& study_key, const std::string& line, bool sync);
  Status AppendRecordLocked(const std::string& study_key, const std::string& line);
  Status SyncAll(int fd, const std::string& what);
  Status MakeCommitDurable(int data_fd, int journal_fd, const std::string& study_key);
  RecoveredStudy RecoverStudy(const std::string& study_key);
  Status RemoveStudyLocked(const std::string& study_key);

  const SpoolSettings settings_;
  FileSystem& fs_;
  const std::string root_;
  std::atomic<std::uint64_t> next_temp_{0};
  std::atomic<std::uint64_t> bytes_committed_{0};
  std::array<Stripe, 64> stripes_;  // by hash of the study key
  int root_fd_ = -1;                 // the data folder, for syncfs
  std::unique_ptr<GroupSync> group_sync_;
};

}  // namespace alveo::spool
