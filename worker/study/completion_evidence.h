// SPDX-License-Identifier: Apache-2.0
// Evidence that a study is complete without waiting for the quiet period (used when the association
// that delivered it is released): radiograph-only studies always; CT when every axial CT series has
// contiguous slice positions and, where Images in Acquisition (0020,1002) is present, that many
// images. Pure function of the instance headers. Thread-safety: pure.
#pragma once

#include <vector>

#include "core/instance.h"

namespace alveo::study {

bool IsCtInstance(const InstanceMeta& meta);
bool IsImageInstance(const InstanceMeta& meta);

bool HasCompletionEvidence(const std::vector<StoredInstance>& instances);

}  // namespace alveo::study
