// SPDX-License-Identifier: Apache-2.0
#include "config/sr_template_loader.h"

#include <array>
#include <fstream>
#include <sstream>
#include <utility>
#include <variant>
#include <vector>

#include "config/issue.h"
#include "config/json_value.h"
#include "config/settings_reader.h"

namespace alveo::config {
namespace {

using internal::Issue;
using internal::ObjectReader;
using internal::Presence;

inline constexpr std::array<internal::NamedValue<SrOutputClass>, 4> kOutputNames{{
    {"comprehensive_3d", SrOutputClass::kComprehensive3d},
    {"comprehensive", SrOutputClass::kComprehensive},
    {"enhanced", SrOutputClass::kEnhanced},
    {"basic_text", SrOutputClass::kBasicText},
}};

bool PrintableAscii(std::string_view value) {
  for (const char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Code Value (SH/UC) and Coding Scheme Designator (SH): 1-16 printable ASCII, no backslash.
std::string CheckCodeValue(std::string_view value) {
  if (value.empty() || value.size() > 16) return "must be 1 to 16 characters";
  if (!PrintableAscii(value) || value.find('\\') != std::string_view::npos) {
    return "must be printable ASCII without backslash";
  }
  return "";
}

// Characters of UTF-8 text (bytes that do not continue a sequence).
std::size_t Utf8Length(std::string_view value) {
  std::size_t n = 0;
  for (const char c : value) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Code Meaning (LO): 1-64 characters, no backslash or control characters (UTF-8 allowed).
std::string CheckMeaning(std::string_view value) {
  if (value.empty() || Utf8Length(value) > 64) return "must be 1 to 64 characters";
  for (const char c : value) {
    if (c == '\\' || (static_cast<unsigned char>(c) < 0x20))
      return "must not hold backslash or control characters";
  }
  return "";
}

// Wording and names: non-empty, no control characters except line breaks (UTF-8 allowed).
std::string CheckText(std::string_view value) {
  if (value.empty()) return "must not be empty";
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n')
      return "must not hold control characters";
  }
  return "";
}

// Text that becomes a Long String attribute (Series Description, Manufacturer, ...): at most 64
// characters, no backslash (PS3.5 6.2 LO).
std::string CheckLongString(std::string_view value) {
  if (std::string problem = CheckText(value); !problem.empty()) return problem;
  if (Utf8Length(value) > 64) return "must be at most 64 characters (DICOM LO)";
  if (value.find('\\') != std::string_view::npos || value.find('\n') != std::string_view::npos) {
    return "must not hold backslash or line breaks";
  }
  return "";
}

// Identifiers that enter UID derivation and logs: 1-64 printable ASCII.
std::string CheckIdentifier(std::string_view value) {
  if (value.empty() || value.size() > 64 || !PrintableAscii(value))
    return "must be 1 to 64 printable ASCII characters";
  return "";
}

void Concept(ObjectReader& r, std::string_view name, CodedConcept& out) {
  r.Section(name, [&](ObjectReader& c) {
    c.String("value", out.value, CheckCodeValue, Presence::kRequired);
    c.String("scheme", out.scheme, CheckCodeValue, Presence::kRequired);
    c.String("meaning", out.meaning, CheckMeaning, Presence::kRequired);
  });
}

// Every code of the template by key, for reading and for the completeness check (one list).
template <typename Codes>
auto CodeFields(Codes& c) {
  using Field = std::pair<const char*, decltype(&c.lung)>;
  return std::array<Field, 23>{{
      {"procedure_ct", &c.procedure_ct},
      {"procedure_xr", &c.procedure_xr},
      {"lung", &c.lung},
      {"right", &c.right},
      {"left", &c.left},
      {"bilateral", &c.bilateral},
      {"ground_glass", &c.ground_glass},
      {"consolidation", &c.consolidation},
      {"opacity", &c.opacity},
      {"abnormal_opacity", &c.abnormal_opacity},
      {"diffuse", &c.diffuse},
      {"multifocal", &c.multifocal},
      {"focal", &c.focal},
      {"central", &c.central},
      {"peripheral", &c.peripheral},
      {"present", &c.present},
      {"absent", &c.absent},
      {"pulmonary_hemorrhage", &c.pulmonary_hemorrhage},
      {"suspected", &c.suspected},
      {"undetermined", &c.undetermined},
      {"percent_involved", &c.percent_involved},
      {"crazy_paving", &c.crazy_paving},
      {"basic_text_title", &c.basic_text_title},
  }};
}

void ReadTemplate(ObjectReader& r, SrTemplate& t) {
  r.String("id", t.id, CheckIdentifier, Presence::kRequired);
  r.String("version", t.version, CheckIdentifier, Presence::kRequired);
  r.Enum("output", t.output, kOutputNames);
  Concept(r, "language", t.language);
  r.Section("series", [&](ObjectReader& s) {
    s.String("description", t.series_description, CheckLongString, Presence::kRequired);
    s.Int("number", t.series_number, 1, 99999);
  });
  r.Section("device", [&](ObjectReader& d) {
    d.String("name", t.device_name, CheckText, Presence::kRequired);
    d.String("manufacturer", t.manufacturer, CheckLongString, Presence::kRequired);
    d.String("model_name", t.model_name, CheckLongString, Presence::kRequired);
  });
  r.Int("suspected_min_certainty", t.suspected_min_certainty, 0, 100);
  r.Bool("report_not_analysable", t.report_not_analysable);
  r.Section("private_scheme", [&](ObjectReader& p) {
    p.String("designator", t.private_scheme.designator, CheckCodeValue, Presence::kRequired);
    p.String("name", t.private_scheme.name, CheckMeaning, Presence::kRequired);
    p.String("version", t.private_scheme.version, CheckCodeValue, Presence::kRequired);
    p.String("responsible_organization", t.private_scheme.responsible_organization, CheckText,
             Presence::kRequired);
  });
  r.Section("codes", [&](ObjectReader& c) {
    for (const auto& [name, code] : CodeFields(t.codes)) Concept(c, name, *code);
  });
  r.Section("wording", [&](ObjectReader& w) {
    w.String("flagged", t.wording.flagged, CheckText, Presence::kRequired);
    w.String("not_flagged", t.wording.not_flagged, CheckText, Presence::kRequired);
    w.String("not_analysable", t.wording.not_analysable, CheckText, Presence::kRequired);
    w.String("disclaimer", t.wording.disclaimer, CheckText, Presence::kRequired);
    w.String("radiograph_note", t.wording.radiograph_note, CheckText, Presence::kRequired);
    w.String("key_images_note", t.wording.key_images_note, CheckText, Presence::kRequired);
  });
}

// Sections are optional to the reader; a template needs them all. A missing section leaves its
// fields empty, so report every empty required field by key.
void CheckComplete(const SrTemplate& t, std::vector<Issue>& issues) {
  auto need = [&](bool present, std::string key) {
    if (!present) issues.push_back(Issue{std::move(key), "required"});
  };
  need(!t.language.value.empty(), "language");
  need(!t.series_description.empty(), "series");
  need(!t.device_name.empty(), "device");
  need(!t.private_scheme.designator.empty(), "private_scheme");
  need(!t.wording.flagged.empty(), "wording");
  const SrCodes& c = t.codes;
  for (const auto& [name, code] : CodeFields(c))
    need(!code->value.empty(), std::string("codes.") + name);
  // The private concepts must use the documented private scheme, so a reader can look them up.
  for (const CodedConcept* code : {&c.percent_involved, &c.crazy_paving}) {
    if (!code->scheme.empty() && !t.private_scheme.designator.empty() &&
        code->scheme != t.private_scheme.designator) {
      issues.push_back(Issue{code == &c.percent_involved ? "codes.percent_involved.scheme"
                                                         : "codes.crazy_paving.scheme",
                             "must be the private scheme \"" + t.private_scheme.designator + "\""});
    }
  }
}

// The typed readers (enum, integer, boolean) keep the default when a key is absent; a template must
// still state them, so that no clinical threshold or output class is taken silently.
void CheckTypedKeysPresent(const internal::JsonObject& root, std::vector<Issue>& issues) {
  for (const char* key : {"output", "suspected_min_certainty", "report_not_analysable"}) {
    if (internal::FindMember(root, key) == nullptr) issues.push_back(Issue{key, "required"});
  }
  const internal::JsonValue* series = internal::FindMember(root, "series");
  const auto* object =
      series == nullptr ? nullptr : std::get_if<internal::JsonObject>(&series->data);
  if (object != nullptr && internal::FindMember(*object, "number") == nullptr) {
    issues.push_back(Issue{"series.number", "required"});
  }
}

}  // namespace

Result<SrTemplate> ParseSrTemplate(std::string_view json_text) {
  Result<internal::JsonValue> parsed = internal::ParseJson(json_text);
  if (!parsed.ok()) return parsed.status();
  const auto* root = std::get_if<internal::JsonObject>(&parsed->data);
  if (root == nullptr)
    return Status::Error(ErrorCode::kConfigInvalid, "an SR template must be one JSON object");
  std::vector<Issue> issues;
  SrTemplate result;
  ObjectReader reader(*root, "", issues);
  ReadTemplate(reader, result);
  reader.ReportUnknownKeys();
  CheckTypedKeysPresent(*root, issues);
  if (issues.empty()) CheckComplete(result, issues);
  if (!issues.empty()) {
    std::string text;
    for (const Issue& issue : issues)
      text += (text.empty() ? "" : "\n") + issue.key + ": " + issue.message;
    return Status::Error(ErrorCode::kConfigInvalid, text);
  }
  return result;
}

Result<SrTemplate> LoadSrTemplateFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::Error(ErrorCode::kConfigInvalid, "cannot open SR template " + path);
  std::ostringstream content;
  content << file.rdbuf();
  Result<SrTemplate> parsed = ParseSrTemplate(content.str());
  if (!parsed.ok()) {
    return Status::Error(ErrorCode::kConfigInvalid,
                         "SR template " + path + ":\n" + parsed.status().message());
  }
  return parsed;
}

}  // namespace alveo::config
