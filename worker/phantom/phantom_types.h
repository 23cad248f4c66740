// SPDX-License-Identifier: Apache-2.0
// Vocabulary of the synthetic phantom: which pattern a phantom shows, the tissue labels of its
// truth maps and the per-voxel opacity truth. Shared by the CT and radiograph generators and the
// writer. Thread-safety: constants and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace alveo::phantom {

// The lung pattern a phantom shows ("kind" on the command line).
enum class PatternKind {
  kNormal,      // clear lungs
  kDiffuse,     // bilateral ground glass, dependent gradient, apical sparing (hemorrhage/ARDS-like)
  kPeripheral,  // subpleural ground glass, central sparing, lower-zone predominant (COVID-like)
  kFocal,       // one lobar-ish consolidation in the right lower lobe
  kEffusion,    // bilateral dependent effusions, enlarged heart, mild perihilar ground glass
  kAbdomen,     // an abdomen-only CT: no lung in the scanned range
};
std::string_view KindName(PatternKind kind);
std::optional<PatternKind> ParseKind(std::string_view text);

// Tissue label of a truth voxel/pixel. Lung labels include opacified (consolidated) lung; vessels
// inside a lung carry their side; effusion is never lung.
enum class Label : std::uint8_t {
  kBackground = 0,   // air outside the body
  kFat = 1,          // subcutaneous and abdominal fat
  kSoftTissue = 2,   // chest-wall muscle, neck, spinal canal
  kBone = 3,         // ribs, spine, sternum
  kMediastinum = 4,  // great vessels, oesophagus, airway walls
  kHeart = 5,
  kAirway = 6,  // trachea and main bronchi lumen
  kRightLung = 7,
  kLeftLung = 8,
  kRightLungVessel = 9,
  kLeftLungVessel = 10,
  kEffusion = 11,
  kLiver = 12,
  kSpleen = 13,
  kKidney = 14,
  kBowel = 15,     // stomach and bowel wall/content
  kBowelGas = 16,  // gas inside stomach or bowel
  kTable = 17,     // patient table (CT only)
  kCount
};
std::string_view LabelName(Label label);

constexpr bool IsLung(std::uint8_t label) {
  return label >= static_cast<std::uint8_t>(Label::kRightLung) &&
         label <= static_cast<std::uint8_t>(Label::kLeftLungVessel);
}
constexpr bool IsRightLung(std::uint8_t label) {
  return label == static_cast<std::uint8_t>(Label::kRightLung) ||
         label == static_cast<std::uint8_t>(Label::kRightLungVessel);
}

// Opacity truth of a lung voxel. Bands follow CLASSIFIER.md: ground glass (-700, -250] HU,
// consolidation (-250, +100] HU; the generator keeps the noise-free value well inside the band.
enum class Opacity : std::uint8_t { kNone = 0, kGroundGlass = 1, kConsolidation = 2 };

// Where gravity pulls, in patient terms: drives dependent density, effusions and stomach gas.
enum class Gravity {
  kPosterior,  // supine (CT HFS, AP film)
  kAnterior,   // prone (CT HFP)
  kInferior,   // upright (PA and lateral films)
};

}  // namespace alveo::phantom
