// SPDX-License-Identifier: Apache-2.0
// The DICOM storage SCP: one accept thread (scp-accept) and a fixed pool of association threads
// (scp-1..N, N = max_associations). An association beyond the limit is rejected at once (transient,
// local limit exceeded) instead of queueing. Verification (C-ECHO) and Storage (C-STORE) only.
// DCMTK types stay inside net/. Lifecycle: Start() binds, Run() starts threads, Stop() stops
// accepting, lets in-flight associations finish (idle ones are aborted after a short grace) and
// joins. Thread-safety: Start/Run/Stop from one controlling thread; counters from any thread.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/error_code.h"
#include "core/ports.h"
#include "core/settings.h"
#include "core/status.h"
#include "spool/spool.h"

struct T_ASC_Network;
struct T_ASC_Association;

namespace alveo::net {

class AssociationPolicy;
class StoreHandler;

struct ScpCounters {
  std::atomic<std::uint64_t> associations_accepted{0};
  std::atomic<std::uint64_t> associations_rejected{0};
  std::atomic<std::uint64_t> associations_aborted{0};
  // C-STORE requests answered, by the error code of the answer (kOk = success, stored or duplicate).
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(ErrorCode::kCount)> stores_by_code{};
  std::atomic<std::uint64_t> stores_duplicate{0};  // also counted under kOk
};

class StorageScp {
 public:
  StorageScp(const DicomSettings& settings, spool::Spool& spool, InstanceSink& sink, const Clock& clock);
  ~StorageScp();
  StorageScp(const StorageScp&) = delete;
  StorageScp& operator=(const StorageScp&) = delete;

  // Opens the listening socket. kIoError (message names address and port) when it cannot bind.
  Status Start();
  int port() const { return port_; }
  void Run();
  // Idempotent. Returns after every association thread has finished.
  void Stop();

  int active_associations() const { return active_.load(); }
  const ScpCounters& counters() const { return counters_; }

 private:
  struct Pending {
    T_ASC_Association* assoc;
    std::uint64_t id;
  };
  void AcceptLoop();
  void AcceptOne();
  void WorkerLoop(int index);
  void Serve(T_ASC_Association* assoc, std::uint64_t id);
  Status ReplaceListenSocket();
  void CloseListenSocket();

  const DicomSettings& settings_;
  spool::Spool& spool_;
  InstanceSink& sink_;
  std::unique_ptr<AssociationPolicy> policy_;
  std::unique_ptr<StoreHandler> store_;

  T_ASC_Network* network_ = nullptr;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  int port_ = 0;

  std::atomic<bool> stopping_{false};
  std::atomic<int> active_{0};
  std::atomic<std::uint64_t> next_id_{1};
  ScpCounters counters_;

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<Pending> queue_;  // guarded by mutex_
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

}  // namespace alveo::net
