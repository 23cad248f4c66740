// SPDX-License-Identifier: Apache-2.0
#include "core/metrics.h"

#include <cmath>
#include <cstdio>

namespace alveo {
namespace {

std::string Number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char text[32];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(text, sizeof text, "%.0f", value);
  } else {
    std::snprintf(text, sizeof text, "%.9g", value);
  }
  return text;
}

void AppendLabels(std::string& out, const Labels& labels) {
  if (labels.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += key;
    out += "=\"";
    for (const char c : value) {
      if (c == '\\' || c == '"') {
        out += '\\';
        out += c;
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += '}';
}

}  // namespace

void Histogram::Observe(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  std::size_t bucket = 0;
  while (bucket < kBounds.size() && seconds > kBounds[bucket]) ++bucket;
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6 + 0.5), std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative[i] = running;
  }
  snapshot.sum_seconds = static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
  return snapshot;
}

void PrometheusText::Family(std::string_view name, std::string_view type, std::string_view help) {
  text_.append("# HELP ").append(name).append(" ").append(help).append("\n");
  text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void PrometheusText::Sample(std::string_view name, double value, const Labels& labels) {
  text_.append(name);
  AppendLabels(text_, labels);
  text_.append(" ").append(Number(value)).append("\n");
}

void PrometheusText::HistogramSamples(std::string_view name, const Histogram::Snapshot& snapshot,
                                      const Labels& labels) {
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i <= Histogram::kBounds.size(); ++i) {
    Labels with_le = labels;
    with_le.emplace_back("le", i < Histogram::kBounds.size() ? Number(Histogram::kBounds[i]) : "+Inf");
    Sample(bucket, static_cast<double>(snapshot.cumulative[i]), with_le);
  }
  Sample(std::string(name) + "_sum", snapshot.sum_seconds, labels);
  Sample(std::string(name) + "_count", static_cast<double>(snapshot.cumulative.back()), labels);
}

}  // namespace alveo
