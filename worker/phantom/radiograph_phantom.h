// SPDX-License-Identifier: Apache-2.0
// Synthetic chest radiograph with known truth, deterministic by seed: the same analytic trunk and
// lung patterns as the CT phantom, projected (parallel rays, water-equivalent path) onto a frontal
// (PA upright / AP supine) or left-lateral film, vessels added at full resolution. No DCMTK here.
// Thread-safety: GenerateRadiograph is reentrant; results are plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/image2d.h"
#include "core/status.h"
#include "phantom/phantom_types.h"

namespace alveo::phantom {

enum class ViewPosition {
  kPa,       // posteroanterior, patient upright
  kAp,       // anteroposterior, patient supine (bedside film)
  kLateral,  // left lateral (DICOM "LL"), patient upright: not analysable by design
};
std::string_view ViewName(ViewPosition view);  // "PA", "AP", "LL"
std::optional<ViewPosition> ParseView(std::string_view text);

struct RadiographOptions {
  PatternKind kind = PatternKind::kNormal;
  std::uint64_t seed = 1;
  int columns = 2000;
  int rows = 2500;
  double field_width_mm = 350.0;  // across the columns; pixel spacing = width / columns (square)
  ViewPosition view = ViewPosition::kPa;
  int bits_stored = 12;  // 8..16; pixel values use the full range
  double noise = 1.0;    // relative quantum noise (0 = none)
};

// kInvalidArgument "<flag>: why", naming the `alveo phantom` flag of the offending field.
Status ValidateRadiographOptions(const RadiographOptions& options);

struct ZoneTruth {
  double area_cm2 = 0.0;
  double opacity_fraction = 0.0;  // share of the zone's pixels whose lung path is >= 25 % opacified
  double mean_opacity = 0.0;      // mean opacified share of the lung path
};

struct LungFieldTruth {
  ZoneTruth whole;
  std::array<ZoneTruth, 3> zones;  // upper, middle, lower thirds of this field's height
};

struct RadiographTruth {
  bool frontal = true;  // false for the lateral view: no per-lung truth
  LungFieldTruth right, left, total;
  double cardiothoracic_ratio = 0.0;  // widest heart shadow / widest inner thorax (frontal only)
  double effusion_area_cm2 = 0.0;     // film area behind >= 5 mm of pleural fluid
};

// A lung-field pixel sees >= 10 mm of lung and no heart or subdiaphragmatic organ (the usual
// radiographic lung-field outline). Opacity threshold for opacity_fraction:
inline constexpr double kOpacifiedShare = 0.25;

struct RadiographData {
  Image2DU16 image;    // stored values, MONOCHROME2 sense (bright = attenuating), bits_stored
  Mask2D lung_fields;  // 0 outside, 1 right lung field, 2 left lung field
  Image2D opacity;     // opacified share of the lung path per pixel, 0..1
  RadiographTruth truth;
};

// threads <= 0: one per core.
Result<RadiographData> GenerateRadiograph(const RadiographOptions& options, int threads = 0);

}  // namespace alveo::phantom
