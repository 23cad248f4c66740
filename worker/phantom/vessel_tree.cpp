// SPDX-License-Identifier: Apache-2.0
#include "phantom/vessel_tree.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "phantom/chest_model.h"
#include "phantom/random.h"

namespace alveo::phantom {
namespace {

// Branch points per lung, sampled uniformly in the lung: ~8 mm apart in a 2 L lung.
constexpr int kPointsPerLung = 3000;
constexpr int kMaxSamples = 200000;
constexpr double kLeafRadius = 0.55;  // mm
constexpr double kMaxRadius = 6.0;    // mm, lobar arteries
constexpr int kCandidates = 4;  // nearest nodes tried when a straight link would leave the lung

double Dist2(const Point3& a, const Point3& b) {
  return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.h - b.h) * (a.h - b.h);
}

Point3 Lerp(const Point3& a, const Point3& b, double t) {
  return {a.x + t * (b.x - a.x), a.y + t * (b.y - a.y), a.h + t * (b.h - a.h)};
}

bool LinkInLung(const ChestModel& model, const Point3& a, const Point3& b) {
  for (const double t : {0.25, 0.5, 0.75}) {
    const Point3 p = Lerp(a, b, t);
    if (!model.IsLung(p.x, p.y, p.h)) return false;
  }
  return true;
}

std::vector<Point3> SampleLung(const ChestModel& model, double side, SplitMix64& rng) {
  std::vector<Point3> points;
  for (int n = 0; n < kMaxSamples && static_cast<int>(points.size()) < kPointsPerLung; ++n) {
    const Point3 p{side * rng.Uniform(10.0, 145.0), rng.Uniform(-95.0, 100.0),
                   rng.Uniform(0.0, kLungApexHeight)};
    if (model.IsLung(p.x, p.y, p.h)) points.push_back(p);
  }
  return points;
}

// Links every point to the nearest node already in the tree (points visited outward from the
// hilum), then sizes each link by the number of points it feeds (Murray: r ~ n^(1/3)).
void GrowLung(const ChestModel& model, const Point3& hilum, std::vector<Point3> points,
              std::vector<Capsule>& out) {
  std::stable_sort(points.begin(), points.end(), [&](const Point3& a, const Point3& b) {
    return Dist2(a, hilum) < Dist2(b, hilum);
  });
  std::vector<Point3> nodes{hilum};
  std::vector<int> parent{-1};
  std::vector<std::pair<double, int>> nearest;
  for (const Point3& p : points) {
    nearest.clear();
    for (int j = 0; j < static_cast<int>(nodes.size()); ++j) {
      nearest.emplace_back(Dist2(nodes[static_cast<std::size_t>(j)], p), j);
    }
    const auto k =
        std::min<std::ptrdiff_t>(kCandidates, static_cast<std::ptrdiff_t>(nearest.size()));
    std::partial_sort(nearest.begin(), nearest.begin() + k, nearest.end());
    for (std::ptrdiff_t c = 0; c < k; ++c) {
      const int j = nearest[static_cast<std::size_t>(c)].second;
      if (!LinkInLung(model, nodes[static_cast<std::size_t>(j)], p)) continue;
      nodes.push_back(p);
      parent.push_back(j);
      break;
    }
  }
  std::vector<int> fed(nodes.size(), 1);
  for (std::size_t i = nodes.size() - 1; i > 0; --i) {
    fed[static_cast<std::size_t>(parent[i])] += fed[i];
  }
  for (std::size_t i = 1; i < nodes.size(); ++i) {
    const double r = std::min(kMaxRadius, kLeafRadius * std::cbrt(static_cast<double>(fed[i])));
    out.push_back(Capsule{nodes[static_cast<std::size_t>(parent[i])], nodes[i], r});
  }
}

}  // namespace

VesselTree::VesselTree(const ChestModel& model, std::uint64_t seed) {
  SplitMix64 rng(HashCombine(seed, HashTag("vessels")));
  const std::array<Point3, 2> hila{Point3{-52.0, 25.0, 126.0}, Point3{54.0, 28.0, 122.0}};
  for (int side = 0; side < 2; ++side) {
    const Point3& hilum = hila[static_cast<std::size_t>(side)];
    if (!model.IsLung(hilum.x, hilum.y, hilum.h)) continue;  // e.g. an abdomen-only phantom
    GrowLung(model, hilum, SampleLung(model, side == 0 ? -1.0 : 1.0, rng), segments_);
  }
  // Sorted by lowest point so a renderer can stop scanning early.
  std::stable_sort(segments_.begin(), segments_.end(),
                   [](const Capsule& a, const Capsule& b) { return a.MinH() < b.MinH(); });
}

}  // namespace alveo::phantom
