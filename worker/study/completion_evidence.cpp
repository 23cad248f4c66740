// SPDX-License-Identifier: Apache-2.0
#include "study/completion_evidence.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace alveo::study {
namespace {

// PS3.4 B.5: CT Image Storage, Enhanced CT Image Storage, Legacy Converted Enhanced CT.
constexpr const char* kCtSopClasses[] = {"1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.2.1",
                                         "1.2.840.10008.5.1.4.1.1.2.2"};

constexpr double kOrientationTolerance = 1e-3;
constexpr double kSpacingRelativeTolerance = 0.1;
constexpr double kSpacingAbsoluteToleranceMm = 0.05;

std::array<double, 3> SliceNormal(const std::array<double, 6>& iop) {
  return {iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5],
          iop[0] * iop[4] - iop[1] * iop[3]};
}

bool SameOrientation(const std::array<double, 6>& a, const std::array<double, 6>& b) {
  for (int i = 0; i < 6; ++i) {
    if (std::abs(a[i] - b[i]) > kOrientationTolerance) return false;
  }
  return true;
}

// One acquisition of one series: positions evenly spaced without gaps or duplicates, and the count
// announced by Images in Acquisition when the sender gives it.
bool AcquisitionIsComplete(const std::vector<const InstanceMeta*>& slices) {
  std::optional<int> announced;
  for (const InstanceMeta* meta : slices) {
    if (meta->images_in_acquisition && *meta->images_in_acquisition > 0) {
      announced = *meta->images_in_acquisition;
    }
  }
  if (announced && static_cast<int>(slices.size()) != *announced) return false;
  const auto& iop = *slices.front()->image_orientation;
  const auto normal = SliceNormal(iop);
  std::vector<double> positions;
  for (const InstanceMeta* meta : slices) {
    if (!SameOrientation(*meta->image_orientation, iop)) return false;
    const auto& p = *meta->image_position;
    positions.push_back(p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2]);
  }
  if (positions.size() < 3) return true;  // nothing to check between; the announced count decided
  std::sort(positions.begin(), positions.end());
  double min_gap = positions[1] - positions[0];
  double max_gap = min_gap;
  for (std::size_t i = 1; i + 1 < positions.size(); ++i) {
    const double gap = positions[i + 1] - positions[i];
    min_gap = std::min(min_gap, gap);
    max_gap = std::max(max_gap, gap);
  }
  if (min_gap <= kSpacingAbsoluteToleranceMm) return false;  // duplicate positions
  return max_gap - min_gap <= std::max(kSpacingAbsoluteToleranceMm, kSpacingRelativeTolerance * min_gap);
}

bool IsLocalizer(const InstanceMeta& meta) {
  return meta.image_type.find("LOCALIZER") != std::string::npos;
}

}  // namespace

bool IsCtInstance(const InstanceMeta& meta) {
  for (const char* uid : kCtSopClasses) {
    if (meta.sop_class_uid == uid) return true;
  }
  return false;
}

bool IsImageInstance(const InstanceMeta& meta) { return meta.rows > 0 && meta.columns > 0; }

bool HasCompletionEvidence(const std::vector<StoredInstance>& instances) {
  // series UID -> acquisition number -> slices
  std::map<std::string, std::map<int, std::vector<const InstanceMeta*>>> ct_series;
  bool any_instance = false;
  for (const StoredInstance& instance : instances) {
    const InstanceMeta& meta = instance.meta;
    any_instance = true;
    if (!IsCtInstance(meta) || IsLocalizer(meta)) continue;
    if (meta.number_of_frames && *meta.number_of_frames > 1) continue;  // enhanced: one object
    if (!meta.image_position || !meta.image_orientation) return false;  // cannot judge
    ct_series[meta.series_instance_uid][meta.acquisition_number.value_or(-1)].push_back(&meta);
  }
  if (!any_instance) return false;
  for (const auto& [series, acquisitions] : ct_series) {
    for (const auto& [number, slices] : acquisitions) {
      if (!AcquisitionIsComplete(slices)) return false;
    }
  }
  return true;
}

}  // namespace alveo::study
