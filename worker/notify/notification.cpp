// SPDX-License-Identifier: Apache-2.0
#include "notify/notification.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "core/json_text.h"
#include "core/sha256.h"

namespace alveo::notify {
namespace {

struct PriorityRow {
  Priority priority;
  std::string_view name;
  std::string_view hl7;  // HL7 table 0027
};
constexpr std::array<PriorityRow, 4> kPriorities{{
    {Priority::kNone, "", ""},
    {Priority::kRoutine, "ROUTINE", "R"},
    {Priority::kAsap, "ASAP", "A"},
    {Priority::kStat, "STAT", "S"},
}};

// Local codes (coding system "L") for what no standard code names; the Study Instance UID uses
// DCM 110180 (PS3.16 Annex D).
constexpr char kServiceCode[] = "ALVEO-DPH^Diffuse pulmonary hemorrhage pattern screen^L";
constexpr char kStatusCode[] = "ALVEO-STATUS^Alveo result^L";
constexpr char kReasonCode[] = "ALVEO-REASON^Reason not analysable^L";
constexpr char kCertaintyCode[] =
    "ALVEO-CERTAINTY^Certainty of a diffuse pulmonary hemorrhage pattern^L";
constexpr char kDifferentialCode[] = "ALVEO-DIFF1^Most likely cause^L";
constexpr char kOpacityCode[] = "ALVEO-OPACITY^Lung opacity^L";
constexpr char kStudyUidCode[] = "110180^Study Instance UID^DCM";
constexpr char kSrUidCode[] = "ALVEO-SR-UID^SR SOP Instance UID^L";
constexpr char kPercentUnit[] = "%^percent^UCUM";
constexpr char kSegmentEnd = '\r';  // HL7 v2 segment terminator (2.5.1 section 2.5.3)

double RoundToTenth(double value) { return std::round(value * 10.0) / 10.0; }

std::string Decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

std::tm UtcParts(TimePoint t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  return parts;
}

int MillisOf(TimePoint t) {
  const std::int64_t ms = ToUnixMillis(t) % 1000;
  return static_cast<int>(ms < 0 ? ms + 1000 : ms);
}

// RFC 3339, UTC: 2024-01-02T10:15:00.123Z
std::string Rfc3339(TimePoint t) {
  const std::tm p = UtcParts(t);
  char text[96];  // room for any int, so the compiler can prove nothing is cut
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", p.tm_year + 1900,
                p.tm_mon + 1, p.tm_mday, p.tm_hour, p.tm_min, p.tm_sec, MillisOf(t));
  return text;
}

// HL7 DTM with milliseconds and offset: 20240102101500.123+0000
std::string Hl7Time(TimePoint t) {
  const std::tm p = UtcParts(t);
  char text[96];  // room for any int, so the compiler can prove nothing is cut
  std::snprintf(text, sizeof text, "%04d%02d%02d%02d%02d%02d.%03d+0000", p.tm_year + 1900,
                p.tm_mon + 1, p.tm_mday, p.tm_hour, p.tm_min, p.tm_sec, MillisOf(t));
  return text;
}

std::string HexPrefix(std::initializer_list<std::string_view> fields, std::size_t bytes) {
  Sha256 hash;
  bool first = true;
  for (const std::string_view field : fields) {
    if (!first) hash.Update(std::string_view("\0", 1));  // no field list can imitate another
    hash.Update(field);
    first = false;
  }
  const Sha256::Digest digest = hash.Finish();
  return ToHex(digest.data(), bytes);
}

// ---- JSON (hand-written: fixed keys, so the body is byte-identical on every retry)

class JsonObjectWriter {
 public:
  void Text(std::string_view key, std::string_view value) {
    Key(key);
    AppendJsonString(out_, value);
  }
  void TextOrNull(std::string_view key, std::string_view value) {
    if (value.empty()) return Raw(key, "null");
    Text(key, value);
  }
  void Raw(std::string_view key, std::string_view json) {
    Key(key);
    out_ += json;
  }
  std::string Finish() { return out_ + "}"; }

 private:
  void Key(std::string_view key) {
    out_ += out_.size() == 1 ? "" : ",";
    AppendJsonString(out_, key);
    out_ += ':';
  }
  std::string out_ = "{";
};

std::string CodedJson(const std::optional<CodedConcept>& concept_value) {
  if (!concept_value) return "null";
  JsonObjectWriter coded;
  coded.Text("code", concept_value->code);
  coded.Text("scheme", concept_value->scheme);
  coded.Text("meaning", concept_value->meaning);
  return coded.Finish();
}

// ---- HL7 segments

std::string Segment(const std::vector<std::string>& fields) {
  std::string segment;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) segment += '|';
    segment += fields[i];
  }
  return segment + kSegmentEnd;
}

// TQ with only component 6 (priority) set; empty when no priority is requested.
std::string QuantityTiming(Priority priority) {
  const std::string_view code = Hl7PriorityCode(priority);
  return code.empty() ? std::string() : "^^^^^" + std::string(code);
}

class ObxWriter {
 public:
  ObxWriter(std::string& message, std::string observed_at)
      : message_(message), observed_at_(std::move(observed_at)) {}
  // `value` and `units` are already encoded (escaped, components joined).
  void Add(std::string_view type, std::string_view identifier, const std::string& value,
           std::string_view units = "", std::string_view abnormal_flag = "") {
    message_ += Segment({"OBX", std::to_string(++set_id_), std::string(type),
                         std::string(identifier), "", value, std::string(units), "",
                         std::string(abnormal_flag), "", "", "F", "", "", observed_at_});
  }

 private:
  std::string& message_;
  const std::string observed_at_;
  int set_id_ = 0;
};

}  // namespace

std::string_view PriorityName(Priority priority) {
  return kPriorities.at(static_cast<std::size_t>(priority)).name;
}

std::optional<Priority> ParsePriority(std::string_view name) {
  for (const auto& row : kPriorities) {
    if (row.name == name) return row.priority;
  }
  return std::nullopt;
}

std::string_view Hl7PriorityCode(Priority priority) {
  return kPriorities.at(static_cast<std::size_t>(priority)).hl7;
}

Priority MapPriority(classifier::ResultStatus status, double certainty,
                     const NotifyPrioritySettings& thresholds) {
  // Never lower a priority: only a flagged study asks for one. Not flagged / not analysable
  // results leave the priority empty, never "routine".
  if (status != classifier::ResultStatus::kFlagged) return Priority::kNone;
  if (certainty >= thresholds.stat_min_certainty) return Priority::kStat;
  if (certainty >= thresholds.asap_min_certainty) return Priority::kAsap;
  return Priority::kRoutine;
}

Priority NeverLower(Priority mapped, Priority already_requested) {
  return mapped >= already_requested ? mapped : Priority::kNone;
}

std::string NotificationId(std::string_view study_instance_uid, int study_version,
                           std::string_view sr_uid, std::string_view rule_version,
                           classifier::ResultStatus status) {
  const std::string version = std::to_string(study_version);
  return HexPrefix({"alveo-notification-1", study_instance_uid, version, sr_uid, rule_version,
                    classifier::StatusName(status)},
                   16);
}

Notification BuildNotification(const StudyManifest& manifest,
                               const classifier::ClassificationResult& result,
                               const std::string& sr_sop_instance_uid,
                               const NotifyPrioritySettings& thresholds, TimePoint now) {
  Notification n;
  n.id = NotificationId(manifest.study_instance_uid, manifest.version, sr_sop_instance_uid,
                        result.rule_version, result.status);
  n.study_instance_uid = manifest.study_instance_uid;
  n.study_key = manifest.study_key;
  n.study_version = manifest.version;
  for (const auto& instance : manifest.instances) {
    if (n.accession_number.empty()) n.accession_number = instance.meta.accession_number;
    if (n.modality.empty()) n.modality = instance.meta.modality;
  }
  if (!result.modality.empty()) n.modality = result.modality;
  n.status = result.status;
  if (result.status == classifier::ResultStatus::kNotAnalysable)
    n.reason = classifier::ReasonName(result.reason);
  n.certainty = RoundToTenth(result.certainty);
  if (result.total) n.opacity_percent = RoundToTenth(result.total->opacity_percent);
  if (!result.differential.empty()) {
    const auto& top = result.differential.front();
    n.top_differential = CodedConcept{top.code, top.scheme, top.meaning};
  }
  n.priority = MapPriority(result.status, n.certainty, thresholds);
  n.sr_sop_instance_uid = sr_sop_instance_uid;
  n.created_at = FromUnixMillis(ToUnixMillis(now));
  return n;
}

std::string_view EventName(const Notification& notification) {
  return notification.status == classifier::ResultStatus::kFlagged ? "study.flagged"
                                                                   : "study.result";
}

std::string WebhookBody(const Notification& n) {
  JsonObjectWriter body;
  body.Text("event", EventName(n));
  body.Text("id", n.id);
  body.Text("study_instance_uid", n.study_instance_uid);
  body.Text("study_key", n.study_key);
  body.Text("accession_number", n.accession_number);
  body.Text("modality", n.modality);
  body.Text("status", classifier::StatusName(n.status));
  body.TextOrNull("reason", n.reason);
  body.Raw("certainty", Decimal(n.certainty));
  // null for every result that is not flagged: we never ask to lower a priority.
  body.TextOrNull("priority", PriorityName(n.priority));
  body.Raw("top_differential", CodedJson(n.top_differential));
  body.Raw("opacity_percent", n.opacity_percent ? Decimal(*n.opacity_percent) : "null");
  body.TextOrNull("sr_sop_instance_uid", n.sr_sop_instance_uid);
  body.Text("created_at", Rfc3339(n.created_at));
  return body.Finish();
}

std::string Hl7ControlId(std::string_view notification_id, std::string_view channel_name) {
  return HexPrefix({notification_id, channel_name}, 10);
}

std::string Hl7Escape(std::string_view text) {
  static constexpr std::string_view kDelimiters =
      "\\|^&~";  // escape, field, component, sub, repeat
  static constexpr std::string_view kEscapeLetters = "EFSTR";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (const std::size_t at = kDelimiters.find(c); at != std::string_view::npos) {
      ((out += '\\') += kEscapeLetters[at]) += '\\';
    } else if (byte < 0x20 || byte == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\X%02X\\", static_cast<unsigned>(byte));
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

std::string BuildOruR01(const Notification& n, const Hl7Settings& channel) {
  const std::string at = Hl7Time(n.created_at);
  const std::string accession = Hl7Escape(n.accession_number);
  // Never lower a priority: for kNone (every result that is not flagged) ORC-7 and OBR-27 stay
  // empty.
  const std::string timing = QuantityTiming(n.priority);
  std::string message;
  // MSH-1 is the field separator itself, so the vector starts at MSH-2 after "MSH".
  message += Segment({"MSH", "^~\\&", Hl7Escape(channel.sending_application),
                      Hl7Escape(channel.sending_facility), Hl7Escape(channel.receiving_application),
                      Hl7Escape(channel.receiving_facility), at, "", "ORU^R01^ORU_R01",
                      Hl7ControlId(n.id, channel.name), "P", "2.5.1", "", "", "", "", "",
                      "UNICODE UTF-8"});
  message += Segment({"ORC", "RE", "", accession, "", "CM", "", timing});
  std::vector<std::string> obr{"OBR", "1", "", accession, kServiceCode, "", "", at};
  obr.resize(28);  // OBR-0 .. OBR-27
  obr[22] = at;    // results report / status change
  obr[25] = "F";   // final
  obr[27] = timing;
  message += Segment(obr);

  ObxWriter obx(message, at);
  const bool analysable = n.status != classifier::ResultStatus::kNotAnalysable;
  const std::string_view abnormal = !analysable                                      ? ""
                                    : n.status == classifier::ResultStatus::kFlagged ? "A"
                                                                                     : "N";
  obx.Add("ST", kStatusCode, Hl7Escape(classifier::StatusName(n.status)), "", abnormal);
  if (!n.reason.empty()) obx.Add("ST", kReasonCode, Hl7Escape(n.reason));
  if (analysable) obx.Add("NM", kCertaintyCode, Decimal(n.certainty), kPercentUnit);
  if (n.top_differential) {
    const CodedConcept& top = *n.top_differential;
    obx.Add("CWE", kDifferentialCode,
            Hl7Escape(top.code) + "^" + Hl7Escape(top.meaning) + "^" + Hl7Escape(top.scheme));
  }
  if (n.opacity_percent) obx.Add("NM", kOpacityCode, Decimal(*n.opacity_percent), kPercentUnit);
  obx.Add("ST", kStudyUidCode, Hl7Escape(n.study_instance_uid));
  if (!n.sr_sop_instance_uid.empty()) obx.Add("ST", kSrUidCode, Hl7Escape(n.sr_sop_instance_uid));
  return message;
}

}  // namespace alveo::notify
