// SPDX-License-Identifier: Apache-2.0
#include "spool/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/log.h"
#include "core/uid.h"
#include "spool/records.h"

namespace alveo::spool {
namespace {

constexpr char kIncoming[] = "incoming";
constexpr char kStudies[] = "studies";
constexpr char kTrash[] = "trash";
constexpr char kJournal[] = "journal";
constexpr std::uint64_t kMiB = 1024 * 1024;

Status IoError(const std::string& what, int rc) {
  return Status::Error(ErrorCode::kIoError, what + ": " + ErrnoText(rc));
}

}  // namespace

Spool::Spool(const SpoolSettings& settings, FileSystem& fs, std::string root)
    : settings_(settings), fs_(fs), root_(std::move(root)) {
  root_fd_ = fs_.Open(root_, O_RDONLY | O_DIRECTORY, 0);
  if (root_fd_ >= 0) group_sync_ = std::make_unique<GroupSync>(fs_, root_fd_);
}

Spool::~Spool() {
  if (root_fd_ >= 0) (void)fs_.Close(root_fd_);
}

Result<std::unique_ptr<Spool>> Spool::Open(const SpoolSettings& settings, FileSystem& fs) {
  std::error_code error;
  std::string root = std::filesystem::absolute(settings.data_dir, error).lexically_normal().string();
  if (error) return Status::Error(ErrorCode::kIoError, "data folder: " + error.message());
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  std::filesystem::create_directories(root, error);
  if (error) return Status::Error(ErrorCode::kIoError, "cannot create " + root + ": " + error.message());
  for (const char* sub : {kIncoming, kStudies, kTrash}) {
    const std::string path = root + "/" + sub;
    if (const int rc = fs.MakeDirectory(path); rc < 0) return IoError("cannot create " + path, rc);
  }
  // Transfers in progress when the process died were never acknowledged: drop them.
  for (const auto& name : fs.ListDirectory(root + "/" + kIncoming)) {
    (void)fs.Unlink(root + "/" + kIncoming + "/" + name);
  }
  for (const auto& name : fs.ListDirectory(root + "/" + kTrash)) {
    (void)fs.RemoveTree(root + "/" + kTrash + "/" + name);
  }
  return std::unique_ptr<Spool>(new Spool(settings, fs, std::move(root)));
}

std::string Spool::StudyDir(const std::string& study_key) const {
  return root_ + "/" + kStudies + "/" + study_key;
}

Spool::Stripe& Spool::StripeOf(const std::string& study_key) {
  return stripes_[std::hash<std::string>{}(study_key) % stripes_.size()];
}

Result<std::unique_ptr<PendingInstance>> Spool::BeginInstance() {
  const auto free_bytes = fs_.FreeBytes(root_);
  if (!free_bytes) return Status::Error(ErrorCode::kIoError, "cannot read free space of " + root_);
  if (*free_bytes < settings_.min_free_bytes) {
    return Status::Error(ErrorCode::kDiskFull, std::to_string(*free_bytes / kMiB) + " MiB free, watermark " +
                                                   std::to_string(settings_.min_free_bytes / kMiB) + " MiB");
  }
  const std::string path = root_ + "/" + kIncoming + "/" + std::to_string(::getpid()) + "-" +
                           std::to_string(next_temp_.fetch_add(1)) + ".part";
  const int fd = fs_.Open(path, O_WRONLY | O_CREAT | O_EXCL, 0640);
  if (fd < 0) return IoError("cannot create " + path, fd);
  return std::make_unique<PendingInstance>(fs_, fd, path);
}

Status Spool::SyncAll(int fd, const std::string& what) {
  if (group_sync_) {
    Status status = group_sync_->Sync();
    return status.ok() ? status : Status::Error(ErrorCode::kIoError, status.message() + " (after " + what + ")");
  }
  const int rc = fs_.Syncfs(fd);
  return rc < 0 ? IoError("syncfs after " + what, rc) : Status::Ok();
}

Status Spool::EnsureStudyDir(const std::string& study_key) {
  const std::string dir = StudyDir(study_key);
  if (fs_.Exists(dir)) return Status::Ok();
  if (const int rc = fs_.MakeDirectory(dir); rc < 0) return IoError("cannot create study folder", rc);
  if (settings_.sync_mode == SyncMode::kFsync) {
    const int parent = fs_.Open(root_ + "/" + kStudies, O_RDONLY | O_DIRECTORY, 0);
    if (parent < 0) return IoError("cannot open studies folder", parent);
    const int rc = fs_.Fsync(parent);
    (void)fs_.Close(parent);
    if (rc < 0) return IoError("fsync of studies folder", rc);
  }
  return Status::Ok();
}

Result<int> Spool::AppendLine(const std::string& study_key, const std::string& line, bool sync) {
  const std::string path = StudyDir(study_key) + "/" + kJournal;
  const int fd = fs_.Open(path, O_WRONLY | O_CREAT | O_APPEND, 0640);
  if (fd < 0) return IoError("cannot open journal", fd);
  const std::string record = "\n" + line;
  Status status;
  if (const ssize_t rc = fs_.Write(fd, record.data(), record.size()); rc < 0) {
    status = IoError("journal append", static_cast<int>(rc));
  } else if (sync && settings_.sync_mode == SyncMode::kFsync) {
    if (const int synced = fs_.Fdatasync(fd); synced < 0) status = IoError("journal fdatasync", synced);
  } else if (sync) {
    status = SyncAll(fd, "journal append");
  }
  if (!status.ok() || sync) {
    (void)fs_.Close(fd);
    if (!status.ok()) return status;
    return -1;
  }
  return fd;
}

Status Spool::AppendRecordLocked(const std::string& study_key, const std::string& line) {
  auto appended = AppendLine(study_key, line, /*sync=*/true);
  return appended.ok() ? Status::Ok() : appended.status();
}

// Runs outside the study lock, so that commits of concurrent associations share filesystem commits.
Status Spool::MakeCommitDurable(int data_fd, int journal_fd, const std::string& study_key) {
  if (settings_.sync_mode == SyncMode::kSyncfs) {
    // One sync: the data, the rename and the journal line reach the disk together.
    return SyncAll(data_fd, "commit");
  }
  const int dir = fs_.Open(StudyDir(study_key), O_RDONLY | O_DIRECTORY, 0);
  int rc = dir < 0 ? dir : fs_.Fsync(dir);
  if (dir >= 0) (void)fs_.Close(dir);
  if (rc < 0) return IoError("fsync of study folder", rc);
  rc = fs_.Fdatasync(journal_fd);
  return rc < 0 ? IoError("journal fdatasync", rc) : Status::Ok();
}

Result<CommitResult> Spool::Commit(std::unique_ptr<PendingInstance> pending, const InstanceMeta& meta,
                                   const Provenance& provenance) {
  CommitResult result;
  StoredInstance& stored = result.instance;
  stored.meta = meta;
  stored.provenance = provenance;
  stored.study_key = StudyKeyFor(meta.study_instance_uid);
  stored.file = std::string(kStudies) + "/" + stored.study_key + "/" + InstanceKeyFor(meta.sop_instance_uid) + ".dcm";
  if (!pending->Flush()) return pending->status();
  stored.size_bytes = pending->bytes_written();
  const std::string final_path = AbsolutePath(stored.file);

  struct CloseOnExit {
    FileSystem& fs;
    int fd;
    ~CloseOnExit() {
      if (fd >= 0) (void)fs.Close(fd);
    }
  } data{fs_, pending->TakeDescriptor()}, journal{fs_, -1};
  if (settings_.sync_mode == SyncMode::kFsync) {
    if (const int rc = fs_.Fsync(data.fd); rc < 0) return IoError("fsync of received instance", rc);
  }

  Stripe& stripe = StripeOf(stored.study_key);
  std::unique_lock lock(stripe.mutex);
  // A copy of the same instance may be committing right now: wait until it is durable (or failed).
  stripe.settled.wait(lock, [&] { return stripe.durable_pending.count(final_path) == 0; });
  if (fs_.Exists(final_path)) {
    result.duplicate = true;  // the first copy is durable; the pending file is deleted by its destructor
    return result;
  }
  if (Status status = EnsureStudyDir(stored.study_key); !status.ok()) return status;
  if (const int rc = fs_.Rename(pending->temp_path(), final_path); rc < 0) {
    return IoError("rename into study folder", rc);
  }
  auto appended = AppendLine(stored.study_key, EncodeRecord(ToRecord(stored)), /*sync=*/false);
  if (!appended.ok()) {
    (void)fs_.Unlink(final_path);  // never acknowledged; recovery ignores a partial journal line
    return appended.status();
  }
  journal.fd = *appended;
  stripe.durable_pending.insert(final_path);
  lock.unlock();

  const Status durable = MakeCommitDurable(data.fd, journal.fd, stored.study_key);

  lock.lock();
  stripe.durable_pending.erase(final_path);
  if (!durable.ok()) (void)fs_.Unlink(final_path);  // not acknowledged; a resend stores it anew
  lock.unlock();
  stripe.settled.notify_all();
  if (!durable.ok()) return durable;
  pending->MarkCommitted();
  bytes_committed_.fetch_add(stored.size_bytes);
  return result;
}

Status Spool::WriteStudyFile(const std::string& study_key, const std::string& name, const std::string& content) {
  std::lock_guard lock(StudyLock(study_key));
  const std::string dir = StudyDir(study_key);
  if (!fs_.Exists(dir)) return Status::Error(ErrorCode::kNotFound, "study folder " + study_key + " does not exist");
  // The rename is durable too: an outbox entry may point at this file as soon as we return.
  return WriteFileDurably(fs_, dir + "/" + name, content);
}

Result<std::string> Spool::ReadStudyFile(const std::string& study_key, const std::string& name) const {
  std::ifstream file(StudyDir(study_key) + "/" + name, std::ios::binary);
  if (!file) return Status::Error(ErrorCode::kNotFound, name + " not found for study " + study_key);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

Status Spool::AppendEvent(const std::string& study_key, const StudyEvent& event) {
  std::lock_guard lock(StudyLock(study_key));
  if (!fs_.Exists(StudyDir(study_key))) {
    return Status::Error(ErrorCode::kNotFound, "study folder " + study_key + " does not exist");
  }
  return AppendRecordLocked(study_key, EncodeRecord(ToRecord(event)));
}

RecoveredStudy Spool::RecoverStudy(const std::string& study_key) {
  RecoveredStudy study;
  study.study_key = study_key;
  const std::string dir = StudyDir(study_key);
  std::ifstream journal(dir + "/" + kJournal, std::ios::binary);
  std::set<std::string> referenced;
  std::string line;
  int corrupt = 0;
  while (std::getline(journal, line)) {
    if (line.empty()) continue;
    auto record = DecodeRecord(line);
    if (!record.ok()) {
      ++corrupt;
      continue;
    }
    if (auto instance = InstanceFromRecord(*record, study_key)) {
      const auto size = fs_.FileSize(AbsolutePath(instance->file));
      if (!size || *size != instance->size_bytes || referenced.count(instance->file)) continue;
      referenced.insert(instance->file);
      if (study.study_instance_uid.empty()) study.study_instance_uid = instance->meta.study_instance_uid;
      study.instances.push_back(std::move(*instance));
    } else if (auto event = EventFromRecord(*record)) {
      study.events.push_back(std::move(*event));
    }
  }
  if (corrupt > 0) {
    ALVEO_LOG(kWarn, kSpool) << "study " << study_key << ": skipped " << corrupt
                             << " torn or corrupt journal line(s)";
  }
  // Instance files without a journal line were never acknowledged; remove them so a resend is
  // stored anew. Interrupted writes of our own files (".<name>.tmp") go too; results stay.
  for (const auto& name : fs_.ListDirectory(dir)) {
    // Our own reports (sr-v<N>.dcm) are not received instances.
    const bool instance = name.size() > 4 && name.compare(name.size() - 4, 4, ".dcm") == 0 &&
                          name.compare(0, 3, "sr-") != 0;
    const bool temporary = name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0;
    const std::string relative = std::string(kStudies) + "/" + study_key + "/" + name;
    if ((instance && !referenced.count(relative)) || temporary) (void)fs_.Unlink(dir + "/" + name);
  }
  return study;
}

std::vector<RecoveredStudy> Spool::Recover() {
  std::vector<RecoveredStudy> studies;
  for (const auto& key : fs_.ListDirectory(root_ + "/" + kStudies)) {
    RecoveredStudy study = RecoverStudy(key);
    if (study.instances.empty()) {
      (void)RemoveStudy(key);  // nothing acknowledged ever landed here, or all was deleted
      continue;
    }
    studies.push_back(std::move(study));
  }
  return studies;
}

Status Spool::RemoveStudy(const std::string& study_key) {
  std::lock_guard lock(StudyLock(study_key));
  return RemoveStudyLocked(study_key);
}

Result<bool> Spool::RemoveStudyIfUnchanged(const std::string& study_key, std::size_t expected_instances) {
  std::lock_guard lock(StudyLock(study_key));
  std::ifstream journal(StudyDir(study_key) + "/" + kJournal, std::ios::binary);
  std::set<std::string> stored;
  std::string line;
  while (std::getline(journal, line)) {
    if (line.empty()) continue;
    auto record = DecodeRecord(line);
    if (!record.ok()) continue;
    if (auto instance = InstanceFromRecord(*record, study_key)) {
      if (fs_.Exists(AbsolutePath(instance->file))) stored.insert(instance->file);
    }
  }
  if (stored.size() != expected_instances) return false;
  if (Status status = RemoveStudyLocked(study_key); !status.ok()) return status;
  return true;
}

Status Spool::RemoveStudyLocked(const std::string& study_key) {
  const std::string trash = root_ + "/" + kTrash + "/" + study_key + "." + std::to_string(next_temp_.fetch_add(1));
  if (const int rc = fs_.Rename(StudyDir(study_key), trash); rc < 0) return IoError("cannot move study to trash", rc);
  if (const int rc = fs_.RemoveTree(trash); rc < 0) return IoError("cannot delete study", rc);
  return Status::Ok();
}

}  // namespace alveo::spool
