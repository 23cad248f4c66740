// SPDX-License-Identifier: Apache-2.0
// ParallelFor: runs body(0..count-1) on a few short-lived threads that pull indices from a shared
// counter. Results must not depend on which thread ran an index (the phantom seeds every slice and
// row independently). The first exception thrown by a body is rethrown on the caller's thread.
// Thread-safety: body must be safe to call concurrently for distinct indices.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace alveo::phantom {

inline int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

template <typename Body>
void ParallelFor(int count, int threads, const Body& body) {
  const int workers = std::min(ResolveThreads(threads), std::max(1, count));
  std::atomic<int> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto run = [&] {
    for (int i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
      try {
        body(i);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next.store(count);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < workers; ++t) pool.emplace_back(run);
  run();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace alveo::phantom
