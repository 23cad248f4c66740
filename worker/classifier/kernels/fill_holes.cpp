// SPDX-License-Identifier: Apache-2.0
#include "classifier/kernels/fill_holes.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace alveo::kernels {
namespace {

struct Seed {
  int x;
  int y;
  int z;
};

// Flood fill of the background of an nx*ny*nz grid from its border, one run of a row at a time.
// With three_d == false the grid must be one slice and only its x/y edges are border.
class BorderFill {
 public:
  BorderFill(const std::uint8_t* mask, int nx, int ny, int nz, bool three_d)
      : mask_(mask),
        nx_(nx),
        ny_(ny),
        nz_(nz),
        three_d_(three_d),
        reached_(static_cast<std::size_t>(nx) * ny * nz, 0) {}

  // Returns 1 for every background voxel connected to the border, else 0.
  const std::vector<std::uint8_t>& Run() {
    for (int z = 0; z < nz_; ++z) {
      for (int y = 0; y < ny_; ++y) SeedRow(y, z);
    }
    while (!stack_.empty()) {
      const Seed seed = stack_.back();
      stack_.pop_back();
      FillFrom(seed);
    }
    return reached_;
  }

 private:
  std::size_t RowStart(int y, int z) const {
    return (static_cast<std::size_t>(z) * ny_ + static_cast<std::size_t>(y)) * nx_;
  }
  bool Open(std::size_t i) const { return mask_[i] == 0 && reached_[i] == 0; }

  void SeedRow(int y, int z) {
    const bool border_row = y == 0 || y == ny_ - 1 || (three_d_ && (z == 0 || z == nz_ - 1));
    if (border_row) {
      PushSegments(y, z, 0, nx_ - 1);
      return;
    }
    const std::size_t row = RowStart(y, z);
    if (mask_[row] == 0) stack_.push_back({0, y, z});
    if (mask_[row + nx_ - 1] == 0) stack_.push_back({nx_ - 1, y, z});
  }

  // Pushes the first voxel of every open stretch of row (y, z) within [x0, x1].
  void PushSegments(int y, int z, int x0, int x1) {
    const std::size_t row = RowStart(y, z);
    bool in_segment = false;
    for (int x = x0; x <= x1; ++x) {
      const bool open = Open(row + x);
      if (open && !in_segment) stack_.push_back({x, y, z});
      in_segment = open;
    }
  }

  void FillFrom(const Seed& seed) {
    const std::size_t row = RowStart(seed.y, seed.z);
    if (!Open(row + seed.x)) return;
    int x0 = seed.x;
    int x1 = seed.x;
    while (x0 > 0 && Open(row + x0 - 1)) --x0;
    while (x1 + 1 < nx_ && Open(row + x1 + 1)) ++x1;
    std::memset(reached_.data() + row + x0, 1, static_cast<std::size_t>(x1 - x0 + 1));
    if (seed.y > 0) PushSegments(seed.y - 1, seed.z, x0, x1);
    if (seed.y + 1 < ny_) PushSegments(seed.y + 1, seed.z, x0, x1);
    if (three_d_ && seed.z > 0) PushSegments(seed.y, seed.z - 1, x0, x1);
    if (three_d_ && seed.z + 1 < nz_) PushSegments(seed.y, seed.z + 1, x0, x1);
  }

  const std::uint8_t* mask_;
  int nx_;
  int ny_;
  int nz_;
  bool three_d_;
  std::vector<std::uint8_t> reached_;
  std::vector<Seed> stack_;
};

void FillGrid(std::uint8_t* mask, int nx, int ny, int nz, bool three_d) {
  if (nx <= 0 || ny <= 0 || nz <= 0) return;
  BorderFill fill(mask, nx, ny, nz, three_d);
  const std::vector<std::uint8_t>& outside = fill.Run();
  for (std::size_t i = 0; i < outside.size(); ++i) {
    if (mask[i] == 0 && outside[i] == 0) mask[i] = 1;
  }
}

void CheckSize(std::size_t have, std::size_t want) {
  if (have != want) throw std::invalid_argument("FillHoles: pixel count does not match the size");
}

}  // namespace

void FillHolesPerSlice(MaskVolume& mask) {
  const VolumeGeometry& g = mask.geometry;
  CheckSize(mask.voxels.size(), g.VoxelCount());
  for (int z = 0; z < g.size_z; ++z) FillGrid(mask.Slice(z), g.size_x, g.size_y, 1, false);
}

void FillHoles3D(MaskVolume& mask) {
  const VolumeGeometry& g = mask.geometry;
  CheckSize(mask.voxels.size(), g.VoxelCount());
  FillGrid(mask.voxels.data(), g.size_x, g.size_y, g.size_z, true);
}

void FillHoles2D(Mask2D& mask) {
  if (mask.width < 0 || mask.height < 0) return;
  CheckSize(mask.pixels.size(),
            static_cast<std::size_t>(mask.width) * static_cast<std::size_t>(mask.height));
  FillGrid(mask.pixels.data(), mask.width, mask.height, 1, false);
}

}  // namespace alveo::kernels
