// SPDX-License-Identifier: Apache-2.0
// Small geometric primitives of the phantom, in patient millimetres: x towards the patient's left,
// y towards posterior, h height above the lung base (superior). A capsule is a tube with round
// ends: airways, great vessels and every pulmonary vessel branch. Thread-safety: plain values.
#pragma once

#include <algorithm>

namespace alveo::phantom {

struct Point3 {
  double x = 0.0;
  double y = 0.0;
  double h = 0.0;
};

struct Capsule {
  Point3 a;
  Point3 b;
  double radius = 1.0;

  double MinH() const { return std::min(a.h, b.h) - radius; }
  double MaxH() const { return std::max(a.h, b.h) + radius; }

  // Squared distance from (x, y, h) to the segment a-b.
  double Dist2(double x, double y, double h) const {
    const double ux = b.x - a.x, uy = b.y - a.y, uh = b.h - a.h;
    const double px = x - a.x, py = y - a.y, ph = h - a.h;
    const double len2 = ux * ux + uy * uy + uh * uh;
    double t = len2 > 0.0 ? (px * ux + py * uy + ph * uh) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const double dx = px - t * ux, dy = py - t * uy, dh = ph - t * uh;
    return dx * dx + dy * dy + dh * dh;
  }
  bool Contains(double x, double y, double h) const { return Dist2(x, y, h) < radius * radius; }
};

// Axis-aligned bounds of a capsule's cross-section with the plane at height h (empty if none).
struct PlaneBounds {
  double x_min = 0.0, x_max = -1.0, y_min = 0.0, y_max = -1.0;
  bool empty() const { return x_max < x_min; }
};

inline PlaneBounds CrossSectionBounds(const Capsule& c, double h) {
  PlaneBounds box;
  if (h < c.MinH() || h > c.MaxH()) return box;
  // Parameter range of the axis whose height lies within one radius of the plane.
  double t0 = 0.0, t1 = 1.0;
  const double dh = c.b.h - c.a.h;
  if (dh > 1e-9 || dh < -1e-9) {
    t0 = (h - c.radius - c.a.h) / dh;
    t1 = (h + c.radius - c.a.h) / dh;
    if (t0 > t1) std::swap(t0, t1);
    t0 = std::clamp(t0, 0.0, 1.0);
    t1 = std::clamp(t1, 0.0, 1.0);
  }
  const double xa = c.a.x + t0 * (c.b.x - c.a.x), xb = c.a.x + t1 * (c.b.x - c.a.x);
  const double ya = c.a.y + t0 * (c.b.y - c.a.y), yb = c.a.y + t1 * (c.b.y - c.a.y);
  box.x_min = std::min(xa, xb) - c.radius;
  box.x_max = std::max(xa, xb) + c.radius;
  box.y_min = std::min(ya, yb) - c.radius;
  box.y_max = std::max(ya, yb) + c.radius;
  return box;
}

}  // namespace alveo::phantom
