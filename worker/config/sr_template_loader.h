// SPDX-License-Identifier: Apache-2.0
// Loads an SR template (sr_templates/*.json, keys documented in sr_templates/README.md) into a
// typed alveo::SrTemplate once at start. Every key is required and unknown keys are rejected; all
// problems are reported together, one per line, naming the dotted key. Thread-safety: reentrant.
#pragma once

#include <string>
#include <string_view>

#include "core/sr_template.h"
#include "core/status.h"

namespace alveo::config {

// Errors are kConfigInvalid.
Result<SrTemplate> ParseSrTemplate(std::string_view json_text);
// Reads the file, then as ParseSrTemplate(); messages start with the file's path.
Result<SrTemplate> LoadSrTemplateFile(const std::string& path);

}  // namespace alveo::config
