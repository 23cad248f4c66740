// SPDX-License-Identifier: Apache-2.0
#include "config/sr_template_source.h"

#include <algorithm>

#include "config/sr_template_loader.h"

namespace alveo::config {

std::vector<std::string> ShippedSrTemplateNames() {
  std::vector<std::string> names;
  for (const auto& shipped : internal::ShippedTemplates()) names.emplace_back(shipped.name);
  std::sort(names.begin(), names.end());
  return names;
}

Result<SrTemplate> ResolveSrTemplate(const std::string& name_or_path) {
  if (name_or_path.size() > 5 && name_or_path.compare(name_or_path.size() - 5, 5, ".json") == 0) {
    return LoadSrTemplateFile(name_or_path);
  }
  for (const auto& shipped : internal::ShippedTemplates()) {
    if (shipped.name != name_or_path) continue;
    auto parsed = ParseSrTemplate(shipped.json);
    if (!parsed.ok()) {
      return Status::Error(ErrorCode::kConfigInvalid,
                           "shipped SR template " + name_or_path + ": " + parsed.status().message());
    }
    return parsed;
  }
  std::string known;
  for (const auto& name : ShippedSrTemplateNames()) known += (known.empty() ? "" : ", ") + name;
  return Status::Error(ErrorCode::kConfigInvalid, "report.sr_template: \"" + name_or_path +
                                                      "\" is neither a shipped template (" + known +
                                                      ") nor a .json file");
}

}  // namespace alveo::config
