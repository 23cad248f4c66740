// SPDX-License-Identifier: Apache-2.0
// Loads config/alveo.json (+ CLI overrides) into an immutable, validated alveo::Settings once at
// start. Every problem is reported at once, one per line, naming the full dotted key.
// Thread-safety: reentrant functions; the returned Settings is a plain value owned by the caller.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/settings.h"
#include "core/status.h"

namespace alveo::config {

// Parses the JSON text into Settings. `overrides` are dotted-key assignments applied to the JSON
// tree before validation ("dicom.port" -> "104", "study.quiet_period_ms" -> "2000",
// "dicom.allowed_callers" -> JSON text), so CLI overrides get the same validation as the file.
// Values are parsed by the target field's type (numbers, true/false, strings; for lists/objects the
// value is JSON text). Missing keys keep the defaults of core/settings.h. Errors are
// kConfigInvalid.
Result<Settings> ParseSettings(
    std::string_view json_text,
    const std::vector<std::pair<std::string, std::string>>& overrides = {});

// Reads the file at `path`, then as ParseSettings().
Result<Settings> LoadSettingsFile(
    const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& overrides = {});

// Reads one JSON object of study-filter keys, the same keys and checks as "study.filter" in the
// settings file (modalities, include_patterns, exclude_patterns, analyse_unlabelled), over the
// defaults. Problems are named `key_prefix` + key (e.g. "Alveo.StudyFilter.modalities[1]"). For
// programs that embed the worker's filter in another configuration (the Orthanc plugin).
Result<StudyFilterSettings> ParseStudyFilter(std::string_view json_object_text, std::string_view key_prefix);

// The effective settings as pretty JSON (same key layout as the file) for the startup log.
// `hide_secrets`: credentials (http.api_token, notify webhook secrets) show as "(set; hidden)".
std::string SettingsToJson(const Settings& settings, bool hide_secrets = false);

}  // namespace alveo::config
