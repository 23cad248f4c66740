// SPDX-License-Identifier: Apache-2.0
// The phantom's own random numbers: a SplitMix64 generator (Steele, Lea & Flood 2014, written from
// the published recurrence) plus hashing helpers to derive independent streams per slice or row.
// Output is bit-identical on every platform and standard library, which std:: distributions are
// not. Thread-safety: a generator is a value owned by one thread; the free functions are pure.
#pragma once

#include <cstdint>
#include <string_view>

namespace alveo::phantom {

// The SplitMix64 output function: a bijective 64-bit mixer.
constexpr std::uint64_t Mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t HashCombine(std::uint64_t a, std::uint64_t b) {
  return Mix64(a + 0x9E3779B97F4A7C15ull + Mix64(b));
}

// FNV-1a of a short tag, so that streams can be named ("ct-noise", "vessels").
constexpr std::uint64_t HashTag(std::string_view tag) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (const char c : tag) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ull;
  }
  return h;
}

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ull;
    return Mix64(state_);
  }
  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Approximately standard normal: Irwin-Hall sum of four 16-bit uniforms, bounded to +-3.46.
  float Normal() {
    const std::uint64_t r = Next();
    const auto sum =
        static_cast<float>((r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48));
    constexpr float kMean = 4.0f * 32767.5f;
    constexpr float kScale = 1.7320508f / 65536.0f;  // sqrt(3) / 2^16: unit variance
    return (sum - kMean) * kScale;
  }

 private:
  std::uint64_t state_;
};

}  // namespace alveo::phantom
