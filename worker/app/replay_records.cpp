// SPDX-License-Identifier: Apache-2.0
#include "app/replay_records.h"


#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "core/json_text.h"
#include "spool/file_system.h"

namespace alveo::app {
namespace {

constexpr int kRecordFormat = 1;

std::string FormatCertainty(double certainty) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", certainty);
  return text;
}

// The summary's fields of a row, as a JSON object on one line.
void AppendRowFields(std::string& out, const ReplayRow& row) {
  const auto field = [&](const char* key, const std::string& value, bool first = false) {
    if (!first) out += ", ";
    AppendJsonString(out, key);
    out += ": ";
    AppendJsonString(out, value);
  };
  field("study_key", row.study_key, true);
  field("study_instance_uid", row.study_instance_uid);
  field("modality", row.modality);
  field("status", row.status);
  field("reason", row.reason);
  out += ", \"certainty\": ";
  out += row.certainty ? FormatCertainty(*row.certainty) : "null";
  field("top_differential", row.top_differential);
  field("sr_sop_instance_uid", row.sr_sop_instance_uid);
  field("outcome", row.outcome);
  field("detail", row.detail);
}

void AppendCsvField(std::string& out, const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    out += value;
    return;
  }
  out += '"';
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

ReplayCounts CountRows(const std::vector<ReplayRow>& rows) {
  ReplayCounts counts;
  counts.studies = rows.size();
  for (const ReplayRow& row : rows) {
    if (row.outcome == kOutcomeProcessed) ++counts.processed;
    if (row.outcome == kOutcomeSkipped) ++counts.skipped;
    if (row.outcome == kOutcomeFailed) ++counts.failed;
    if (row.status == "flagged") ++counts.flagged;
    if (row.status == "not_flagged") ++counts.not_flagged;
    if (row.status == "not_analysable") ++counts.not_analysable;
  }
  return counts;
}

std::string ReplayRecordJson(const ReplayRow& row) {
  std::string out = "{\"format\": " + std::to_string(kRecordFormat) + ", ";
  AppendRowFields(out, row);
  out += ", \"input_uid\": ";
  AppendJsonString(out, row.input_uid);
  return out + "}\n";
}

Result<ReplayRow> ParseReplayRecord(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var parsed = parser.parse(text);
    const auto object = parsed.extract<Poco::JSON::Object::Ptr>();
    if (object.isNull() || object->optValue<int>("format", 0) != kRecordFormat) {
      return Status::Error(ErrorCode::kInvalidArgument, "not a replay record (format 1)");
    }
    const auto text_of = [&](const char* key) { return object->optValue<std::string>(key, ""); };
    ReplayRow row;
    row.study_key = text_of("study_key");
    row.study_instance_uid = text_of("study_instance_uid");
    row.modality = text_of("modality");
    row.status = text_of("status");
    row.reason = text_of("reason");
    if (object->has("certainty") && !object->isNull("certainty")) {
      row.certainty = object->getValue<double>("certainty");
    }
    row.top_differential = text_of("top_differential");
    row.sr_sop_instance_uid = text_of("sr_sop_instance_uid");
    row.outcome = text_of("outcome");
    row.detail = text_of("detail");
    row.input_uid = text_of("input_uid");
    if (row.study_instance_uid.empty() || row.input_uid.empty()) {
      return Status::Error(ErrorCode::kInvalidArgument, "replay record without study or input UID");
    }
    return row;
  } catch (const Poco::Exception& e) {
    return Status::Error(ErrorCode::kInvalidArgument, "not a replay record: " + e.displayText());
  }
}

std::string SummaryCsv(const std::vector<ReplayRow>& rows) {
  std::string out =
      "study_key,study_instance_uid,modality,status,reason,certainty,top_differential,sr_sop_instance_uid,"
      "outcome,detail\r\n";
  for (const ReplayRow& row : rows) {
    const std::string fields[] = {row.study_key,
                                  row.study_instance_uid,
                                  row.modality,
                                  row.status,
                                  row.reason,
                                  row.certainty ? FormatCertainty(*row.certainty) : "",
                                  row.top_differential,
                                  row.sr_sop_instance_uid,
                                  row.outcome,
                                  row.detail};
    bool first = true;
    for (const std::string& field : fields) {
      if (!first) out += ',';
      first = false;
      AppendCsvField(out, field);
    }
    out += "\r\n";
  }
  return out;
}

std::string SummaryJson(const std::vector<ReplayRow>& rows) {
  const ReplayCounts c = CountRows(rows);
  std::string out = "{\n  \"counts\": {\"studies\": " + std::to_string(c.studies) +
                    ", \"processed\": " + std::to_string(c.processed) + ", \"skipped\": " + std::to_string(c.skipped) +
                    ", \"failed\": " + std::to_string(c.failed) + ", \"flagged\": " + std::to_string(c.flagged) +
                    ", \"not_flagged\": " + std::to_string(c.not_flagged) +
                    ", \"not_analysable\": " + std::to_string(c.not_analysable) + "},\n  \"studies\": [";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out += i == 0 ? "\n    {" : ",\n    {";
    AppendRowFields(out, rows[i]);
    out += "}";
  }
  out += rows.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

Status WriteFileDurably(const std::string& path, const std::string& bytes) {
  return spool::WriteFileDurably(spool::PosixFileSystem::Default(), path, bytes);
}

std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) return std::nullopt;
  return content.str();
}

}  // namespace alveo::app
