// SPDX-License-Identifier: Apache-2.0
#include "dicom/ct_layout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace alveo::dicom::internal {
namespace {

constexpr double kOrientationTolerance = 1e-3;  // per direction cosine
constexpr double kUnitTolerance = 1e-2;         // |row|, |column| = 1 and row . column = 0
constexpr double kSpacingTolerance = 1e-3;      // relative, pixel spacing
constexpr double kDuplicateTolerance = 1e-2;    // mm between slice positions

double Dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

Vec3 Normalised(const Vec3& v) {
  const double n = std::sqrt(Dot(v, v));
  return {v[0] / n, v[1] / n, v[2] / n};
}

std::string Mm(double value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", value);
  return buf;
}

Status Invalid(const std::string& why) { return Status::Error(ErrorCode::kInvalidArgument, why); }

Status CheckFrame(const FrameGeometry& f, const FrameGeometry& first, const std::string& name,
                  const std::string& first_name) {
  if (!f.position) return Invalid(name + ": ImagePositionPatient (0020,0032) is missing");
  if (!f.orientation) return Invalid(name + ": ImageOrientationPatient (0020,0037) is missing");
  if (!f.pixel_spacing || (*f.pixel_spacing)[0] <= 0.0 || (*f.pixel_spacing)[1] <= 0.0) {
    return Invalid(name + ": PixelSpacing (0028,0030) is missing or not positive");
  }
  if (f.rows != first.rows || f.columns != first.columns) {
    return Invalid(name + " is " + std::to_string(f.columns) + "x" + std::to_string(f.rows) +
                   " pixels but " + first_name + " is " + std::to_string(first.columns) + "x" +
                   std::to_string(first.rows));
  }
  for (int i = 0; i < 6; ++i) {
    if (std::abs((*f.orientation)[i] - (*first.orientation)[i]) > kOrientationTolerance) {
      return Invalid(name + " has a different ImageOrientationPatient than " + first_name);
    }
  }
  for (int i = 0; i < 2; ++i) {
    const double a = (*f.pixel_spacing)[i];
    const double b = (*first.pixel_spacing)[i];
    if (std::abs(a - b) > kSpacingTolerance * std::max(a, b)) {
      return Invalid(name + " has a different PixelSpacing than " + first_name);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<SliceLayout> ArrangeSlices(const std::vector<FrameGeometry>& frames,
                                  const std::function<std::string(std::size_t)>& describe) {
  if (frames.empty()) return Invalid("no slices to decode");
  const FrameGeometry& first = frames[0];
  const std::string first_name = describe(0);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (Status s = CheckFrame(frames[i], first, describe(i), first_name); !s.ok()) return s;
  }
  if (first.rows <= 0 || first.columns <= 0) return Invalid(first_name + " has no rows/columns");

  const std::array<double, 6>& iop = *first.orientation;
  const Vec3 row{iop[0], iop[1], iop[2]};
  const Vec3 column{iop[3], iop[4], iop[5]};
  if (std::abs(std::sqrt(Dot(row, row)) - 1.0) > kUnitTolerance ||
      std::abs(std::sqrt(Dot(column, column)) - 1.0) > kUnitTolerance ||
      std::abs(Dot(row, column)) > kUnitTolerance) {
    return Invalid(first_name + ": ImageOrientationPatient is not two orthogonal unit vectors");
  }
  SliceLayout layout;
  VolumeGeometry& g = layout.geometry;
  g.row_direction = Normalised(row);
  g.column_direction = Normalised(column);
  g.slice_direction = Normalised(Cross(g.row_direction, g.column_direction));
  g.size_x = first.columns;
  g.size_y = first.rows;
  g.size_z = static_cast<int>(frames.size());
  g.spacing[0] = (*first.pixel_spacing)[1];  // between columns
  g.spacing[1] = (*first.pixel_spacing)[0];  // between rows

  std::vector<double> position(frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    position[i] = Dot(*frames[i].position, g.slice_direction);
  }
  layout.order.assign(frames.size(), 0);
  std::iota(layout.order.begin(), layout.order.end(), std::size_t{0});
  std::stable_sort(layout.order.begin(), layout.order.end(),
                   [&](std::size_t a, std::size_t b) { return position[a] < position[b]; });
  const std::size_t n = layout.order.size();
  layout.positions.assign(n, 0.0);
  std::vector<double> gaps(n - 1, 0.0);
  for (std::size_t k = 0; k < n; ++k) {
    layout.positions[k] = position[layout.order[k]];
    if (k == 0) continue;
    const double gap = layout.positions[k] - layout.positions[k - 1];
    if (gap < kDuplicateTolerance) {
      return Invalid(describe(layout.order[k]) + " and " + describe(layout.order[k - 1]) +
                     " share the slice position " + Mm(layout.positions[k]) + " mm");
    }
    gaps[k - 1] = gap;
  }
  g.origin = *frames[layout.order[0]].position;
  if (gaps.empty()) {
    g.spacing[2] = first.slice_thickness.value_or(0.0) > 0.0 ? *first.slice_thickness : 1.0;
  } else {
    std::vector<double> sorted = gaps;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t mid = sorted.size() / 2;
    g.spacing[2] = sorted.size() % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    layout.min_gap_mm = sorted.front();
    layout.max_gap_mm = sorted.back();
  }
  for (std::size_t k = 0; k < layout.order.size(); ++k) {
    const Vec3& p = *frames[layout.order[k]].position;
    Vec3 d{p[0] - g.origin[0], p[1] - g.origin[1], p[2] - g.origin[2]};
    const double along = Dot(d, g.slice_direction);
    for (int a = 0; a < 3; ++a) d[a] -= along * g.slice_direction[a];
    layout.max_off_axis_mm = std::max(layout.max_off_axis_mm, std::sqrt(Dot(d, d)));
  }
  return layout;
}

}  // namespace alveo::dicom::internal
