// SPDX-License-Identifier: Apache-2.0
// Logging facade: levels per category, one line per record, PHI-free by convention (log study keys,
// never patient names; UIDs only at DEBUG). The backend is a sink function installed once at start;
// the default writes to stderr. Thread-safety: Configure() before threads start; logging from any thread.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace alveo::log {

enum class Level { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };
enum class Category { kApp = 0, kConfig, kNet, kSpool, kStudy, kPipeline, kHttp, kDicom, kReport, kDelivery, kCount };

std::string_view LevelName(Level level);
std::optional<Level> ParseLevel(std::string_view text);
std::string_view CategoryName(Category category);
std::optional<Category> ParseCategory(std::string_view text);

struct Record {
  Level level;
  Category category;
  std::string_view thread;
  std::string_view message;
};
using Sink = std::function<void(const Record&)>;

// One record as a log line (without the newline): "2026-11-28T01:02:03.456Z info  net      [scp-1] ...".
std::string FormatLine(const Record& record);

// Sets the level of every category, then the per-category overrides.
void Configure(Level default_level,
               const std::array<std::optional<Level>, static_cast<int>(Category::kCount)>& overrides);
// Replaces the output; pass nullptr to restore the stderr writer.
void SetSink(Sink sink);
bool Enabled(Category category, Level level);
void Write(Category category, Level level, const std::string& message);

// Streams one record; the macro below skips all formatting when the level is disabled.
class Line {
 public:
  Line(Category category, Level level) : category_(category), level_(level) {}
  ~Line() { Write(category_, level_, stream_.str()); }
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  std::ostringstream& stream() { return stream_; }

 private:
  Category category_;
  Level level_;
  std::ostringstream stream_;
};

}  // namespace alveo::log

// ALVEO_LOG(kInfo, kNet) << "association " << id << " accepted";
#define ALVEO_LOG(level, category)                                                           \
  if (!::alveo::log::Enabled(::alveo::log::Category::category, ::alveo::log::Level::level)) \
    ;                                                                                        \
  else                                                                                       \
    ::alveo::log::Line(::alveo::log::Category::category, ::alveo::log::Level::level).stream()
