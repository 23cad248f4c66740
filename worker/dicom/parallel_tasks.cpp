// SPDX-License-Identifier: Apache-2.0
#include "dicom/parallel_tasks.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace alveo::dicom::internal {

int WorkerCount(std::size_t count, int threads) {
  const std::size_t wanted = static_cast<std::size_t>(std::max(threads, 1));
  return static_cast<int>(std::max<std::size_t>(1, std::min(wanted, count)));
}

Status RunTasks(std::size_t count, int threads,
                const std::function<Status(std::size_t index, int worker)>& task) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::size_t failed_index = std::numeric_limits<std::size_t>::max();
  Status failure;
  auto work = [&](int worker) {
    while (!failed.load(std::memory_order_relaxed)) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      Status s;
      try {
        s = task(i, worker);
      } catch (const std::exception& e) {
        s = Status::Error(ErrorCode::kInternal, std::string("decoder threw: ") + e.what());
      }
      if (!s.ok()) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (i < failed_index) {
          failed_index = i;
          failure = std::move(s);
        }
        failed.store(true);
      }
    }
  };
  const int workers = WorkerCount(count, threads);
  if (workers == 1) {
    work(0);
    return failure;
  }
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(workers));
  for (int w = 0; w < workers; ++w) pool.emplace_back(work, w);
  for (std::thread& t : pool) t.join();
  return failure;
}

}  // namespace alveo::dicom::internal
