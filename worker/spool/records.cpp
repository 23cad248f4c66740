// SPDX-License-Identifier: Apache-2.0
#include "spool/records.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <string>

namespace alveo::spool {
namespace {

std::string FormatDouble(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

template <std::size_t N>
std::string JoinDoubles(const std::array<double, N>& values) {
  std::string text;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) text += ',';
    text += FormatDouble(values[i]);
  }
  return text;
}

std::optional<double> ParseDouble(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return std::nullopt;
  return value;
}

template <std::size_t N>
std::optional<std::array<double, N>> SplitDoubles(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::array<double, N> values{};
  std::size_t start = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const std::size_t end = i + 1 < N ? text.find(',', start) : text.size();
    if (end == std::string::npos) return std::nullopt;
    const auto value = ParseDouble(text.substr(start, end - start));
    if (!value) return std::nullopt;
    values[i] = *value;
    start = end + 1;
  }
  return values;
}

std::optional<long long> ParseInt(const std::string& text) {
  long long value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

void AddOptionalInt(JournalRecord& record, const char* key, const std::optional<int>& value) {
  if (value) record.Add(key, std::to_string(*value));
}

std::optional<int> GetOptionalInt(const JournalRecord& record, const char* key) {
  const auto value = ParseInt(record.Get(key));
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

// Field names of the string attributes of InstanceMeta, in one table for both directions.
struct StringField {
  const char* key;
  std::string InstanceMeta::*member;
};
constexpr StringField kStringFields[] = {
    {"sop_class", &InstanceMeta::sop_class_uid},
    {"sop", &InstanceMeta::sop_instance_uid},
    {"study", &InstanceMeta::study_instance_uid},
    {"series", &InstanceMeta::series_instance_uid},
    {"ts", &InstanceMeta::transfer_syntax_uid},
    {"modality", &InstanceMeta::modality},
    {"body_part", &InstanceMeta::body_part_examined},
    {"study_desc", &InstanceMeta::study_description},
    {"series_desc", &InstanceMeta::series_description},
    {"protocol", &InstanceMeta::protocol_name},
    {"image_type", &InstanceMeta::image_type},
    {"view", &InstanceMeta::view_position},
    {"accession", &InstanceMeta::accession_number},
    {"study_date", &InstanceMeta::study_date},
    {"patient_position", &InstanceMeta::patient_position},
};

struct IntField {
  const char* key;
  std::optional<int> InstanceMeta::*member;
};
constexpr IntField kIntFields[] = {
    {"instance_number", &InstanceMeta::instance_number},
    {"acquisition", &InstanceMeta::acquisition_number},
    {"images_in_acq", &InstanceMeta::images_in_acquisition},
    {"frames", &InstanceMeta::number_of_frames},
};

std::optional<CompletionReason> ParseReason(const std::string& text) {
  for (int i = 0; i < 4; ++i) {
    const auto reason = static_cast<CompletionReason>(i);
    if (CompletionReasonName(reason) == text) return reason;
  }
  return std::nullopt;
}

}  // namespace

JournalRecord ToRecord(const StoredInstance& instance) {
  JournalRecord record;
  record.type = std::string(kInstanceRecord);
  const InstanceMeta& meta = instance.meta;
  for (const auto& field : kStringFields) {
    if (!(meta.*field.member).empty()) record.Add(field.key, meta.*field.member);
  }
  for (const auto& field : kIntFields) AddOptionalInt(record, field.key, meta.*field.member);
  if (meta.image_position) record.Add("ipp", JoinDoubles(*meta.image_position));
  if (meta.image_orientation) record.Add("iop", JoinDoubles(*meta.image_orientation));
  if (meta.slice_thickness) record.Add("thickness", FormatDouble(*meta.slice_thickness));
  record.Add("rows", std::to_string(meta.rows));
  record.Add("cols", std::to_string(meta.columns));
  record.Add("file", instance.file);
  record.Add("size", std::to_string(instance.size_bytes));
  record.Add("calling_ae", instance.provenance.calling_ae);
  record.Add("peer", instance.provenance.peer_host);
  record.Add("assoc", std::to_string(instance.provenance.association_id));
  record.Add("t", std::to_string(ToUnixMillis(instance.provenance.received_at)));
  return record;
}

std::optional<StoredInstance> InstanceFromRecord(const JournalRecord& record,
                                                 const std::string& study_key) {
  if (record.type != kInstanceRecord) return std::nullopt;
  StoredInstance instance;
  InstanceMeta& meta = instance.meta;
  for (const auto& field : kStringFields) meta.*field.member = record.Get(field.key);
  for (const auto& field : kIntFields) meta.*field.member = GetOptionalInt(record, field.key);
  meta.image_position = SplitDoubles<3>(record.Get("ipp"));
  meta.image_orientation = SplitDoubles<6>(record.Get("iop"));
  meta.slice_thickness = ParseDouble(record.Get("thickness"));
  meta.rows = GetOptionalInt(record, "rows").value_or(0);
  meta.columns = GetOptionalInt(record, "cols").value_or(0);
  instance.file = record.Get("file");
  instance.size_bytes = static_cast<std::uint64_t>(ParseInt(record.Get("size")).value_or(0));
  instance.provenance.calling_ae = record.Get("calling_ae");
  instance.provenance.peer_host = record.Get("peer");
  instance.provenance.association_id =
      static_cast<std::uint64_t>(ParseInt(record.Get("assoc")).value_or(0));
  instance.provenance.received_at = FromUnixMillis(ParseInt(record.Get("t")).value_or(0));
  instance.study_key = study_key;
  if (meta.sop_instance_uid.empty() || instance.file.empty()) return std::nullopt;
  return instance;
}

JournalRecord ToRecord(const StudyEvent& event) {
  JournalRecord record;
  record.type = std::string(EventTypeName(event.type));
  record.Add("version", std::to_string(event.version));
  record.Add("t", std::to_string(ToUnixMillis(event.at)));
  if (event.type == StudyEventType::kComplete) {
    record.Add("reason", std::string(CompletionReasonName(event.reason)));
    record.Add("count", std::to_string(event.instance_count));
  }
  if (!event.detail.empty()) record.Add("detail", event.detail);
  return record;
}

std::optional<StudyEvent> EventFromRecord(const JournalRecord& record) {
  StudyEvent event;
  bool known = false;
  for (int i = 0; i < 4; ++i) {
    const auto type = static_cast<StudyEventType>(i);
    if (EventTypeName(type) == record.type) {
      event.type = type;
      known = true;
    }
  }
  const auto version = ParseInt(record.Get("version"));
  if (!known || !version) return std::nullopt;
  event.version = static_cast<int>(*version);
  event.at = FromUnixMillis(ParseInt(record.Get("t")).value_or(0));
  event.reason = ParseReason(record.Get("reason")).value_or(CompletionReason::kQuietPeriod);
  event.detail = record.Get("detail");
  event.instance_count = static_cast<std::size_t>(ParseInt(record.Get("count")).value_or(0));
  return event;
}

}  // namespace alveo::spool
