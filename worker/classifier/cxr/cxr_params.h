// SPDX-License-Identifier: Apache-2.0
// Every threshold and constant of the radiograph analysis, in one place (method: README.md).
// Lengths are in working pixels unless named _frac (fraction of the working width or height).
// Thread-safety: constants only.
#pragma once

namespace alveo::classifier::cxr {

inline constexpr const char* kCxrMethodVersion = "alveo-cxr-1.0";

// ---- Normalisation (working_image.cpp) ---------------------------------------------------------
inline constexpr int kMinInputSide = 32;   // smaller inputs are "empty_image"
inline constexpr int kWorkingWidth = 256;  // columns of the working image
inline constexpr double kMinAspect = 0.6;  // working height / width, clamped
inline constexpr double kMaxAspect = 1.6;
inline constexpr double kWindowMinInside = 0.5;   // VOI window used if >= this share is inside it
inline constexpr double kNormaliseBorder = 0.03;  // border share ignored by the percentiles
inline constexpr double kNormaliseLowQuantile = 0.005;
inline constexpr double kNormaliseHighQuantile = 0.995;
inline constexpr double kWorkingBlurSigma = 1.0;  // equalises the effective resolution

// ---- Lung fields (thorax.cpp, lung_seeds.cpp, lung_fields.cpp) ---------------------------------
inline constexpr double kBackgroundLevel = 0.06;  // edge-connected pixels below: outside the body
inline constexpr double kMidlineRowsFrac[2] = {0.15, 0.65};  // rows of the column profile
inline constexpr double kMidlineSearchFrac[2] = {0.3, 0.7};  // columns searched for the midline
inline constexpr double kMidlineProfileSigma = 3.0;
inline constexpr double kThresholdRowsFrac[2] = {0.05, 0.85};  // rows feeding the Otsu threshold
inline constexpr double kMidlineCutFrac = 0.012;      // half-width of the band cut at the midline
inline constexpr double kAirBorderMarginFrac = 0.03;  // image-edge band never taken as lung
inline constexpr double kBodyMarginFrac = 0.03;  // band inside the body outline never taken as lung
inline constexpr double kDarkQuantile = 0.05;    // darkest body values (aerated lung or air)
inline constexpr double kStrictLevel = 0.6;      // strict threshold: dark + this * (Otsu - dark)
inline constexpr double kUphillTolerance = 0.01;  // strict seed grows into Otsu-dark pixels uphill
inline constexpr double kUphillStepsFrac = 0.04;  // ... by at most this share of the width
inline constexpr double kEdgeMedianRowsFrac = 0.04;  // half-window of the per-row edge median
inline constexpr double kEdgeToleranceFrac = 0.025;  // row extent beyond the median by more: leak
inline constexpr double kWaistSearchFrac = 0.4;  // upper share of the seed searched for the waist
inline constexpr double kWaistWidening = 1.6;    // seed this much wider above the waist: cut there
inline constexpr double kSeedErodeRadius = 3.0;  // breaks bridges to outside air before choosing
inline constexpr double kMinLungAreaFrac = 0.005;   // smallest eroded blob (share of the image)
inline constexpr double kSeedMinOffsetFrac = 0.04;  // blob centroid distance from the midline
inline constexpr double kSeedMaxOffsetFrac = 0.42;
inline constexpr double kSeedRowsFrac[2] = {0.08, 0.75};  // blob centroid rows
inline constexpr double kSeedOffPositionWeight = 0.3;
inline constexpr double kLungCloseRadius = 4.0;
// Frame fitted to the aerated seed (quantiles of its rows and of its per-row lateral extents).
inline constexpr double kFrameRowQuantile = 0.01;
inline constexpr double kFrameOuterQuantile = 0.95;
inline constexpr double kFrameInnerQuantile = 0.10;
inline constexpr double kMirrorAreaRatio = 0.35;  // a side below this share of the other: mirrored
inline constexpr double kMinHeightToWidth = 1.0;  // field height / lateral extent below: truncated
inline constexpr double kPriorHeightToWidth = 1.3;  // height given to a truncated field
inline constexpr double kMaxApexFrac = 0.35;  // a truncated seed starting lower: extend upwards
inline constexpr double kBaseMismatchFrac = 0.15;  // base at most this share of height above other
inline constexpr double kSeedLateralTolerance = 0.1;  // seed beyond the wall by more: a leak
inline constexpr double kRowFillMaxGapFrac = 0.08;    // widest gap filled between a row's runs
inline constexpr double kGrowMaxRelative = 0.75;      // field grows inside the template below this
inline constexpr double kTemplateLateralToleranceFrac = 0.01;  // template beyond the seed's edge
inline constexpr double kMinRowCoverage = 0.25;  // seed row hull below this share of the template
// Template (v: apex 0 .. base 1; s: mediastinal border 0 .. lateral wall 1).
inline constexpr double kApexRoundV = 0.3;         // rows over which the apex widens to full width
inline constexpr double kApexS = 0.55;             // where the apex point sits across the field
inline constexpr double kHeartIndentLeft = 0.35;   // heart bulge into the left field (share of s)
inline constexpr double kHeartIndentRight = 0.08;  // right heart border
inline constexpr double kHeartCentreV = 0.8;
inline constexpr double kHeartHalfSpanV = 0.35;
inline constexpr double kDomePeakS = 0.45;   // diaphragm dome apex across the field
inline constexpr double kDomeHeight = 0.14;  // dome apex above the costophrenic level (share of v)

// ---- Opacity, features and score (opacity.cpp) -----------------------------------------------
// Relative density of a pixel: (value - aerated) / (soft - aerated), aerated = this quantile of the
// lung fields, soft = median of the mediastinal band over the lower lung rows.
inline constexpr double kAeratedQuantile = 0.05;
inline constexpr double kSoftRowsFrac[2] = {0.45, 0.9};  // of the lung rows, top to bottom
inline constexpr double kSoftBandHalfWidthFrac = 0.04;
inline constexpr double kMinReferenceContrast = 0.05;
inline constexpr double kRimWidth = 3.0;           // field rim (pixels) left out of the measurement
inline constexpr double kOpacifiedLevel = 0.4;     // relative density above: opacified pixel
inline constexpr double kZoneInvolvedLevel = 0.2;  // zone opacity from which a zone is involved
inline constexpr double kCentralShare = 0.5;       // inner half of each row's field extent
inline constexpr double kPeripheralShare = 1.0 / 3.0;  // outer third
// Costophrenic angle: lowest aerated row in the lateral band vs the middle band (s across the
// field, 0 mediastinal .. 1 lateral); rise = (middle - lateral) / field height.
inline constexpr double kCornerLateralBand[2] = {0.8, 1.0};
inline constexpr double kCornerMiddleBand[2] = {0.35, 0.65};
inline constexpr double kCornerSharpRise = -0.15;         // blunting 0 at or below this rise
inline constexpr double kCornerBluntRise = 0.05;          // blunting 1 at or above
inline constexpr double kHeartRowsFrac[2] = {0.5, 0.85};  // rows (of the fields) for the heart
inline constexpr double kHeartWidthQuantile = 0.8;        // of the per-row heart widths
inline constexpr double kCtrMinRowsFrac = 0.05;  // both fields over this many heart rows for a CTR
inline constexpr double kRatioPrior = 0.05;      // added to both sides of opacity ratios
// opacity_score = logistic((min(right, left) opacity - centre) / width): 0.5 when the less
// involved lung is 15 % opacified (normal phantoms measure 1-4 %, the shared normal films 3-16 %).
inline constexpr double kScoreCentre = 0.15;
inline constexpr double kScoreWidth = 0.04;

}  // namespace alveo::classifier::cxr
