// SPDX-License-Identifier: Apache-2.0
// Prints how long the hot-path kernels take at the working resolution (256 x 256 x 150). Not an
// assertion: the numbers are for the report (see the module's performance targets).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <random>

#include <gtest/gtest.h>

#include "classifier/kernels/kernels.h"
#include "kernels_test_util.h"

namespace alveo::kernels {
namespace {

// A crude chest: air outside an elliptic body (40 HU) holding two elliptic lungs (-850 HU) with
// noise and a few dense spots.
Volume SyntheticChest() {
  Volume v(testing::Grid(256, 256, 150, 1.4, 1.4, 2.0), -1000);
  std::mt19937 rng(42);
  std::normal_distribution<float> noise(0.f, 40.f);
  for (int k = 0; k < 150; ++k) {
    for (int j = 0; j < 256; ++j) {
      for (int i = 0; i < 256; ++i) {
        const double bx = (i - 128) / 115.0, by = (j - 128) / 85.0;
        const double lx = (std::abs(i - 128) - 55) / 38.0, ly = (j - 120) / 60.0;
        const double lz = (k - 80) / 75.0;
        float hu = -1000;
        if (bx * bx + by * by < 1) hu = 40;
        if (lx * lx + ly * ly + lz * lz < 1) hu = ((i * 7 + j * 3 + k) % 97 == 0) ? 60.f : -850.f;
        v.At(i, j, k) = static_cast<std::int16_t>(hu + noise(rng));
      }
    }
  }
  return v;
}

// Wall-clock and process CPU time of one run, in ms. Every run allocates its result afresh, so
// first-touch page faults are included (on the CI virtual machines these cost ~3.5 ms per MB, i.e.
// ~140 ms for a float volume). On a busy machine the CPU time of a single-threaded run is the
// steadier figure.
struct Took {
  double wall = 0;
  double cpu = 0;
};

template <typename F>
Took Ms(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  f();
  const std::chrono::duration<double, std::milli> wall = std::chrono::steady_clock::now() - start;
  return {wall.count(), 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC};
}

void Print(const char* what, Took one, Took two = {-1, -1}) {
  std::printf("[ timing   ] %-34s %7.1f ms (cpu %7.1f)", what, one.wall, one.cpu);
  if (two.wall >= 0) std::printf("   2 threads %7.1f ms", two.wall);
  std::printf("\n");
}

TEST(KernelTiming, PrintsHotPathTimingsAtWorkingResolution) {
#ifndef NDEBUG
  GTEST_SKIP() << "timings are only meaningful in optimised builds";
#endif
  const Volume ct = SyntheticChest();
  MaskVolume lungs;  // air inside and outside the body
  const Took threshold = Ms([&] { lungs = ThresholdRange(ct, -32768, -400); });
  // Noise straddles -1000 outside the body: half of the outside becomes speckle (~1.3 M runs).
  const MaskVolume speckle = ThresholdRange(ct, -1000, -400);
  std::printf("[ timing   ] volume 256x256x150 = %zu voxels\n", ct.voxels.size());
  volatile double sink = 0;  // keeps the reference allocations from being optimised away
  Print("reference: new zeroed FloatVolume", Ms([&] {
          const FloatVolume f(ct.geometry);
          sink = sink + f.voxels[f.voxels.size() / 2];
        }));
  Print("reference: new zeroed MaskVolume", Ms([&] {
          const MaskVolume m(ct.geometry);
          sink = sink + m.voxels[m.voxels.size() / 2];
        }));
  Print("ThresholdRange", threshold);
  Print("DownsampleMean 2x2x2", Ms([&] { DownsampleMean(ct, 2, 2, 2); }));
  Print("DownsampleMajority 2x2x2", Ms([&] { DownsampleMajority(lungs, 2, 2, 2); }));
  for (Connectivity c : {Connectivity::k6, Connectivity::k26}) {
    Print(c == Connectivity::k6 ? "LabelComponents k6" : "LabelComponents k26",
          Ms([&] { LabelComponents(lungs, c, 1); }), Ms([&] { LabelComponents(lungs, c, 2); }));
  }
  Print("LabelComponents k6, speckled mask",
        Ms([&] { LabelComponents(speckle, Connectivity::k6, 1); }),
        Ms([&] { LabelComponents(speckle, Connectivity::k6, 2); }));
  Print("DistanceToBackground (3-D EDT)", Ms([&] { DistanceToBackground(lungs, false, 1); }),
        Ms([&] { DistanceToBackground(lungs, false, 2); }));
  Print("DistanceToBackgroundPerSlice", Ms([&] { DistanceToBackgroundPerSlice(lungs, false, 1); }),
        Ms([&] { DistanceToBackgroundPerSlice(lungs, false, 2); }));
  Print("Close r = 5 mm", Ms([&] { Close(lungs, 5.0, 1); }), Ms([&] { Close(lungs, 5.0, 2); }));
  Print("Close r = 20 mm", Ms([&] { Close(lungs, 20.0, 1); }), Ms([&] { Close(lungs, 20.0, 2); }));
  Print("GaussianSmooth sigma = 1.5 mm", Ms([&] { GaussianSmooth(ct, 1.5, 1); }),
        Ms([&] { GaussianSmooth(ct, 1.5, 2); }));
  Print("MedianFilter3", Ms([&] { MedianFilter3(ct, 1); }), Ms([&] { MedianFilter3(ct, 2); }));
  Print("FillHolesPerSlice", Ms([&] {
          MaskVolume m = lungs;
          FillHolesPerSlice(m);
        }));
  Print("FillHoles3D", Ms([&] {
          MaskVolume m = lungs;
          FillHoles3D(m);
        }));
  SUCCEED();
}

}  // namespace
}  // namespace alveo::kernels
