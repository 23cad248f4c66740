// SPDX-License-Identifier: Apache-2.0
// Two passes over runs: (1) extract the runs of foreground of every row and unite runs of
// neighbouring rows that touch (union-find, parent index always <= child index, so every root is
// the first run of its set in raster order); (2) number the roots in raster order, measure the
// components from the runs and paint the label map.
#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "classifier/kernels/components_internal.h"
#include "classifier/kernels/parallel_internal.h"

namespace alveo::kernels {
namespace internal {
namespace {

struct Run {
  int x0;  // first foreground x
  int x1;  // one past the last
};

// A neighbouring row (dy, dz) already visited in raster order; slack 1 lets runs touch diagonally.
struct NeighbourRow {
  int dy;
  int dz;
  int slack;
};

std::vector<NeighbourRow> NeighbourRows(Connectivity connectivity) {
  switch (connectivity) {
    case Connectivity::k6:
      return {{-1, 0, 0}, {0, -1, 0}};
    case Connectivity::k18:
      return {{-1, 0, 1}, {0, -1, 1}, {-1, -1, 0}, {1, -1, 0}};
    case Connectivity::k26:
      return {{-1, 0, 1}, {0, -1, 1}, {-1, -1, 1}, {1, -1, 1}};
  }
  return {};
}

bool HasZeroByte(std::uint64_t w) {
  return ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL) != 0;
}

int SkipZeros(const std::uint8_t* row, int x, int nx) {
  for (std::uint64_t w = 0; x + 8 <= nx; x += 8) {
    std::memcpy(&w, row + x, sizeof w);
    if (w != 0) break;
  }
  while (x < nx && row[x] == 0) ++x;
  return x;
}

int SkipNonZeros(const std::uint8_t* row, int x, int nx) {
  for (std::uint64_t w = 0; x + 8 <= nx; x += 8) {
    std::memcpy(&w, row + x, sizeof w);
    if (HasZeroByte(w)) break;
  }
  while (x < nx && row[x] != 0) ++x;
  return x;
}

void AppendRuns(const std::uint8_t* row, int nx, std::vector<Run>& runs) {
  int x = SkipZeros(row, 0, nx);
  while (x < nx) {
    const int start = x;
    x = SkipNonZeros(row, x, nx);
    runs.push_back({start, x});
    x = SkipZeros(row, x, nx);
  }
}

class RunLabeller {
 public:
  RunLabeller(const std::uint8_t* data, int nx, int ny, int nz, Connectivity connectivity,
              int threads)
      : data_(data),
        nx_(nx),
        ny_(ny),
        nz_(nz),
        threads_(threads),
        neighbours_(NeighbourRows(connectivity)) {}

  // Finds and numbers the components; call once, before either Paint function.
  std::vector<Component> Measure() {
    ExtractRuns();
    LinkAll();
    return Statistics(NumberRoots());
  }

  // The per-voxel label map.
  std::vector<std::uint32_t> PaintLabels() const {
    std::vector<std::uint32_t> labels(VoxelCount(), 0);
    PaintRuns(labels.data(), [this](std::size_t r) { return parent_[r]; });
    return labels;
  }

  // 1 on the voxels of the components with keep[label] != 0 (keep has one entry per label + 1).
  std::vector<std::uint8_t> PaintMask(const std::vector<std::uint8_t>& keep) const {
    std::vector<std::uint8_t> mask(VoxelCount(), 0);
    PaintRuns(mask.data(), [&](std::size_t r) { return keep[parent_[r]]; });
    return mask;
  }

 private:
  std::size_t RowIndex(int y, int z) const {
    return static_cast<std::size_t>(z) * static_cast<std::size_t>(ny_) +
           static_cast<std::size_t>(y);
  }

  void ExtractRuns() {
    const std::size_t rows = RowIndex(0, nz_);
    row_begin_.assign(rows + 1, 0);
    std::vector<std::vector<Run>> parts(static_cast<std::size_t>(ChunkCount(nz_, threads_)));
    ParallelChunks(nz_, threads_, [&](int chunk, int z0, int z1) {
      std::vector<Run>& part = parts[static_cast<std::size_t>(chunk)];
      for (std::size_t row = RowIndex(0, z0); row < RowIndex(0, z1); ++row) {
        const std::size_t before = part.size();
        AppendRuns(data_ + row * static_cast<std::size_t>(nx_), nx_, part);
        row_begin_[row + 1] = part.size() - before;
      }
    });
    for (std::size_t row = 0; row < rows; ++row) row_begin_[row + 1] += row_begin_[row];
    if (row_begin_[rows] >= std::numeric_limits<std::uint32_t>::max()) {
      throw std::length_error("LabelComponents: too many runs for 32-bit labels");
    }
    if (parts.size() == 1) {
      runs_ = std::move(parts[0]);
    } else {
      runs_.reserve(row_begin_[rows]);
      for (const std::vector<Run>& part : parts) {
        runs_.insert(runs_.end(), part.begin(), part.end());
      }
    }
    parent_.resize(runs_.size());
    for (std::size_t r = 0; r < parent_.size(); ++r) parent_[r] = static_cast<std::uint32_t>(r);
  }

  // Slabs of slices are united in parallel (each touches only its own runs); the links between a
  // slab's first slice and the slice before it are made afterwards on this thread.
  void LinkAll() {
    std::vector<int> slab_starts(static_cast<std::size_t>(ChunkCount(nz_, threads_)), 0);
    ParallelChunks(nz_, threads_, [&](int chunk, int z0, int z1) {
      slab_starts[static_cast<std::size_t>(chunk)] = z0;
      for (int z = z0; z < z1; ++z) {
        for (int y = 0; y < ny_; ++y) LinkRow(y, z, true, z > z0);
      }
    });
    for (std::size_t s = 1; s < slab_starts.size(); ++s) {
      for (int y = 0; y < ny_; ++y) LinkRow(y, slab_starts[s], false, true);
    }
  }

  void LinkRow(int y, int z, bool same_slice, bool previous_slice) {
    const std::size_t row = RowIndex(y, z);
    if (row_begin_[row] == row_begin_[row + 1]) return;
    for (const NeighbourRow& n : neighbours_) {
      if ((n.dz == 0 && !same_slice) || (n.dz != 0 && !previous_slice)) continue;
      const int ny = y + n.dy;
      const int nz = z + n.dz;
      if (ny < 0 || ny >= ny_ || nz < 0) continue;
      const std::size_t other = RowIndex(ny, nz);
      MergeRows(row_begin_[row], row_begin_[row + 1], row_begin_[other], row_begin_[other + 1],
                n.slack);
    }
  }

  // Unites every pair of runs (one from each row) that overlap once widened by `slack`.
  void MergeRows(std::size_t a, std::size_t a_end, std::size_t b, std::size_t b_end, int slack) {
    while (a < a_end && b < b_end) {
      const Run& ra = runs_[a];
      const Run& rb = runs_[b];
      if (ra.x0 < rb.x1 + slack && rb.x0 < ra.x1 + slack) Unite(a, b);
      if (ra.x1 < rb.x1) {
        ++a;
      } else {
        ++b;
      }
    }
  }

  std::uint32_t Find(std::uint32_t r) {
    while (parent_[r] != r) {
      parent_[r] = parent_[parent_[r]];
      r = parent_[r];
    }
    return r;
  }

  void Unite(std::size_t a, std::size_t b) {
    const std::uint32_t ra = Find(static_cast<std::uint32_t>(a));
    const std::uint32_t rb = Find(static_cast<std::uint32_t>(b));
    if (ra < rb) {
      parent_[rb] = ra;
    } else if (rb < ra) {
      parent_[ra] = rb;
    }
  }

  // Replaces parent_ by the 1-based label of each run. Parents precede children, so a parent's
  // entry already holds its set's label when the child is reached.
  std::uint32_t NumberRoots() {
    std::uint32_t count = 0;
    for (std::size_t r = 0; r < parent_.size(); ++r) {
      const std::uint32_t p = parent_[r];
      parent_[r] = (p == r) ? ++count : parent_[p];
    }
    return count;
  }

  std::vector<Component> Statistics(std::uint32_t count) const {
    Component empty;
    empty.min = {nx_, ny_, nz_};
    empty.max = {-1, -1, -1};
    std::vector<Component> components(count, empty);
    std::vector<std::array<double, 3>> sums(count, {0.0, 0.0, 0.0});
    for (int z = 0; z < nz_; ++z) {
      for (int y = 0; y < ny_; ++y) {
        const std::size_t row = RowIndex(y, z);
        for (std::size_t r = row_begin_[row]; r < row_begin_[row + 1]; ++r) {
          const std::size_t c = parent_[r] - 1;
          AddRun(runs_[r], y, z, components[c], sums[c]);
        }
      }
    }
    for (std::uint32_t c = 0; c < count; ++c) {
      Component& comp = components[c];
      comp.label = c + 1;
      for (int a = 0; a < 3; ++a) comp.centroid[a] = sums[c][a] / static_cast<double>(comp.voxels);
      comp.touches_border = std::any_of(comp.touches_face.begin(), comp.touches_face.end(),
                                        [](bool touches) { return touches; });
    }
    return components;
  }

  void AddRun(const Run& run, int y, int z, Component& comp, std::array<double, 3>& sum) const {
    const int length = run.x1 - run.x0;
    comp.voxels += static_cast<std::size_t>(length);
    comp.min = {std::min(comp.min[0], run.x0), std::min(comp.min[1], y), std::min(comp.min[2], z)};
    comp.max = {std::max(comp.max[0], run.x1 - 1), std::max(comp.max[1], y),
                std::max(comp.max[2], z)};
    sum[0] += 0.5 * length * (run.x0 + run.x1 - 1);
    sum[1] += static_cast<double>(length) * y;
    sum[2] += static_cast<double>(length) * z;
    std::array<bool, 6>& face = comp.touches_face;
    face[0] = face[0] || run.x0 == 0;
    face[1] = face[1] || run.x1 == nx_;
    face[2] = face[2] || y == 0;
    face[3] = face[3] || y == ny_ - 1;
    face[4] = face[4] || z == 0;
    face[5] = face[5] || z == nz_ - 1;
  }

  std::size_t VoxelCount() const { return RowIndex(0, nz_) * static_cast<std::size_t>(nx_); }

  // out[voxel] = value(run) over every run, slabs of slices in parallel; other voxels untouched.
  template <typename T, typename Value>
  void PaintRuns(T* out, Value value) const {
    ParallelFor(nz_, threads_, [&](int z0, int z1) {
      for (std::size_t row = RowIndex(0, z0); row < RowIndex(0, z1); ++row) {
        T* line = out + row * static_cast<std::size_t>(nx_);
        for (std::size_t r = row_begin_[row]; r < row_begin_[row + 1]; ++r) {
          std::fill(line + runs_[r].x0, line + runs_[r].x1, static_cast<T>(value(r)));
        }
      }
    });
  }

  const std::uint8_t* data_;
  int nx_;
  int ny_;
  int nz_;
  int threads_;
  std::vector<NeighbourRow> neighbours_;
  std::vector<Run> runs_;
  std::vector<std::size_t> row_begin_;  // runs of row r: [row_begin_[r], row_begin_[r + 1])
  std::vector<std::uint32_t> parent_;   // union-find parents, then labels (NumberRoots)
};

}  // namespace

Components LabelGrid(const std::uint8_t* data, int nx, int ny, int nz, Connectivity connectivity,
                     int threads) {
  if (nx <= 0 || ny <= 0 || nz <= 0) return {};
  RunLabeller labeller(data, nx, ny, nz, connectivity, threads);
  Components out;
  out.components = labeller.Measure();
  out.labels = labeller.PaintLabels();
  return out;
}

std::vector<std::uint8_t> KeepLargestGrid(const std::uint8_t* data, int nx, int ny, int nz,
                                          Connectivity connectivity, int count) {
  if (nx <= 0 || ny <= 0 || nz <= 0) return {};
  RunLabeller labeller(data, nx, ny, nz, connectivity, 1);
  std::vector<Component> sorted = labeller.Measure();
  std::vector<std::uint8_t> keep(sorted.size() + 1, 0);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Component& a, const Component& b) { return a.voxels > b.voxels; });
  for (std::size_t i = 0; i < sorted.size() && static_cast<long long>(i) < count; ++i) {
    keep[sorted[i].label] = 1;
  }
  return labeller.PaintMask(keep);
}

}  // namespace internal

Components LabelComponents(const MaskVolume& mask, Connectivity connectivity, int threads) {
  const VolumeGeometry& g = mask.geometry;
  if (mask.voxels.size() != g.VoxelCount()) {
    throw std::invalid_argument("LabelComponents: voxel count does not match the geometry");
  }
  return internal::LabelGrid(mask.voxels.data(), g.size_x, g.size_y, g.size_z, connectivity,
                             threads);
}

MaskVolume MaskOfLabels(const Components& components, const VolumeGeometry& geometry,
                        const std::vector<std::uint32_t>& labels) {
  std::vector<std::uint8_t> keep(components.components.size() + 1, 0);
  for (std::uint32_t label : labels) {
    if (label > 0 && label < keep.size()) keep[label] = 1;
  }
  MaskVolume out(geometry);
  const std::size_t n = std::min(out.voxels.size(), components.labels.size());
  for (std::size_t i = 0; i < n; ++i) out.voxels[i] = keep[components.labels[i]];
  return out;
}

MaskVolume KeepLargest(const MaskVolume& mask, int count, Connectivity connectivity) {
  const VolumeGeometry& g = mask.geometry;
  if (mask.voxels.size() != g.VoxelCount()) {
    throw std::invalid_argument("KeepLargest: voxel count does not match the geometry");
  }
  MaskVolume out;
  out.geometry = g;
  out.voxels = internal::KeepLargestGrid(mask.voxels.data(), g.size_x, g.size_y, g.size_z,
                                         connectivity, count);
  return out;
}

}  // namespace alveo::kernels
