// SPDX-License-Identifier: Apache-2.0
// The outbox against the real file system with injected failures: idempotent enqueue, due order and
// in-flight exclusion, the exact back-off schedule, dead letter, retry, retention, reopen, corrupt
// files, and memory and disk left unchanged by every failed write.
#include "spool/outbox.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/log.h"
#include "faulty_file_system.h"
#include <fcntl.h>

namespace alveo::spool {
namespace {

namespace fs = std::filesystem;
using testing::FaultyFileSystem;
using Op = FaultyFileSystem::Op;

TimePoint At(std::int64_t ms) { return FromUnixMillis(1'700'000'000'000 + ms); }

OutboxRequest Request(const std::string& sop, const std::string& destination = "pacs") {
  return OutboxRequest{destination, DicomAddress{"PACS", "10.0.0.5", 104}, sop, "study-key",
                       "/data/sr/" + sop + ".dcm"};
}

void ExpectSame(const OutboxEntry& a, const OutboxEntry& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.destination, b.destination);
  EXPECT_EQ(a.address.ae_title, b.address.ae_title);
  EXPECT_EQ(a.address.host, b.address.host);
  EXPECT_EQ(a.address.port, b.address.port);
  EXPECT_EQ(a.sop_instance_uid, b.sop_instance_uid);
  EXPECT_EQ(a.study_key, b.study_key);
  EXPECT_EQ(a.file, b.file);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.attempts, b.attempts);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.next_attempt_at, b.next_attempt_at);
  EXPECT_EQ(a.finished_at, b.finished_at);
  EXPECT_EQ(a.last_error, b.last_error);
}

// Forwards to the real file system and fails the next fsync of a folder when armed: the step after
// the rename, which FaultyFileSystem cannot single out.
class FolderSyncFailure final : public FileSystem {
 public:
  void FailNextFolderSync() { armed_ = true; }
  int Open(const std::string& path, int flags, int mode) override {
    const int fd = real_.Open(path, flags, mode);
    if (fd >= 0 && (flags & O_DIRECTORY) != 0) folders_.insert(fd);
    return fd;
  }
  int Close(int fd) override {
    folders_.erase(fd);
    return real_.Close(fd);
  }
  int Fsync(int fd) override {
    return folders_.count(fd) && std::exchange(armed_, false) ? -EIO : real_.Fsync(fd);
  }
  ssize_t Write(int fd, const void* data, std::size_t size) override {
    return real_.Write(fd, data, size);
  }
  int Fdatasync(int fd) override { return real_.Fdatasync(fd); }
  int Syncfs(int fd) override { return real_.Syncfs(fd); }
  int StartWriteback(int fd, off_t offset, off_t size) override {
    return real_.StartWriteback(fd, offset, size);
  }
  int Rename(const std::string& from, const std::string& to) override {
    return real_.Rename(from, to);
  }
  int Unlink(const std::string& path) override { return real_.Unlink(path); }
  int MakeDirectory(const std::string& path) override { return real_.MakeDirectory(path); }
  bool Exists(const std::string& path) override { return real_.Exists(path); }
  std::optional<std::uint64_t> FileSize(const std::string& path) override {
    return real_.FileSize(path);
  }
  std::optional<std::uint64_t> FreeBytes(const std::string& path) override {
    return real_.FreeBytes(path);
  }
  std::vector<std::string> ListDirectory(const std::string& path) override {
    return real_.ListDirectory(path);
  }
  int RemoveTree(const std::string& path) override { return real_.RemoveTree(path); }

 private:
  PosixFileSystem real_;
  std::set<int> folders_;
  bool armed_ = false;
};

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("alveo-outbox-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    Reopen();
  }
  void TearDown() override { fs::remove_all(root_); }

  void Reopen(OutboxPolicy policy = {}) { ReopenWith(faulty_, policy); }
  void ReopenWith(FileSystem& file_system, OutboxPolicy policy = {}) {
    outbox_.reset();
    auto opened = Outbox::Open(dir(), policy, file_system);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    outbox_ = std::move(*opened);
  }
  std::string dir() const { return (root_ / "outbox").string(); }
  std::set<std::string> Files() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir()))
      names.insert(entry.path().filename().string());
    return names;
  }
  std::string Enqueue(const std::string& sop, TimePoint now = At(0)) {
    auto entry = outbox_->Enqueue(Request(sop), now);
    EXPECT_TRUE(entry.ok()) << entry.status().ToString();
    return entry.ok() ? entry->id : std::string();
  }
  // Takes the one due entry at `now` and reports the failure.
  void TakeAndFail(const std::string& id, TimePoint now, const Status& error) {
    const auto taken = outbox_->TakeDue(now, 10);
    ASSERT_EQ(taken.size(), 1u);
    ASSERT_EQ(taken[0].id, id);
    ASSERT_TRUE(outbox_->ReportFailed(id, error, now).ok());
  }

  fs::path root_;
  FaultyFileSystem faulty_;
  std::unique_ptr<Outbox> outbox_;
};

Status Unavailable() {
  return Status::Error(ErrorCode::kPeerUnavailable, "0xA700 from PACS@10.0.0.5:104");
}

TEST_F(OutboxTest, EnqueuePersistsAPendingEntryDueNow) {
  auto entry = outbox_->Enqueue(Request("2.25.1"), At(5));
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->id, OutboxEntryId("pacs", "2.25.1"));
  EXPECT_EQ(entry->state, OutboxState::kPending);
  EXPECT_EQ(entry->attempts, 0);
  EXPECT_EQ(entry->created_at, At(5));
  EXPECT_EQ(entry->next_attempt_at, At(5));
  EXPECT_FALSE(entry->finished_at);
  EXPECT_EQ(entry->address.port, 104);
  EXPECT_EQ(Files(), std::set<std::string>{entry->id + ".json"});
  EXPECT_EQ(outbox_->NextDue(), At(5));
  EXPECT_EQ(outbox_->Counts().pending, 1u);
}

TEST_F(OutboxTest, EnqueueOfAKnownIdReturnsItUnchangedAndWritesNothing) {
  const std::string id = Enqueue("2.25.1", At(0));
  ASSERT_EQ(outbox_->TakeDue(At(0), 1).size(), 1u);
  ASSERT_TRUE(outbox_->ReportDelivered(id, At(1)).ok());
  faulty_.FailNext(Op::kWrite);  // any write would fail
  OutboxRequest again = Request("2.25.1");
  again.file = "/elsewhere.dcm";
  auto entry = outbox_->Enqueue(again, At(9));
  faulty_.FailNext(Op::kNone);
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->id, id);
  EXPECT_EQ(entry->state, OutboxState::kDelivered);
  EXPECT_EQ(entry->file, "/data/sr/2.25.1.dcm");
  EXPECT_EQ(entry->created_at, At(0));
  EXPECT_NE(outbox_->Enqueue(Request("2.25.1", "archive"), At(9))->id, id);
  EXPECT_EQ(outbox_->List().size(), 2u);
}

TEST_F(OutboxTest, EntryIdIsStableAndKeepsDestinationAndUidApart) {
  EXPECT_EQ(OutboxEntryId("pacs", "1.2"), OutboxEntryId("pacs", "1.2"));
  EXPECT_NE(OutboxEntryId("pacs", "11.2"), OutboxEntryId("pacs1", "1.2"));
  EXPECT_EQ(OutboxEntryId("pacs", "1.2").size(), 32u);
}

TEST_F(OutboxTest, EnqueueRejectsAnIncompleteRequest) {
  OutboxRequest request = Request("2.25.1");
  request.file.clear();
  EXPECT_EQ(outbox_->Enqueue(request, At(0)).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Files().empty());
}

TEST_F(OutboxTest, TakeDueReturnsDueEntriesOldestFirstAndNeverTwice) {
  const std::string late = Enqueue("2.25.3", At(30));
  const std::string first = Enqueue("2.25.1", At(10));
  const std::string second = Enqueue("2.25.2", At(20));
  EXPECT_TRUE(outbox_->TakeDue(At(9), 10).empty());
  const auto batch = outbox_->TakeDue(At(25), 10);
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].id, first);
  EXPECT_EQ(batch[1].id, second);
  EXPECT_EQ(outbox_->NextDue(), At(30));  // the taken ones no longer count
  const auto rest = outbox_->TakeDue(At(100), 10);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, late);
  EXPECT_TRUE(outbox_->TakeDue(At(100), 10).empty());
  EXPECT_FALSE(outbox_->NextDue());
  EXPECT_EQ(outbox_->Counts().in_flight, 3u);
  EXPECT_EQ(outbox_->Counts().pending, 3u);
}

TEST_F(OutboxTest, TakeDueHonoursTheLimit) {
  for (const char* sop : {"2.25.1", "2.25.2", "2.25.3"}) Enqueue(sop);
  EXPECT_EQ(outbox_->TakeDue(At(0), 2).size(), 2u);
  EXPECT_EQ(outbox_->TakeDue(At(0), 2).size(), 1u);
  EXPECT_TRUE(outbox_->TakeDue(At(0), 0).empty());
}

TEST_F(OutboxTest, BackoffDoublesFromTheInitialDelayUpToTheCap) {
  Reopen(OutboxPolicy{.max_attempts = 11});
  const std::string id = Enqueue("2.25.1");
  const std::int64_t expected[] = {2000,  4000,   8000,   16000,  32000,
                                   64000, 128000, 256000, 300000, 300000};
  std::int64_t now = 0;
  for (const std::int64_t delay : expected) {
    TakeAndFail(id, At(now), Unavailable());
    EXPECT_EQ(outbox_->Find(id)->next_attempt_at, At(now + delay));
    EXPECT_TRUE(outbox_->TakeDue(At(now + delay - 1), 10).empty());
    now += delay;
  }
  EXPECT_EQ(outbox_->Find(id)->attempts, 10);
  EXPECT_EQ(outbox_->Find(id)->state, OutboxState::kPending);
}

TEST_F(OutboxTest, RetryDelayFollowsThePolicy) {
  const OutboxPolicy policy{.max_attempts = 5,
                            .initial_backoff = Millis(1000),
                            .max_backoff = Millis(5000),
                            .multiplier = 1.5};
  EXPECT_EQ(RetryDelay(policy, 1), Millis(1000));
  EXPECT_EQ(RetryDelay(policy, 2), Millis(1500));
  EXPECT_EQ(RetryDelay(policy, 3), Millis(2250));
  EXPECT_EQ(RetryDelay(policy, 5), Millis(5000));
  EXPECT_EQ(RetryDelay(policy, 1000), Millis(5000));
}

TEST_F(OutboxTest, EntryIsDeadAfterMaxAttempts) {
  Reopen(OutboxPolicy{.max_attempts = 3});
  const std::string id = Enqueue("2.25.1");
  TakeAndFail(id, At(0), Unavailable());
  TakeAndFail(id, At(2000), Unavailable());
  TakeAndFail(id, At(6000), Unavailable());
  const OutboxEntry dead = *outbox_->Find(id);
  EXPECT_EQ(dead.state, OutboxState::kDead);
  EXPECT_EQ(dead.attempts, 3);
  EXPECT_EQ(dead.finished_at, At(6000));
  EXPECT_EQ(dead.last_error, "peer_unavailable: 0xA700 from PACS@10.0.0.5:104");
  EXPECT_TRUE(outbox_->TakeDue(At(1'000'000'000), 10).empty());
  EXPECT_FALSE(outbox_->NextDue());
  EXPECT_EQ(outbox_->Counts().dead, 1u);
}

TEST_F(OutboxTest, PeerRejectedIsDeadAtOnce) {
  const std::string id = Enqueue("2.25.1");
  TakeAndFail(id, At(7), Status::Error(ErrorCode::kPeerRejected, "0xC000 from PACS"));
  EXPECT_EQ(outbox_->Find(id)->state, OutboxState::kDead);
  EXPECT_EQ(outbox_->Find(id)->attempts, 1);
  EXPECT_EQ(outbox_->Find(id)->finished_at, At(7));
}

TEST_F(OutboxTest, DeliveredEntryIsFinished) {
  const std::string id = Enqueue("2.25.1");
  TakeAndFail(id, At(0), Unavailable());
  ASSERT_EQ(outbox_->TakeDue(At(2000), 10).size(), 1u);
  ASSERT_TRUE(outbox_->ReportDelivered(id, At(2500)).ok());
  const OutboxEntry done = *outbox_->Find(id);
  EXPECT_EQ(done.state, OutboxState::kDelivered);
  EXPECT_EQ(done.attempts, 2);
  EXPECT_EQ(done.finished_at, At(2500));
  EXPECT_EQ(outbox_->Counts().delivered, 1u);
  EXPECT_EQ(outbox_->Counts().in_flight, 0u);
}

TEST_F(OutboxTest, ReportsNeedAnEntryInFlight) {
  const std::string id = Enqueue("2.25.1");
  EXPECT_EQ(outbox_->ReportDelivered(id, At(1)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(outbox_->ReportDelivered("nope", At(1)).code(), ErrorCode::kNotFound);
  ASSERT_EQ(outbox_->TakeDue(At(0), 1).size(), 1u);
  EXPECT_EQ(outbox_->ReportFailed(id, Status::Ok(), At(1)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(outbox_->Find(id)->attempts, 0);
}

TEST_F(OutboxTest, RetryMakesADeadEntryPendingAndDueNow) {
  const std::string id = Enqueue("2.25.1");
  EXPECT_EQ(outbox_->Retry(id, At(1)).code(), ErrorCode::kInvalidArgument);  // pending
  EXPECT_EQ(outbox_->Retry("nope", At(1)).code(), ErrorCode::kNotFound);
  TakeAndFail(id, At(0), Status::Error(ErrorCode::kPeerRejected, "refused"));
  ASSERT_TRUE(outbox_->Retry(id, At(50)).ok());
  const OutboxEntry retried = *outbox_->Find(id);
  EXPECT_EQ(retried.state, OutboxState::kPending);
  EXPECT_EQ(retried.attempts, 0);
  EXPECT_EQ(retried.next_attempt_at, At(50));
  EXPECT_FALSE(retried.finished_at);
  EXPECT_EQ(outbox_->TakeDue(At(50), 10).size(), 1u);
}

TEST_F(OutboxTest, ReopenSeesTheSameEntriesAndInFlightOnesArePending) {
  const std::string delivered = Enqueue("2.25.1", At(1));
  const std::string dead = Enqueue("2.25.2", At(2));
  const std::string waiting = Enqueue("2.25.3", At(3));
  const std::string in_flight = Enqueue("2.25.4", At(4));
  OutboxRequest odd = Request("2.25.5");
  odd.file = "/data/sr/\"quoted\"\\\n\t\x01 é.dcm";
  ASSERT_TRUE(outbox_->Enqueue(odd, At(5)).ok());
  ASSERT_EQ(outbox_->TakeDue(At(4), 4).size(), 4u);
  ASSERT_TRUE(outbox_->ReportDelivered(delivered, At(10)).ok());
  ASSERT_TRUE(
      outbox_->ReportFailed(dead, Status::Error(ErrorCode::kPeerRejected, "bad\ttab"), At(11))
          .ok());
  ASSERT_TRUE(outbox_->ReportFailed(waiting, Unavailable(), At(12)).ok());
  const auto before = outbox_->List();

  Reopen();
  const auto after = outbox_->List();
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < before.size(); ++i) ExpectSame(after[i], before[i]);
  EXPECT_EQ(outbox_->Find(in_flight)->state, OutboxState::kPending);
  const auto again = outbox_->TakeDue(At(100), 10);
  ASSERT_EQ(again.size(), 2u);  // the one in flight at "the crash" and the odd one
  EXPECT_EQ(again[0].id, in_flight);
}

TEST_F(OutboxTest, CorruptEntryFilesAreMovedAsideAndLogged) {
  const std::string good = Enqueue("2.25.1");
  const std::string other = Enqueue("2.25.2");
  fs::rename(fs::path(dir()) / (other + ".json"), fs::path(dir()) / "0123.json");  // id mismatch
  std::ofstream(fs::path(dir()) / "garbage.json") << "{\"version\": 1, \"id\": ";
  std::ofstream(fs::path(dir()) / (".x.json.tmp")) << "interrupted";
  std::vector<std::string> warnings;
  std::mutex warnings_mutex;
  log::SetSink([&](const log::Record& record) {
    std::lock_guard lock(warnings_mutex);
    if (record.level == log::Level::kWarn) warnings.emplace_back(record.message);
  });
  Reopen();
  log::SetSink(nullptr);

  ASSERT_EQ(outbox_->List().size(), 1u);
  EXPECT_EQ(outbox_->List()[0].id, good);
  EXPECT_EQ(Files(),
            (std::set<std::string>{good + ".json", "0123.json.corrupt", "garbage.json.corrupt"}));
  EXPECT_EQ(warnings.size(), 2u);
}

class OutboxFaultTest : public OutboxTest, public ::testing::WithParamInterface<Op> {};

TEST_P(OutboxFaultTest, FailedWriteLeavesMemoryAndDiskUnchanged) {
  const std::string id = Enqueue("2.25.1");
  faulty_.FailNext(GetParam());
  auto failed = outbox_->Enqueue(Request("2.25.2"), At(0));
  EXPECT_EQ(failed.status().code(), ErrorCode::kIoError);
  EXPECT_FALSE(outbox_->Find(OutboxEntryId("pacs", "2.25.2")));

  ASSERT_EQ(outbox_->TakeDue(At(0), 10).size(), 1u);
  faulty_.FailNext(GetParam());
  EXPECT_EQ(outbox_->ReportFailed(id, Unavailable(), At(1)).code(), ErrorCode::kIoError);
  EXPECT_EQ(outbox_->Find(id)->attempts, 0);
  EXPECT_EQ(outbox_->Find(id)->next_attempt_at, At(0));
  EXPECT_EQ(Files(), std::set<std::string>{id + ".json"});  // no temporary file left

  Reopen();
  ASSERT_EQ(outbox_->List().size(), 1u);
  EXPECT_EQ(outbox_->Find(id)->attempts, 0);
  EXPECT_EQ(outbox_->Find(id)->state, OutboxState::kPending);
}

TEST_P(OutboxFaultTest, AFailedReportLeavesTheEntryInFlightToReportAgain) {
  const std::string id = Enqueue("2.25.1");
  ASSERT_EQ(outbox_->TakeDue(At(0), 10).size(), 1u);
  faulty_.FailNext(GetParam());
  EXPECT_FALSE(outbox_->ReportDelivered(id, At(1)).ok());
  EXPECT_TRUE(outbox_->TakeDue(At(0), 10).empty());
  EXPECT_TRUE(outbox_->ReportDelivered(id, At(2)).ok());
  EXPECT_EQ(outbox_->Find(id)->state, OutboxState::kDelivered);
}

INSTANTIATE_TEST_SUITE_P(WriteFsyncRename, OutboxFaultTest,
                         ::testing::Values(Op::kWrite, Op::kFsync, Op::kRename));

TEST_F(OutboxTest, FailedFolderSyncPutsTheOldFileBack) {
  FolderSyncFailure folder_sync;
  ReopenWith(folder_sync);
  const std::string id = Enqueue("2.25.1");
  folder_sync.FailNextFolderSync();
  EXPECT_EQ(outbox_->Enqueue(Request("2.25.2"), At(0)).status().code(), ErrorCode::kIoError);
  ASSERT_EQ(outbox_->TakeDue(At(0), 10).size(), 1u);
  folder_sync.FailNextFolderSync();
  EXPECT_EQ(outbox_->ReportDelivered(id, At(1)).code(), ErrorCode::kIoError);
  EXPECT_EQ(Files(), std::set<std::string>{id + ".json"});

  Reopen();
  ASSERT_EQ(outbox_->List().size(), 1u);
  EXPECT_EQ(outbox_->Find(id)->state, OutboxState::kPending);
}

TEST_F(OutboxTest, ConcurrentEnqueueAndTakeDueTakeEachEntryOnce) {
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 15;
  std::atomic<int> producers_left{kProducers};
  std::mutex taken_mutex;
  std::vector<std::string> taken;
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        EXPECT_TRUE(outbox_->Enqueue(Request("2.25." + std::to_string(p * 1000 + i)), At(0)).ok());
      }
      --producers_left;
    });
  }
  for (int c = 0; c < 4; ++c) {
    threads.emplace_back([&] {
      for (;;) {
        const bool all_enqueued = producers_left.load() == 0;  // read before taking: nothing missed
        const auto batch = outbox_->TakeDue(At(0), 3);
        for (const auto& entry : batch) {
          {
            std::lock_guard lock(taken_mutex);
            taken.push_back(entry.id);
          }
          EXPECT_TRUE(outbox_->ReportDelivered(entry.id, At(1)).ok());
        }
        if (batch.empty() && all_enqueued) return;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(taken.size(), static_cast<std::size_t>(kProducers * kPerProducer));
  EXPECT_EQ(std::set<std::string>(taken.begin(), taken.end()).size(), taken.size());
  EXPECT_EQ(outbox_->Counts().delivered, taken.size());
}

TEST_F(OutboxTest, RetentionRemovesOnlyFinishedEntriesOlderThanTheCutoff) {
  const std::string old_delivered = Enqueue("2.25.1");
  const std::string old_dead = Enqueue("2.25.2");
  const std::string recent = Enqueue("2.25.3");
  const std::string pending = Enqueue("2.25.4");
  ASSERT_EQ(outbox_->TakeDue(At(0), 3).size(), 3u);
  ASSERT_TRUE(outbox_->ReportDelivered(old_delivered, At(100)).ok());
  ASSERT_TRUE(
      outbox_->ReportFailed(old_dead, Status::Error(ErrorCode::kPeerRejected, "no"), At(200)).ok());
  ASSERT_TRUE(outbox_->ReportDelivered(recent, At(300)).ok());

  auto removed = outbox_->ForgetFinishedBefore(At(300));
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2u);
  EXPECT_EQ(Files(), (std::set<std::string>{recent + ".json", pending + ".json"}));
  Reopen();
  EXPECT_EQ(outbox_->List().size(), 2u);
  EXPECT_FALSE(outbox_->Find(old_delivered));
}

TEST_F(OutboxTest, AStudyIsBusyWhileOneOfItsEntriesIsPending) {
  EXPECT_FALSE(outbox_->HasPendingFor("study-key"));
  const std::string first = Enqueue("2.25.1");
  const std::string second = Enqueue("2.25.2");
  EXPECT_TRUE(outbox_->HasPendingFor("study-key"));
  EXPECT_FALSE(outbox_->HasPendingFor("other-study"));
  ASSERT_EQ(outbox_->TakeDue(At(0), 2).size(), 2u);
  EXPECT_TRUE(outbox_->HasPendingFor("study-key"));  // in flight
  ASSERT_TRUE(outbox_->ReportDelivered(first, At(1)).ok());
  EXPECT_TRUE(outbox_->HasPendingFor("study-key"));
  ASSERT_TRUE(outbox_->ReportFailed(second, Status::Error(ErrorCode::kPeerRejected, "no"), At(2)).ok());
  EXPECT_FALSE(outbox_->HasPendingFor("study-key"));  // delivered and dead: nothing holds the files
}

TEST_F(OutboxTest, ForgetDeletesOnlyFinishedEntries) {
  const std::string id = Enqueue("2.25.1");
  EXPECT_EQ(outbox_->Forget(id).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(outbox_->Forget("nope").code(), ErrorCode::kNotFound);
  ASSERT_EQ(outbox_->TakeDue(At(0), 1).size(), 1u);
  ASSERT_TRUE(outbox_->ReportDelivered(id, At(1)).ok());
  ASSERT_TRUE(outbox_->Forget(id).ok());
  EXPECT_FALSE(outbox_->Find(id));
  EXPECT_TRUE(Files().empty());
}

TEST_F(OutboxTest, OpenRejectsAnInvalidPolicyNamingTheField) {
  const std::pair<OutboxPolicy, std::string> cases[] = {
      {OutboxPolicy{.max_attempts = 0}, "max_attempts"},
      {OutboxPolicy{.initial_backoff = Millis(0)}, "initial_backoff"},
      {OutboxPolicy{.max_backoff = Millis(-1)}, "max_backoff"},
      {OutboxPolicy{.multiplier = 0.5}, "multiplier"},
  };
  for (const auto& [policy, field] : cases) {
    auto opened = Outbox::Open(dir(), policy, faulty_);
    ASSERT_FALSE(opened.ok()) << field;
    EXPECT_EQ(opened.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(opened.status().message().find(field), std::string::npos)
        << opened.status().message();
  }
}

TEST_F(OutboxTest, OpenCreatesMissingFolders) {
  auto opened = Outbox::Open((root_ / "a" / "b" / "outbox").string(), OutboxPolicy{}, faulty_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_TRUE(fs::is_directory(root_ / "a" / "b" / "outbox"));
}

}  // namespace
}  // namespace alveo::spool
