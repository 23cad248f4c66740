// SPDX-License-Identifier: Apache-2.0
#include "classifier/result_json.h"

#include <cmath>
#include <cstdio>

#include "core/json_text.h"

namespace alveo::classifier {
namespace {

// A tiny structured writer: handles commas, indentation and key quoting.
class JsonOut {
 public:
  explicit JsonOut(bool pretty) : pretty_(pretty) {}

  void BeginObject(const char* key = nullptr) { Open(key, '{'); }
  void EndObject() { Close('}'); }
  void BeginArray(const char* key = nullptr) { Open(key, '['); }
  void EndArray() { Close(']'); }
  void String(const char* key, std::string_view value) {
    Key(key);
    AppendJsonString(out_, value);
  }
  void Number(const char* key, double value) {
    Key(key);
    if (!std::isfinite(value)) {
      out_ += "null";
      return;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", value);
    // %g can print 1e+03 style; keep plain decimals for readability where exact.
    if (std::abs(value) < 1e7 && value == std::round(value)) std::snprintf(text, sizeof text, "%.0f", value);
    out_ += text;
  }
  void Null(const char* key) {
    Key(key);
    out_ += "null";
  }
  void Bool(const char* key, bool value) {
    Key(key);
    out_ += value ? "true" : "false";
  }
  std::string Take() { return std::move(out_); }

 private:
  void Newline() {
    if (!pretty_) return;
    out_ += '\n';
    out_.append(static_cast<std::size_t>(depth_) * 2, ' ');
  }
  void Key(const char* key) {
    if (!first_) out_ += ',';
    first_ = false;
    Newline();
    if (key != nullptr) {
      AppendJsonString(out_, key);
      out_ += pretty_ ? ": " : ":";
    }
  }
  void Open(const char* key, char bracket) {
    if (depth_ > 0 || key != nullptr) Key(key);
    out_ += bracket;
    ++depth_;
    first_ = true;
  }
  void Close(char bracket) {
    --depth_;
    if (!first_) Newline();
    out_ += bracket;
    first_ = false;
  }

  bool pretty_;
  std::string out_;
  int depth_ = 0;
  bool first_ = true;
};

void WriteLung(JsonOut& json, const char* key, const std::optional<LungMeasures>& lung) {
  if (!lung) {
    json.Null(key);
    return;
  }
  json.BeginObject(key);
  if (lung->volume_ml) {
    json.Number("volume_ml", *lung->volume_ml);
  } else {
    json.Null("volume_ml");
  }
  json.Number("ggo_percent", lung->ggo_percent);
  json.Number("consolidation_percent", lung->consolidation_percent);
  json.Number("opacity_percent", lung->opacity_percent);
  json.EndObject();
}

void WriteDifferential(JsonOut& json, const std::vector<DifferentialEntry>& entries) {
  json.BeginArray("differential");
  for (const auto& entry : entries) {
    json.BeginObject();
    json.Number("rank", entry.rank);
    json.String("code", entry.code);
    json.String("scheme", entry.scheme);
    json.String("meaning", entry.meaning);
    json.Number("score", entry.score);
    json.BeginArray("reasons");
    for (const auto& reason : entry.reasons) json.String(nullptr, reason);
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
}

void WritePairs(JsonOut& json, const char* key, const std::vector<std::pair<std::string, double>>& pairs) {
  json.BeginObject(key);
  for (const auto& [name, value] : pairs) json.Number(name.c_str(), value);
  json.EndObject();
}

}  // namespace

std::string ResultToJson(const ClassificationResult& result, bool pretty) {
  JsonOut json(pretty);
  json.BeginObject();
  json.String("study_instance_uid", result.study_instance_uid);
  json.String("modality", result.modality);
  json.String("status", StatusName(result.status));
  if (result.status == ResultStatus::kNotAnalysable) {
    json.String("reason", ReasonName(result.reason));
  } else {
    json.Null("reason");
  }
  json.String("reason_detail", result.reason_detail);
  json.Number("certainty", result.certainty);
  json.Bool("diffuse_bilateral", result.diffuse_bilateral);
  json.BeginArray("findings");
  for (const auto& finding : result.findings) json.String(nullptr, finding);
  json.EndArray();
  json.String("analysis", result.analysis);
  json.BeginObject("lungs");
  WriteLung(json, "right", result.right);
  WriteLung(json, "left", result.left);
  WriteLung(json, "total", result.total);
  json.EndObject();
  json.BeginArray("zones");
  for (const auto& zone : result.zones) {
    json.BeginObject();
    json.String("name", zone.name);
    json.Number("opacity_percent", zone.opacity_percent);
    json.Number("ggo_percent", zone.ggo_percent);
    json.Number("consolidation_percent", zone.consolidation_percent);
    json.EndObject();
  }
  json.EndArray();
  WritePairs(json, "features", result.features);
  WriteDifferential(json, result.differential);
  json.BeginArray("series_used");
  for (const auto& uid : result.series_used) json.String(nullptr, uid);
  json.EndArray();
  json.Number("instances_used", static_cast<double>(result.instances_used.size()));
  json.String("rule_version", result.rule_version);
  WritePairs(json, "timings_ms", result.timings_ms);
  json.EndObject();
  return json.Take();
}

}  // namespace alveo::classifier
