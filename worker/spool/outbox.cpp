// SPDX-License-Identifier: Apache-2.0
#include "spool/outbox.h"

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <tuple>
#include <utility>
#include <variant>

#include "core/json_text.h"
#include "core/log.h"
#include "core/sha256.h"

namespace alveo::spool {
namespace {

constexpr std::int64_t kFormatVersion = 1;
constexpr char kEntrySuffix[] = ".json";
constexpr char kTempSuffix[] = ".tmp";
constexpr char kCorruptSuffix[] = ".corrupt";

constexpr std::array<std::string_view, 3> kStateNames = {"pending", "delivered",
                                                         "dead"};  // by value

std::optional<OutboxState> ParseState(std::string_view name) {
  const auto it = std::find(kStateNames.begin(), kStateNames.end(), name);
  if (it == kStateNames.end()) return std::nullopt;
  return static_cast<OutboxState>(it - kStateNames.begin());
}

Status IoError(const std::string& what, int rc) {
  return Status::Error(ErrorCode::kIoError, what + ": " + ErrnoText(rc));
}
Status Invalid(const std::string& why) { return Status::Error(ErrorCode::kInvalidArgument, why); }
Status Corrupt(const std::string& why) { return Status::Error(ErrorCode::kCorruptJournal, why); }
Status NotFound(const std::string& id) {
  return Status::Error(ErrorCode::kNotFound, "no outbox entry " + id);
}

// Entry files store unix milliseconds; memory holds the same precision so a reload changes nothing.
TimePoint AtMillis(TimePoint t) { return FromUnixMillis(ToUnixMillis(t)); }

bool OldestFirst(const OutboxEntry& a, const OutboxEntry& b) {
  return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
}

Status CheckPolicy(const OutboxPolicy& policy) {
  const auto bad = [](const std::string& rule) { return Invalid("outbox policy: " + rule); };
  if (policy.max_attempts < 1) return bad("max_attempts must be at least 1");
  if (policy.initial_backoff <= Millis::zero()) return bad("initial_backoff must be positive");
  if (policy.max_backoff <= Millis::zero()) return bad("max_backoff must be positive");
  if (!(policy.multiplier >= 1.0)) return bad("multiplier must be at least 1");  // NaN too
  return Status::Ok();
}

Status CheckRequest(const OutboxRequest& request) {
  if (!request.destination.empty() && !request.sop_instance_uid.empty() && !request.file.empty()) {
    return Status::Ok();
  }
  return Invalid("an outbox request needs a destination, a SOP Instance UID and a file");
}

Status SyncDirectory(FileSystem& fs, const std::string& path) {
  const int fd = fs.Open(path, O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0) return IoError("cannot open folder " + path, fd);
  const int rc = fs.Fsync(fd);
  (void)fs.Close(fd);
  return rc < 0 ? IoError("fsync of folder " + path, rc) : Status::Ok();
}

// ---- Entry files: written with AppendJsonString, read back by a reader for exactly that shape.

void AppendKey(std::string& out, std::string_view key) {
  out += out.size() == 1 ? "\n  " : ",\n  ";
  AppendJsonString(out, key);
  out += ": ";
}

std::string EncodeEntry(const OutboxEntry& entry) {
  std::string out = "{";
  const auto text = [&out](std::string_view key, std::string_view value) {
    AppendKey(out, key);
    AppendJsonString(out, value);
  };
  const auto number = [&out](std::string_view key, std::int64_t value) {
    AppendKey(out, key);
    out += std::to_string(value);
  };
  number("version", kFormatVersion);
  text("id", entry.id);
  text("destination", entry.destination);
  text("ae_title", entry.address.ae_title);
  text("host", entry.address.host);
  number("port", entry.address.port);
  text("sop_instance_uid", entry.sop_instance_uid);
  text("study_key", entry.study_key);
  text("file", entry.file);
  text("state", OutboxStateName(entry.state));
  number("attempts", entry.attempts);
  number("created_at", ToUnixMillis(entry.created_at));
  number("next_attempt_at", ToUnixMillis(entry.next_attempt_at));
  AppendKey(out, "finished_at");
  out += entry.finished_at ? std::to_string(ToUnixMillis(*entry.finished_at)) : "null";
  text("last_error", entry.last_error);
  out += "\n}\n";
  return out;
}

using JsonScalar = std::variant<std::nullptr_t, std::int64_t, std::string>;
using FlatObject = std::map<std::string, JsonScalar, std::less<>>;

// Reads one JSON object (RFC 8259) whose values are strings, integers or null, with unique keys:
// the shape EncodeEntry writes. \u escapes are accepted for ASCII only, as AppendJsonString emits.
class FlatJsonReader {
 public:
  explicit FlatJsonReader(std::string_view text) : text_(text) {}

  std::optional<FlatObject> Read() {
    if (!Take('{')) return std::nullopt;
    FlatObject object;
    for (bool more = !Take('}'); more;) {
      std::string key;
      JsonScalar value;
      if (!ReadString(key) || !Take(':') || !ReadValue(value) ||
          !object.emplace(std::move(key), std::move(value)).second) {
        return std::nullopt;
      }
      more = Take(',');
      if (!more && !Take('}')) return std::nullopt;
    }
    SkipSpace();
    if (pos_ != text_.size()) return std::nullopt;
    return object;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && std::string_view(" \t\r\n").find(text_[pos_]) != text_.npos)
      ++pos_;
  }
  bool Take(char c) {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool ReadValue(JsonScalar& out) {
    SkipSpace();
    if (text_.substr(pos_, 4) == "null") {
      pos_ += 4;
      out = nullptr;
      return true;
    }
    if (text_.substr(pos_, 1) == "\"") return ReadString(out.emplace<std::string>());
    const auto [stop, error] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(),
                                               out.emplace<std::int64_t>());
    pos_ = static_cast<std::size_t>(stop - text_.data());
    return error == std::errc();
  }
  bool ReadString(std::string& out) {
    if (!Take('"')) return false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20 || (c == '\\' && !ReadEscape(out))) return false;
      if (c != '\\') out += c;
    }
    return false;
  }
  bool ReadEscape(std::string& out) {
    static constexpr std::string_view kEscapes = "\"\\/bfnrt";
    static constexpr std::string_view kMeanings = "\"\\/\b\f\n\r\t";
    const char c = pos_ < text_.size() ? text_[pos_++] : '\0';
    if (const auto index = kEscapes.find(c); index != kEscapes.npos) {
      out += kMeanings[index];
      return true;
    }
    unsigned code = 0;
    const char* first = text_.data() + pos_;
    if (c != 'u' || pos_ + 4 > text_.size()) return false;
    const auto [stop, error] = std::from_chars(first, first + 4, code, 16);
    if (error != std::errc() || stop != first + 4 || code >= 0x80) return false;
    pos_ += 4;
    out += static_cast<char>(code);
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

Result<OutboxEntry> DecodeEntry(std::string_view text) {
  const auto object = FlatJsonReader(text).Read();
  if (!object) return Corrupt("not a flat JSON object");
  std::string bad;  // the first missing or mistyped field
  const auto get = [&](std::string_view key, auto fallback) {
    const auto it = object->find(key);
    const auto* value =
        it == object->end() ? nullptr : std::get_if<decltype(fallback)>(&it->second);
    if (value == nullptr && bad.empty()) bad = key;
    return value ? *value : fallback;
  };
  const auto text_of = [&](std::string_view key) { return get(key, std::string()); };
  const auto number = [&](std::string_view key) { return get(key, std::int64_t{0}); };
  if (number("version") != kFormatVersion) return Corrupt("unknown format version");
  OutboxEntry entry;
  entry.id = text_of("id");
  entry.destination = text_of("destination");
  const std::int64_t port = number("port");
  entry.address = {text_of("ae_title"), text_of("host"), static_cast<int>(port)};
  entry.sop_instance_uid = text_of("sop_instance_uid");
  entry.study_key = text_of("study_key");
  entry.file = text_of("file");
  const auto state = ParseState(text_of("state"));
  const std::int64_t attempts = number("attempts");
  entry.created_at = FromUnixMillis(number("created_at"));
  entry.next_attempt_at = FromUnixMillis(number("next_attempt_at"));
  if (const auto it = object->find("finished_at");
      it == object->end() || !std::holds_alternative<std::nullptr_t>(it->second)) {
    entry.finished_at = FromUnixMillis(number("finished_at"));
  }
  entry.last_error = text_of("last_error");
  if (!bad.empty()) return Corrupt("field " + bad + " missing or mistyped");
  if (!state || attempts < 0 || attempts > 1000000 || port < 0 || port > 65535) {
    return Corrupt("state, attempts or port out of range");
  }
  entry.state = *state;
  entry.attempts = static_cast<int>(attempts);
  if (entry.id != OutboxEntryId(entry.destination, entry.sop_instance_uid)) {
    return Corrupt("id does not match destination and SOP Instance UID");
  }
  return entry;
}

OutboxEntry NewEntry(const OutboxRequest& request, TimePoint now) {
  OutboxEntry entry;
  entry.id = OutboxEntryId(request.destination, request.sop_instance_uid);
  entry.destination = request.destination;
  entry.address = request.address;
  entry.sop_instance_uid = request.sop_instance_uid;
  entry.study_key = request.study_key;
  entry.file = request.file;
  entry.created_at = AtMillis(now);
  entry.next_attempt_at = entry.created_at;
  return entry;
}

}  // namespace

std::string_view OutboxStateName(OutboxState state) {
  return kStateNames.at(static_cast<std::size_t>(state));
}

Millis RetryDelay(const OutboxPolicy& policy, int failed_attempts) {
  const double factor = std::pow(policy.multiplier, std::max(failed_attempts - 1, 0));
  const double delay = static_cast<double>(policy.initial_backoff.count()) * factor;
  const double cap = static_cast<double>(policy.max_backoff.count());
  return Millis(static_cast<Millis::rep>(std::llround(std::min(delay, cap))));
}

std::string OutboxEntryId(std::string_view destination, std::string_view sop_instance_uid) {
  Sha256 hash;
  hash.Update(destination);
  hash.Update(std::string_view("\0", 1));  // no (destination, uid) pair can imitate another
  hash.Update(sop_instance_uid);
  const Sha256::Digest digest = hash.Finish();
  return ToHex(digest.data(), 16);
}

Outbox::Outbox(std::string dir, OutboxPolicy policy, FileSystem& fs)
    : dir_(std::move(dir)), policy_(policy), fs_(fs) {}

Result<std::unique_ptr<Outbox>> Outbox::Open(std::string dir, OutboxPolicy policy, FileSystem& fs) {
  if (Status valid = CheckPolicy(policy); !valid.ok()) return valid;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  std::error_code error;
  const bool created = std::filesystem::create_directories(dir, error);
  if (error)
    return Status::Error(ErrorCode::kIoError, "cannot create " + dir + ": " + error.message());
  if (created) {  // the new folder's name in its parent must survive a crash too
    const std::string parent = std::filesystem::path(dir).parent_path().string();
    if (Status synced = SyncDirectory(fs, parent.empty() ? "." : parent); !synced.ok())
      return synced;
  }
  std::unique_ptr<Outbox> outbox(new Outbox(std::move(dir), policy, fs));
  outbox->Load();
  return outbox;
}

void Outbox::Load() {
  for (const auto& name : fs_.ListDirectory(dir_)) {
    if (name.ends_with(kTempSuffix)) {
      (void)fs_.Unlink(dir_ + "/" + name);  // a write interrupted before its rename
    } else if (name.ends_with(kEntrySuffix)) {
      LoadFile(name);
    }
  }
}

void Outbox::LoadFile(const std::string& name) {
  const std::string path = dir_ + "/" + name;
  const std::string stem = name.substr(0, name.size() - std::strlen(kEntrySuffix));
  std::stringstream content;
  content << std::ifstream(path, std::ios::binary).rdbuf();
  auto entry = DecodeEntry(content.str());
  if (entry.ok() && entry->id == stem) {
    entries_.emplace(stem, std::move(*entry));
    return;
  }
  const std::string reason =
      entry.ok() ? "id differs from the file name" : entry.status().message();
  const std::string aside = path + kCorruptSuffix;
  const int rc = fs_.Rename(path, aside);
  ALVEO_LOG(kWarn, kSpool) << "outbox: corrupt entry file " << path << " (" << reason << "); "
                           << (rc < 0 ? "cannot move it aside: " + ErrnoText(rc)
                                      : "moved to " + aside);
}

Result<OutboxEntry> Outbox::Enqueue(const OutboxRequest& request, TimePoint now) {
  if (Status valid = CheckRequest(request); !valid.ok()) return valid;
  OutboxEntry entry = NewEntry(request, now);
  std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(entry.id); it != entries_.end()) return it->second;
  if (Status status = Persist(entry.id, &entry, nullptr); !status.ok()) return status;
  entries_.emplace(entry.id, entry);
  ALVEO_LOG(kDebug, kSpool) << "outbox: " << entry.id << " queued for " << entry.destination;
  return entry;
}

std::vector<OutboxEntry> Outbox::TakeDue(TimePoint now, std::size_t max) {
  std::lock_guard lock(mutex_);
  std::vector<OutboxEntry> due;
  for (const auto& [id, entry] : entries_) {
    if (entry.state == OutboxState::kPending && entry.next_attempt_at <= now &&
        !in_flight_.count(id)) {
      due.push_back(entry);
    }
  }
  std::sort(due.begin(), due.end(), OldestFirst);
  if (due.size() > max) due.resize(max);
  for (const auto& entry : due) in_flight_.insert(entry.id);
  return due;
}

std::optional<TimePoint> Outbox::NextDue() const {
  std::lock_guard lock(mutex_);
  std::optional<TimePoint> next;
  for (const auto& [id, entry] : entries_) {
    if (entry.state != OutboxState::kPending || in_flight_.count(id)) continue;
    if (!next || entry.next_attempt_at < *next) next = entry.next_attempt_at;
  }
  return next;
}

Status Outbox::ReportDelivered(const std::string& id, TimePoint now) {
  return ReportAttempt(id, [now](OutboxEntry& next) {
    next.state = OutboxState::kDelivered;
    next.finished_at = AtMillis(now);
  });
}

Status Outbox::ReportFailed(const std::string& id, const Status& error, TimePoint now) {
  if (error.ok()) return Invalid("ReportFailed needs an error");
  return ReportAttempt(id, [&](OutboxEntry& next) {
    next.last_error = error.ToString();
    if (error.code() == ErrorCode::kPeerRejected || next.attempts >= policy_.max_attempts) {
      next.state = OutboxState::kDead;
      next.finished_at = AtMillis(now);
    } else {
      next.next_attempt_at = AtMillis(now) + RetryDelay(policy_, next.attempts);
    }
  });
}

Status Outbox::ReportAttempt(const std::string& id,
                             const std::function<void(OutboxEntry&)>& change) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  if (it == entries_.end()) return NotFound(id);
  if (!in_flight_.count(id)) return Invalid("outbox entry " + id + " is not in flight");
  OutboxEntry next = it->second;
  next.attempts += 1;
  change(next);
  return ReplaceLocked(next);
}

Status Outbox::Retry(const std::string& id, TimePoint now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  if (it == entries_.end()) return NotFound(id);
  if (it->second.state != OutboxState::kDead) {
    return Invalid("outbox entry " + id + " is " + std::string(OutboxStateName(it->second.state)) +
                   "; only dead entries can be retried");
  }
  OutboxEntry next = it->second;
  next.state = OutboxState::kPending;
  next.attempts = 0;
  next.next_attempt_at = AtMillis(now);
  next.finished_at.reset();
  return ReplaceLocked(next);
}

Status Outbox::ReplaceLocked(const OutboxEntry& next) {
  OutboxEntry& current = entries_.at(next.id);
  if (Status status = Persist(next.id, &next, &current); !status.ok()) return status;
  current = next;
  in_flight_.erase(next.id);
  return Status::Ok();
}

std::vector<OutboxEntry> Outbox::List() const {
  std::lock_guard lock(mutex_);
  std::vector<OutboxEntry> all;
  for (const auto& [id, entry] : entries_) all.push_back(entry);
  std::sort(all.begin(), all.end(), OldestFirst);
  return all;
}

std::optional<OutboxEntry> Outbox::Find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

OutboxCounts Outbox::Counts() const {
  std::lock_guard lock(mutex_);
  OutboxCounts counts;
  counts.in_flight = in_flight_.size();
  const std::array<std::size_t*, 3> by_state = {&counts.pending, &counts.delivered, &counts.dead};
  for (const auto& [id, entry] : entries_) ++*by_state.at(static_cast<std::size_t>(entry.state));
  return counts;
}

bool Outbox::HasPendingFor(const std::string& study_key) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, entry] : entries_) {
    if (entry.state == OutboxState::kPending && entry.study_key == study_key) return true;
  }
  return false;
}

Status Outbox::Forget(const std::string& id) {
  std::lock_guard lock(mutex_);
  return ForgetLocked(id);
}

Result<std::size_t> Outbox::ForgetFinishedBefore(TimePoint cutoff) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> expired;
  for (const auto& [id, entry] : entries_) {
    if (entry.state != OutboxState::kPending && entry.finished_at && *entry.finished_at < cutoff) {
      expired.push_back(id);
    }
  }
  for (const auto& id : expired) {
    if (Status status = ForgetLocked(id); !status.ok()) return status;
  }
  return expired.size();
}

Status Outbox::ForgetLocked(const std::string& id) {
  const auto it = entries_.find(id);
  if (it == entries_.end()) return NotFound(id);
  if (it->second.state == OutboxState::kPending) {
    return Invalid("outbox entry " + id +
                   " is pending; only delivered or dead entries can be forgotten");
  }
  if (Status status = Persist(id, nullptr, &it->second); !status.ok()) return status;
  entries_.erase(it);
  return Status::Ok();
}

Status Outbox::Persist(const std::string& id, const OutboxEntry* next,
                       const OutboxEntry* previous) {
  if (Status placed = Place(id, next); !placed.ok()) return placed;  // the old file is untouched
  Status synced = SyncDirectory(fs_, dir_);
  if (!synced.ok()) {
    // The change is visible but might not survive a crash: put the old file back so that disk and
    // memory agree whatever happens next (best effort; the disk is already failing).
    (void)Place(id, previous);
    (void)SyncDirectory(fs_, dir_);
  }
  return synced;
}

Status Outbox::Place(const std::string& id, const OutboxEntry* content) {
  return content ? WriteEntryFile(*content) : RemoveEntryFile(id);
}

Status Outbox::WriteEntryFile(const OutboxEntry& entry) {
  const std::string temp = dir_ + "/." + entry.id + kEntrySuffix + kTempSuffix;
  const std::string content = EncodeEntry(entry);
  const int fd = fs_.Open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
  if (fd < 0) return IoError("cannot create " + temp, fd);
  Status status;
  if (const ssize_t rc = fs_.Write(fd, content.data(), content.size()); rc < 0) {
    status = IoError("write " + temp, static_cast<int>(rc));
  } else if (const int synced = fs_.Fsync(fd); synced < 0) {
    status = IoError("fsync " + temp, synced);
  }
  (void)fs_.Close(fd);
  if (status.ok()) {
    if (const int rc = fs_.Rename(temp, EntryPath(entry.id)); rc < 0)
      status = IoError("rename " + temp, rc);
  }
  if (!status.ok()) (void)fs_.Unlink(temp);
  return status;
}

Status Outbox::RemoveEntryFile(const std::string& id) {
  const int rc = fs_.Unlink(EntryPath(id));
  return rc < 0 && rc != -ENOENT ? IoError("cannot delete " + EntryPath(id), rc) : Status::Ok();
}

std::string Outbox::EntryPath(const std::string& id) const {
  return dir_ + "/" + id + kEntrySuffix;
}

}  // namespace alveo::spool
