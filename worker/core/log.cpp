// SPDX-License-Identifier: Apache-2.0
#include "core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "core/thread_name.h"

namespace alveo::log {
namespace {

constexpr std::array<std::string_view, 6> kLevelNames{"trace", "debug", "info", "warn", "error", "off"};
constexpr std::array<std::string_view, static_cast<int>(Category::kCount)> kCategoryNames{
    "app", "config", "net", "spool", "study", "pipeline", "http", "dicom", "report", "delivery"};

std::array<std::atomic<int>, static_cast<int>(Category::kCount)> g_levels{};
std::mutex g_sink_mutex;
Sink g_sink;  // guarded by g_sink_mutex; empty = stderr

void WriteStderr(const Record& record) {
  const std::string line = FormatLine(record);
  std::fprintf(stderr, "%s\n", line.c_str());
}

struct DefaultLevels {
  DefaultLevels() {
    for (auto& level : g_levels) level.store(static_cast<int>(Level::kInfo));
  }
} g_default_levels;

}  // namespace

std::string FormatLine(const Record& record) {
  using std::chrono::system_clock;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  char head[96];
  std::snprintf(head, sizeof head, "%s.%03dZ %-5.*s %-8.*s [", stamp, static_cast<int>(ms),
                static_cast<int>(LevelName(record.level).size()), LevelName(record.level).data(),
                static_cast<int>(CategoryName(record.category).size()), CategoryName(record.category).data());
  std::string line = head;
  line.append(record.thread).append("] ").append(record.message);
  return line;
}

std::string_view LevelName(Level level) { return kLevelNames[static_cast<int>(level)]; }

std::optional<Level> ParseLevel(std::string_view text) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == text) return static_cast<Level>(i);
  }
  if (text == "warning") return Level::kWarn;
  return std::nullopt;
}

std::string_view CategoryName(Category category) {
  return kCategoryNames[static_cast<int>(category)];
}

std::optional<Category> ParseCategory(std::string_view text) {
  for (std::size_t i = 0; i < kCategoryNames.size(); ++i) {
    if (kCategoryNames[i] == text) return static_cast<Category>(i);
  }
  return std::nullopt;
}

void Configure(Level default_level,
               const std::array<std::optional<Level>, static_cast<int>(Category::kCount)>& overrides) {
  for (std::size_t i = 0; i < g_levels.size(); ++i) {
    g_levels[i].store(static_cast<int>(overrides[i].value_or(default_level)));
  }
}

void SetSink(Sink sink) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = std::move(sink);
}

bool Enabled(Category category, Level level) {
  return static_cast<int>(level) >= g_levels[static_cast<int>(category)].load(std::memory_order_relaxed) &&
         level != Level::kOff;
}

void Write(Category category, Level level, const std::string& message) {
  const Record record{level, category, CurrentThreadName(), message};
  std::lock_guard lock(g_sink_mutex);
  if (g_sink) {
    g_sink(record);
  } else {
    WriteStderr(record);
  }
}

}  // namespace alveo::log
