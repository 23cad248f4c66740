// SPDX-License-Identifier: Apache-2.0
// Pulmonary vessels: a deterministic branching tree of capsules grown from each hilum into the lung
// (thick and dense centrally, thin and sparse peripherally), so an analysis has to suppress small
// bright tubular structures. Thread-safety: immutable after construction. Ownership: owns its
// segments; the model is only used while growing.
#pragma once

#include <cstdint>
#include <vector>

#include "phantom/shapes.h"

namespace alveo::phantom {

class ChestModel;

class VesselTree {
 public:
  // Grows the tree inside `model`'s lungs; same seed => same tree.
  VesselTree(const ChestModel& model, std::uint64_t seed);

  // Sorted by Capsule::MinH().
  const std::vector<Capsule>& segments() const { return segments_; }

 private:
  std::vector<Capsule> segments_;
};

}  // namespace alveo::phantom
