// SPDX-License-Identifier: Apache-2.0
// Dilation by r = {v : squared distance to foreground <= r^2}; erosion by r = {v : squared distance
// to background > r^2}. One distance transform each; open and close use two.
#include "classifier/kernels/morphology.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "classifier/kernels/distance_internal.h"

namespace alveo::kernels {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr double kRadiusTolerance = 1e-5;

struct Domain {
  internal::EdtGrid grid;
  bool per_slice = false;
  int threads = 1;
};

float SquaredLimit(double radius) {
  const double r = radius * (1.0 + kRadiusTolerance);
  return static_cast<float>(r * r);
}

// Runs the thresholded distance transforms of one operation, reusing one float buffer.
class DistanceThreshold {
 public:
  DistanceThreshold(const Domain& domain, std::size_t n) : domain_(domain), d2_(n) {}

  // out[i] = 1 where the squared distance from voxel i to the nearest site is within r^2
  // (within == true) or beyond it. `in` may be `out`: it is read completely before any write.
  void Run(const std::uint8_t* in, bool sites_fg, bool outside_is_site, double radius, bool within,
           Bytes& out) {
    const float limit = SquaredLimit(radius);
    const internal::EdtOptions options{.sites_are_foreground = sites_fg,
                                       .per_slice = domain_.per_slice,
                                       .outside_is_site = outside_is_site,
                                       .threads = domain_.threads,
                                       .cap = limit};
    internal::SquaredEdt(in, domain_.grid, options, d2_.data());
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = static_cast<std::uint8_t>(within ? d2_[i] <= limit : d2_[i] > limit);
    }
  }

  void Dilate(const std::uint8_t* in, double radius, Bytes& out) {
    Run(in, true, false, radius, true, out);
  }
  void Erode(const std::uint8_t* in, double radius, bool outside_is_background, Bytes& out) {
    Run(in, false, outside_is_background, radius, false, out);
  }

 private:
  Domain domain_;
  std::vector<float> d2_;
};

Bytes Normalised(const Bytes& mask) {
  Bytes out(mask.size());
  for (std::size_t i = 0; i < mask.size(); ++i) out[i] = static_cast<std::uint8_t>(mask[i] != 0);
  return out;
}

Bytes DilateBytes(const Bytes& mask, const Domain& d, double radius) {
  if (radius <= 0) return Normalised(mask);
  Bytes out(mask.size());
  DistanceThreshold(d, mask.size()).Dilate(mask.data(), radius, out);
  return out;
}

Bytes ErodeBytes(const Bytes& mask, const Domain& d, double radius, bool outside_is_background) {
  if (radius <= 0) return Normalised(mask);
  Bytes out(mask.size());
  DistanceThreshold(d, mask.size()).Erode(mask.data(), radius, outside_is_background, out);
  return out;
}

Bytes OpenBytes(const Bytes& mask, const Domain& d, double radius) {
  if (radius <= 0) return Normalised(mask);
  Bytes out(mask.size());
  DistanceThreshold transform(d, mask.size());
  transform.Erode(mask.data(), radius, false, out);
  transform.Dilate(out.data(), radius, out);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] &= static_cast<std::uint8_t>(mask[i] != 0);
  return out;
}

Bytes CloseBytes(const Bytes& mask, const Domain& d, double radius) {
  if (radius <= 0) return Normalised(mask);
  Bytes out(mask.size());
  DistanceThreshold transform(d, mask.size());
  transform.Dilate(mask.data(), radius, out);
  transform.Erode(out.data(), radius, false, out);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] |= static_cast<std::uint8_t>(mask[i] != 0);
  return out;
}

Domain VolumeDomain(const MaskVolume& mask, bool per_slice, int threads) {
  const VolumeGeometry& g = mask.geometry;
  if (mask.voxels.size() != g.VoxelCount()) {
    throw std::invalid_argument("morphology: voxel count does not match the geometry");
  }
  return {
      {g.size_x, g.size_y, g.size_z, g.spacing[0], g.spacing[1], g.spacing[2]}, per_slice, threads};
}

Domain ImageDomain(const Mask2D& mask) {
  if (mask.width < 0 || mask.height < 0 ||
      mask.pixels.size() !=
          static_cast<std::size_t>(mask.width) * static_cast<std::size_t>(mask.height)) {
    throw std::invalid_argument("morphology: pixel count does not match the size");
  }
  return {{mask.width, mask.height, 1, 1.0, 1.0, 1.0}, true, 1};
}

MaskVolume WithVoxels(const VolumeGeometry& geometry, Bytes voxels) {
  MaskVolume out;
  out.geometry = geometry;
  out.voxels = std::move(voxels);
  return out;
}

Mask2D WithPixels(const Mask2D& like, Bytes pixels) {
  Mask2D out;
  out.width = like.width;
  out.height = like.height;
  out.spacing_x = like.spacing_x;
  out.spacing_y = like.spacing_y;
  out.pixels = std::move(pixels);
  return out;
}

}  // namespace

MaskVolume Dilate(const MaskVolume& mask, double radius_mm, int threads) {
  const Domain d = VolumeDomain(mask, false, threads);
  return WithVoxels(mask.geometry, DilateBytes(mask.voxels, d, radius_mm));
}

MaskVolume Erode(const MaskVolume& mask, double radius_mm, bool outside_is_background,
                 int threads) {
  const Domain d = VolumeDomain(mask, false, threads);
  return WithVoxels(mask.geometry, ErodeBytes(mask.voxels, d, radius_mm, outside_is_background));
}

MaskVolume Open(const MaskVolume& mask, double radius_mm, int threads) {
  const Domain d = VolumeDomain(mask, false, threads);
  return WithVoxels(mask.geometry, OpenBytes(mask.voxels, d, radius_mm));
}

MaskVolume Close(const MaskVolume& mask, double radius_mm, int threads) {
  const Domain d = VolumeDomain(mask, false, threads);
  return WithVoxels(mask.geometry, CloseBytes(mask.voxels, d, radius_mm));
}

MaskVolume DilatePerSlice(const MaskVolume& mask, double radius_mm, int threads) {
  const Domain d = VolumeDomain(mask, true, threads);
  return WithVoxels(mask.geometry, DilateBytes(mask.voxels, d, radius_mm));
}

MaskVolume ErodePerSlice(const MaskVolume& mask, double radius_mm, bool outside_is_background,
                         int threads) {
  const Domain d = VolumeDomain(mask, true, threads);
  return WithVoxels(mask.geometry, ErodeBytes(mask.voxels, d, radius_mm, outside_is_background));
}

MaskVolume OpenPerSlice(const MaskVolume& mask, double radius_mm, int threads) {
  const Domain d = VolumeDomain(mask, true, threads);
  return WithVoxels(mask.geometry, OpenBytes(mask.voxels, d, radius_mm));
}

MaskVolume ClosePerSlice(const MaskVolume& mask, double radius_mm, int threads) {
  const Domain d = VolumeDomain(mask, true, threads);
  return WithVoxels(mask.geometry, CloseBytes(mask.voxels, d, radius_mm));
}

Mask2D Dilate2D(const Mask2D& mask, double radius_px) {
  return WithPixels(mask, DilateBytes(mask.pixels, ImageDomain(mask), radius_px));
}

Mask2D Erode2D(const Mask2D& mask, double radius_px, bool outside_is_background) {
  return WithPixels(mask,
                    ErodeBytes(mask.pixels, ImageDomain(mask), radius_px, outside_is_background));
}

Mask2D Open2D(const Mask2D& mask, double radius_px) {
  return WithPixels(mask, OpenBytes(mask.pixels, ImageDomain(mask), radius_px));
}

Mask2D Close2D(const Mask2D& mask, double radius_px) {
  return WithPixels(mask, CloseBytes(mask.pixels, ImageDomain(mask), radius_px));
}

}  // namespace alveo::kernels
