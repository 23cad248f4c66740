// SPDX-License-Identifier: Apache-2.0
#include "phantom/phantom_types.h"

#include <array>

namespace alveo::phantom {
namespace {

constexpr std::array<std::string_view, 6> kKindNames{"normal", "diffuse",  "peripheral",
                                                     "focal",  "effusion", "abdomen"};

constexpr std::array<std::string_view, static_cast<int>(Label::kCount)> kLabelNames{
    "background",
    "fat",
    "soft_tissue",
    "bone",
    "mediastinum",
    "heart",
    "airway",
    "right_lung",
    "left_lung",
    "right_lung_vessel",
    "left_lung_vessel",
    "effusion",
    "liver",
    "spleen",
    "kidney",
    "bowel",
    "bowel_gas",
    "table"};

}  // namespace

std::string_view KindName(PatternKind kind) { return kKindNames[static_cast<int>(kind)]; }

std::optional<PatternKind> ParseKind(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<PatternKind>(i);
  }
  return std::nullopt;
}

std::string_view LabelName(Label label) {
  const auto index = static_cast<std::size_t>(label);
  return index < kLabelNames.size() ? kLabelNames[index] : "unknown";
}

}  // namespace alveo::phantom
