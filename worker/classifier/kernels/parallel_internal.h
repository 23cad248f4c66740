// SPDX-License-Identifier: Apache-2.0
// Internal to the kernels module: splits [0, count) into contiguous chunks run on std::threads.
// Thread-safety: the body runs concurrently on disjoint chunks and must only write data that its
// chunk owns. Ownership: threads are created and joined inside the call; nothing outlives it.
#pragma once

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace alveo::kernels::internal {

// Number of chunks ParallelChunks uses: min(threads, count), at least 1.
inline int ChunkCount(int count, int threads) {
  return std::max(1, std::min(std::max(threads, 1), count));
}

// Calls body(chunk, begin, end) for ChunkCount(count, threads) contiguous, ordered chunks; chunk 0
// runs on the calling thread. The first exception thrown by any chunk is rethrown after all joined.
template <typename Body>
void ParallelChunks(int count, int threads, Body&& body) {
  const int chunks = ChunkCount(count, threads);
  auto bound = [count, chunks](int chunk) {
    return static_cast<int>(static_cast<long long>(count) * chunk / chunks);
  };
  if (chunks == 1) {
    body(0, 0, count);
    return;
  }
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(chunks));
  auto run = [&](int chunk) {
    try {
      body(chunk, bound(chunk), bound(chunk + 1));
    } catch (...) {
      errors[static_cast<std::size_t>(chunk)] = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(chunks - 1));
  for (int chunk = 1; chunk < chunks; ++chunk) workers.emplace_back(run, chunk);
  run(0);
  for (std::thread& worker : workers) worker.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

// Calls body(begin, end) over [0, count) split as in ParallelChunks.
template <typename Body>
void ParallelFor(int count, int threads, Body&& body) {
  ParallelChunks(count, threads, [&body](int, int begin, int end) { body(begin, end); });
}

}  // namespace alveo::kernels::internal
