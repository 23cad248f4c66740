// SPDX-License-Identifier: Apache-2.0
// Renders one axial plane of the phantom onto a pixel grid: tissue labels and noise-free HU from
// the anatomy, in-plane lung depth (chamfer distance to the lung edge), the lung pattern, then
// vessels. Used by the CT generator (one plane per slice or several per thick slice) and by the
// radiograph generator (a coarse volume that it projects). Thread-safety: Render() is const and
// reentrant. Ownership: borrows the model, pattern and vessels; the caller owns the PlaneImage.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace alveo::phantom {

class ChestModel;
class LungPattern;
class VesselTree;

// An axis-aligned pixel grid in patient millimetres; dx/dy may be negative (prone images).
struct PlaneGrid {
  int width = 0;
  int height = 0;
  double x0 = 0.0, dx = 1.0;  // patient x of column i = x0 + i * dx
  double y0 = 0.0, dy = 1.0;  // patient y of row j = y0 + j * dy
};

struct PlaneImage {
  std::vector<float> hu;
  std::vector<std::uint8_t> labels;      // phantom::Label values
  std::vector<std::uint8_t> opacity;     // phantom::Opacity values
  std::vector<float> depth_mm;           // lung pixels: distance to the lung edge; 0 elsewhere
  std::vector<std::uint8_t> near_fluid;  // scratch: lung next to an effusion
  std::array<float, 2> max_depth_mm{};   // deepest lung pixel: right, left

  void Resize(std::size_t pixels);
};

class PlaneRenderer {
 public:
  // `vessels` may be null (no vessels drawn). All references must outlive the renderer.
  PlaneRenderer(const ChestModel& model, const LungPattern& pattern, const VesselTree* vessels)
      : model_(model), pattern_(pattern), vessels_(vessels) {}

  void Render(const PlaneGrid& grid, double h, PlaneImage& out) const;

 private:
  void RenderAnatomy(const PlaneGrid& grid, double h, PlaneImage& out) const;
  void ApplyPattern(const PlaneGrid& grid, double h, PlaneImage& out) const;
  void DrawVessels(const PlaneGrid& grid, double h, PlaneImage& out) const;

  const ChestModel& model_;
  const LungPattern& pattern_;
  const VesselTree* vessels_;
};

// Two-pass chamfer distance (mm) from each lung pixel to the nearest non-lung pixel; returns the
// deepest value per side in `max_depth`.
void LungDepth(const std::uint8_t* labels, int width, int height, double spacing_x,
               double spacing_y, float* depth, std::array<float, 2>& max_depth);

}  // namespace alveo::phantom
