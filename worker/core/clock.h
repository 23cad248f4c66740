// SPDX-License-Identifier: Apache-2.0
// Time as a port: production uses SystemClock, tests inject a fake. Wall-clock time points are used
// everywhere state is persisted (journals survive restarts); timers convert to steady durations.
// Thread-safety: implementations must be callable from any thread.
#pragma once

#include <chrono>
#include <cstdint>

namespace alveo {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

inline std::int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
inline TimePoint FromUnixMillis(std::int64_t ms) { return TimePoint(Millis(ms)); }

}  // namespace alveo
