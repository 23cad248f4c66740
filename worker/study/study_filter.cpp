// SPDX-License-Identifier: Apache-2.0
#include "study/study_filter.h"

#include <algorithm>
#include <set>

#include "study/completion_evidence.h"

namespace alveo::study {
namespace {

constexpr char kSecondaryCapturePrefix[] = "1.2.840.10008.5.1.4.1.1.7";

std::vector<std::string> ModalitiesOf(const std::vector<StoredInstance>& instances) {
  std::set<std::string> found;
  for (const auto& instance : instances) {
    if (!IsImageInstance(instance.meta)) continue;
    if (!instance.meta.modality.empty()) found.insert(instance.meta.modality);
    if (instance.meta.sop_class_uid.rfind(kSecondaryCapturePrefix, 0) == 0) found.insert("SC");
  }
  return {found.begin(), found.end()};
}

std::vector<std::string> TextFieldsOf(const std::vector<StoredInstance>& instances) {
  std::set<std::string> fields;
  for (const auto& instance : instances) {
    for (const std::string* text : {&instance.meta.body_part_examined, &instance.meta.study_description,
                                    &instance.meta.series_description, &instance.meta.protocol_name}) {
      if (!text->empty()) fields.insert(*text);
    }
  }
  return {fields.begin(), fields.end()};
}

}  // namespace

StudyFilter::StudyFilter(const StudyFilterSettings& settings) : settings_(settings) {
  const auto flags = std::regex::ECMAScript | std::regex::icase | std::regex::optimize;
  for (const auto& text : settings.include_patterns) include_.push_back({text, std::regex(text, flags)});
  for (const auto& text : settings.exclude_patterns) exclude_.push_back({text, std::regex(text, flags)});
}

const StudyFilter::Pattern* StudyFilter::FirstMatch(const std::vector<Pattern>& patterns,
                                                     const std::vector<std::string>& fields) const {
  for (const auto& pattern : patterns) {
    for (const auto& field : fields) {
      if (std::regex_search(field, pattern.regex)) return &pattern;
    }
  }
  return nullptr;
}

FilterDecision StudyFilter::Decide(const std::vector<StoredInstance>& instances) const {
  const auto modalities = ModalitiesOf(instances);
  const bool modality_ok = std::any_of(modalities.begin(), modalities.end(), [&](const std::string& m) {
    return std::find(settings_.modalities.begin(), settings_.modalities.end(), m) != settings_.modalities.end();
  });
  if (!modality_ok) {
    std::string found;
    for (const auto& m : modalities) found += (found.empty() ? "" : ",") + m;
    return {false, "modality not analysed (" + (found.empty() ? std::string("no images") : found) + ")"};
  }
  const auto fields = TextFieldsOf(instances);
  if (const Pattern* excluded = FirstMatch(exclude_, fields)) {
    return {false, "excluded by pattern '" + excluded->text + "'"};
  }
  if (const Pattern* included = FirstMatch(include_, fields)) {
    return {true, "chest indication matched '" + included->text + "'"};
  }
  if (fields.empty() && settings_.analyse_unlabelled) {
    return {true, "no body part or description; analysed (analyse_unlabelled)"};
  }
  return {false, "no chest indication in body part, descriptions or protocol"};
}

}  // namespace alveo::study
