// SPDX-License-Identifier: Apache-2.0
// Internal to the dicom module (std only): runs numbered tasks on a few std::threads, taking them
// in increasing order and stopping after the first failure, so the error reported is always the
// one of the lowest failing index whatever the thread count.
// Thread-safety: RunTasks blocks until every started task has finished.
#pragma once

#include <cstddef>
#include <functional>

#include "core/status.h"

namespace alveo::dicom::internal {

// task(index, worker) with worker in [0, workers); workers = min(threads, count), at least 1.
// With one worker everything runs on the calling thread.
Status RunTasks(std::size_t count, int threads,
                const std::function<Status(std::size_t index, int worker)>& task);

// How many workers RunTasks will use.
int WorkerCount(std::size_t count, int threads);

}  // namespace alveo::dicom::internal
