// SPDX-License-Identifier: Apache-2.0
// Where the serve pipeline's SR template comes from: report.sr_template names a template shipped in
// sr_templates/ (compiled into the binary at build time, so an installed alveo needs no data
// files) or the path of a template file. Thread-safety: reentrant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/sr_template.h"
#include "core/status.h"

namespace alveo::config {

// Names of the shipped templates (file names in sr_templates/ without ".json"), sorted.
std::vector<std::string> ShippedSrTemplateNames();

// `name_or_path` ending in ".json" is read from disk; anything else names a shipped template.
// Errors are kConfigInvalid and name the template or file.
Result<SrTemplate> ResolveSrTemplate(const std::string& name_or_path);

namespace internal {
struct ShippedTemplate {
  std::string_view name;
  std::string_view json;
};
const std::vector<ShippedTemplate>& ShippedTemplates();  // generated
}  // namespace internal

}  // namespace alveo::config
