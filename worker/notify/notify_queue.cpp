// SPDX-License-Identifier: Apache-2.0
#include "notify/notify_queue.h"

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "core/json_text.h"
#include "core/log.h"

namespace alveo::notify {
namespace {

constexpr std::int64_t kRecordVersion = 1;
constexpr char kRecordsFolder[] = "records";
constexpr char kOutboxFolder[] = "outbox";
constexpr char kRecordSuffix[] = ".json";
constexpr char kTempSuffix[] = ".tmp";

Status Corrupt(const std::string& why) {
  return Status::Error(ErrorCode::kCorruptJournal, "notification record: " + why);
}

Status CreateFolder(spool::FileSystem& fs, const std::string& path) {
  std::error_code error;
  if (!std::filesystem::create_directories(path, error) && error) {
    return Status::Error(ErrorCode::kIoError, "cannot create " + path + ": " + error.message());
  }
  // The folder's name in its parent must survive a crash too (cheap; runs at start only).
  const std::string parent = std::filesystem::path(path).parent_path().string();
  const int fd = fs.Open(parent.empty() ? "." : parent, O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0)
    return Status::Error(ErrorCode::kIoError,
                         "cannot open " + parent + ": " + spool::ErrnoText(fd));
  const int rc = fs.Fsync(fd);
  (void)fs.Close(fd);
  if (rc < 0)
    return Status::Error(ErrorCode::kIoError, "fsync of " + parent + ": " + spool::ErrnoText(rc));
  return Status::Ok();
}

bool IsNotificationId(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// ---- record codec

void Member(std::string& out, std::string_view key) {
  out += out.size() == 1 ? "\n  " : ",\n  ";
  AppendJsonString(out, key);
  out += ": ";
}

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

Result<Notification> DecodeObject(const Poco::JSON::Object& o) {
  const auto text = [&](const std::string& key) { return o.getValue<std::string>(key); };
  if (o.getValue<std::int64_t>("version") != kRecordVersion)
    return Corrupt("unknown format version");
  Notification n;
  n.id = text("id");
  n.study_instance_uid = text("study_instance_uid");
  n.study_key = text("study_key");
  n.study_version = o.getValue<int>("study_version");
  n.accession_number = text("accession_number");
  n.modality = text("modality");
  const std::string status = text("status");
  const std::array<classifier::ResultStatus, 3> statuses = {
      classifier::ResultStatus::kFlagged, classifier::ResultStatus::kNotFlagged,
      classifier::ResultStatus::kNotAnalysable};
  const auto found =
      std::find_if(statuses.begin(), statuses.end(),
                   [&](classifier::ResultStatus s) { return classifier::StatusName(s) == status; });
  if (found == statuses.end()) return Corrupt("unknown status \"" + status + "\"");
  n.status = *found;
  n.reason = text("reason");
  n.certainty = o.getValue<double>("certainty");
  if (!o.isNull("opacity_percent")) n.opacity_percent = o.getValue<double>("opacity_percent");
  if (!o.isNull("top_differential")) {
    const Poco::JSON::Object::Ptr top = o.getObject("top_differential");
    if (top.isNull()) return Corrupt("top_differential is not an object");
    n.top_differential =
        CodedConcept{top->getValue<std::string>("code"), top->getValue<std::string>("scheme"),
                     top->getValue<std::string>("meaning")};
  }
  const auto priority = ParsePriority(text("priority"));
  if (!priority) return Corrupt("unknown priority \"" + text("priority") + "\"");
  n.priority = *priority;
  n.sr_sop_instance_uid = text("sr_sop_instance_uid");
  n.created_at = FromUnixMillis(o.getValue<std::int64_t>("created_at"));
  if (!IsNotificationId(n.id)) return Corrupt("malformed id");
  return n;
}

}  // namespace

std::string EncodeRecord(const Notification& n) {
  std::string out = "{";
  const auto text = [&out](std::string_view key, std::string_view value) {
    Member(out, key);
    AppendJsonString(out, value);
  };
  const auto raw = [&out](std::string_view key, const std::string& json) {
    Member(out, key);
    out += json;
  };
  raw("version", std::to_string(kRecordVersion));
  text("id", n.id);
  text("study_instance_uid", n.study_instance_uid);
  text("study_key", n.study_key);
  raw("study_version", std::to_string(n.study_version));
  text("accession_number", n.accession_number);
  text("modality", n.modality);
  text("status", classifier::StatusName(n.status));
  text("reason", n.reason);
  raw("certainty", Number(n.certainty));
  raw("opacity_percent", n.opacity_percent ? Number(*n.opacity_percent) : "null");
  if (n.top_differential) {
    Member(out, "top_differential");
    out += "{\"code\": ";
    AppendJsonString(out, n.top_differential->code);
    out += ", \"scheme\": ";
    AppendJsonString(out, n.top_differential->scheme);
    out += ", \"meaning\": ";
    AppendJsonString(out, n.top_differential->meaning);
    out += "}";
  } else {
    raw("top_differential", "null");
  }
  text("priority", PriorityName(n.priority));
  text("sr_sop_instance_uid", n.sr_sop_instance_uid);
  raw("created_at", std::to_string(ToUnixMillis(n.created_at)));
  out += "\n}\n";
  return out;
}

Result<Notification> DecodeRecord(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var parsed = parser.parse(text);
    const Poco::JSON::Object::Ptr object = parsed.extract<Poco::JSON::Object::Ptr>();
    if (object.isNull()) return Corrupt("not a JSON object");
    return DecodeObject(*object);
  } catch (const Poco::Exception& e) {  // syntax, a missing key, a wrong type
    return Corrupt(e.displayText());
  } catch (const std::exception& e) {
    return Corrupt(e.what());
  }
}

NotifyQueue::NotifyQueue(std::string dir, spool::FileSystem& fs,
                         std::unique_ptr<spool::Outbox> outbox)
    : dir_(std::move(dir)), fs_(fs), outbox_(std::move(outbox)) {}

Result<std::unique_ptr<NotifyQueue>> NotifyQueue::Open(std::string dir, spool::OutboxPolicy policy,
                                                       spool::FileSystem& fs) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (Status created = CreateFolder(fs, dir + "/" + kRecordsFolder); !created.ok()) return created;
  auto outbox = spool::Outbox::Open(dir + "/" + kOutboxFolder, policy, fs);
  if (!outbox.ok()) return outbox.status();
  std::unique_ptr<NotifyQueue> queue(
      new NotifyQueue(std::move(dir), fs, std::move(outbox).value()));
  queue->LoadRecords();
  return queue;
}

void NotifyQueue::LoadRecords() {
  const std::string folder = dir_ + "/" + kRecordsFolder;
  for (const std::string& name : fs_.ListDirectory(folder)) {
    const std::string path = folder + "/" + name;
    if (name.ends_with(kTempSuffix)) {
      (void)fs_.Unlink(path);  // a write interrupted before its rename
      continue;
    }
    if (!name.ends_with(kRecordSuffix)) continue;
    std::stringstream content;
    content << std::ifstream(path, std::ios::binary).rdbuf();
    auto record = DecodeRecord(content.str());
    const std::string stem =
        name.substr(0, name.size() - std::char_traits<char>::length(kRecordSuffix));
    if (record.ok() && record->id == stem) {
      records_.emplace(stem, std::move(record).value());
      continue;
    }
    const std::string aside = path + ".corrupt";
    const int rc = fs_.Rename(path, aside);
    ALVEO_LOG(kWarn, kDelivery) << "notify: corrupt record " << path << " ("
                                << (record.ok() ? "id differs from the file name"
                                                : record.status().message())
                                << "); "
                                << (rc < 0 ? "cannot move it aside: " + spool::ErrnoText(rc)
                                           : "moved to " + aside);
  }
}

std::string NotifyQueue::RecordPath(const std::string& id) const {
  return std::string(kRecordsFolder) + "/" + id + kRecordSuffix;
}

Result<Notification> NotifyQueue::Enqueue(const Notification& notification,
                                          const std::vector<std::string>& channels, TimePoint now) {
  if (!IsNotificationId(notification.id)) {
    return Status::Error(ErrorCode::kInvalidArgument,
                         "notification id \"" + notification.id + "\" is malformed");
  }
  std::lock_guard lock(mutex_);
  auto known = records_.find(notification.id);
  if (known == records_.end()) {
    const std::string path = dir_ + "/" + RecordPath(notification.id);
    if (Status written = spool::WriteFileDurably(fs_, path, EncodeRecord(notification));
        !written.ok())
      return written;
    known = records_.emplace(notification.id, notification).first;
  }
  for (const std::string& channel : channels) {
    spool::OutboxRequest request;
    request.destination = channel;
    request.sop_instance_uid =
        notification.id;  // the outbox's identity field: (channel, notification)
    request.study_key = notification.study_key;
    request.file = RecordPath(notification.id);
    if (auto entry = outbox_->Enqueue(request, now); !entry.ok()) return entry.status();
  }
  return known->second;
}

Priority NotifyQueue::HighestPriorityFor(const std::string& study_key) const {
  std::lock_guard lock(mutex_);
  Priority highest = Priority::kNone;
  for (const auto& [id, record] : records_) {
    if (record.study_key == study_key) highest = std::max(highest, record.priority);
  }
  return highest;
}

std::optional<QueuedNotification> NotifyQueue::ToQueued(const spool::OutboxEntry& entry) const {
  const auto record = records_.find(entry.sop_instance_uid);
  if (record == records_.end()) return std::nullopt;
  return QueuedNotification{entry.id,         entry.destination,     entry.state,
                            entry.attempts,   entry.next_attempt_at, entry.finished_at,
                            entry.last_error, record->second};
}

std::vector<QueuedNotification> NotifyQueue::TakeDue(TimePoint now, std::size_t max) {
  std::vector<QueuedNotification> due;
  for (const spool::OutboxEntry& entry : outbox_->TakeDue(now, max)) {
    std::optional<QueuedNotification> queued;
    {
      std::lock_guard lock(mutex_);
      queued = ToQueued(entry);
    }
    if (queued) {
      due.push_back(std::move(*queued));
      continue;
    }
    const Status missing(ErrorCode::kPeerRejected,
                         "the notification record " + entry.file + " is missing or corrupt");
    ALVEO_LOG(kError, kDelivery) << "notify: entry " << entry.id << " for " << entry.destination
                                 << ": " << missing.message() << "; dead letter";
    if (Status status = outbox_->ReportFailed(entry.id, missing, now); !status.ok()) {
      ALVEO_LOG(kError, kDelivery) << "notify: " << status.ToString();
    }
  }
  return due;
}

std::optional<TimePoint> NotifyQueue::NextDue() const { return outbox_->NextDue(); }

Status NotifyQueue::ReportDelivered(const std::string& entry_id, TimePoint now) {
  return outbox_->ReportDelivered(entry_id, now);
}

Status NotifyQueue::ReportFailed(const std::string& entry_id, const Status& error, TimePoint now) {
  return outbox_->ReportFailed(entry_id, error, now);
}

Status NotifyQueue::Retry(const std::string& entry_id, TimePoint now) {
  return outbox_->Retry(entry_id, now);
}

std::vector<QueuedNotification> NotifyQueue::List() const {
  const std::vector<spool::OutboxEntry> entries = outbox_->List();
  std::lock_guard lock(mutex_);
  std::vector<QueuedNotification> list;
  for (const auto& entry : entries) {
    if (auto queued = ToQueued(entry)) list.push_back(std::move(*queued));
  }
  return list;
}

std::optional<QueuedNotification> NotifyQueue::Find(const std::string& entry_id) const {
  const auto entry = outbox_->Find(entry_id);
  if (!entry) return std::nullopt;
  std::lock_guard lock(mutex_);
  return ToQueued(*entry);
}

spool::OutboxCounts NotifyQueue::Counts() const { return outbox_->Counts(); }

Result<std::size_t> NotifyQueue::ForgetFinishedBefore(TimePoint cutoff) {
  std::lock_guard lock(mutex_);
  auto forgotten = outbox_->ForgetFinishedBefore(cutoff);
  if (!forgotten.ok()) return forgotten;
  std::set<std::string> referenced;
  for (const auto& entry : outbox_->List()) referenced.insert(entry.sop_instance_uid);
  for (auto it = records_.begin(); it != records_.end();) {
    if (referenced.count(it->first)) {
      ++it;
      continue;
    }
    const std::string path = dir_ + "/" + RecordPath(it->first);
    if (const int rc = fs_.Unlink(path); rc < 0 && rc != -ENOENT) {
      return Status::Error(ErrorCode::kIoError,
                           "cannot delete " + path + ": " + spool::ErrnoText(rc));
    }
    it = records_.erase(it);
  }
  return forgotten;
}

}  // namespace alveo::notify
