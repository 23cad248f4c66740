// SPDX-License-Identifier: Apache-2.0
// Metrics without a metrics library: a fixed-bucket latency histogram with atomic counters, and a
// writer for the Prometheus text exposition format (version 0.0.4) that the HTTP module serves as
// /metrics. Thread-safety: Histogram::Observe and Snapshot from any thread; PrometheusText is a
// plain value owned by one thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace alveo {

class Histogram {
 public:
  // Upper bounds in seconds (PS: Prometheus "le"), ascending; +Inf is implicit.
  static constexpr std::array<double, 12> kBounds{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  void Observe(double seconds);

  struct Snapshot {
    std::array<std::uint64_t, kBounds.size() + 1> cumulative{};  // last = +Inf = count
    double sum_seconds = 0;
  };
  Snapshot Read() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};  // non-cumulative
  std::atomic<std::uint64_t> sum_micros_{0};
};

using Labels = std::vector<std::pair<std::string, std::string>>;

// Builds the exposition text. Each metric family is declared once (HELP, TYPE) and then gets its
// samples; label values are escaped.
class PrometheusText {
 public:
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, double value, const Labels& labels = {});
  void HistogramSamples(std::string_view name, const Histogram::Snapshot& snapshot, const Labels& labels = {});
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace alveo
