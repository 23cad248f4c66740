// SPDX-License-Identifier: Apache-2.0
// Internal to the dicom module (std only): stored pixel words to values. PS3.5 8.1.1 layout (Bits
// Stored bits ending at High Bit, two's complement when Pixel Representation is 1), then Pixel
// Padding and the linear Modality rescale, done through one lookup table per parameter set.
// Thread-safety: a HuTable is built by one thread and then read-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace alveo::dicom::internal {

struct StoredLayout {
  int bits_allocated = 16;  // 8 or 16
  int bits_stored = 16;
  int high_bit = 15;
  bool is_signed = false;

  // The stored value held in one raw word (extra high/low bits dropped, sign extended).
  std::int32_t Value(std::uint32_t raw) const {
    const int shift = high_bit + 1 - bits_stored;
    const std::uint32_t mask = bits_stored >= 32 ? ~0u : ((1u << bits_stored) - 1u);
    std::uint32_t v = (raw >> shift) & mask;
    if (is_signed && bits_stored < 32 && ((v >> (bits_stored - 1)) & 1u) != 0u) {
      return static_cast<std::int32_t>(v) - static_cast<std::int32_t>(1u << bits_stored);
    }
    return static_cast<std::int32_t>(v);
  }
  std::int32_t MinValue() const { return is_signed ? -(1 << (bits_stored - 1)) : 0; }
  std::int32_t MaxValue() const {
    return is_signed ? (1 << (bits_stored - 1)) - 1 : (1 << bits_stored) - 1;
  }
  bool operator==(const StoredLayout&) const = default;
};

struct HuParams {
  StoredLayout layout;
  double slope = 1.0;
  double intercept = 0.0;
  std::optional<std::int32_t> padding_value;  // Pixel Padding Value (stored value)
  std::optional<std::int32_t> padding_limit;  // Pixel Padding Range Limit
  bool operator==(const HuParams&) const = default;
};

inline constexpr std::int16_t kPaddingHu = -1024;

// Raw word -> HU (int16) with flags, for every possible word of the layout; plain arithmetic
// (vectorised by the compiler) for the usual slope 1 / integer intercept.
class HuTable {
 public:
  void Build(const HuParams& params);
  bool Matches(const HuParams& params) const { return built_ && params_ == params; }

  struct Counts {
    std::uint64_t padding = 0;
    std::uint64_t clamped = 0;
  };
  // In place: `voxels` hold raw 16-bit words on entry and HU on return.
  void Apply16(std::int16_t* voxels, std::size_t count, Counts& counts) const;
  // From raw bytes (Bits Allocated 8) into HU.
  void Apply8(const std::uint8_t* raw, std::int16_t* out, std::size_t count, Counts& counts) const;

 private:
  static constexpr std::uint32_t kPaddingFlag = 1u << 16;
  static constexpr std::uint32_t kClampedFlag = 1u << 17;

  void Arithmetic16(std::int16_t* voxels, std::size_t count, Counts& counts) const;

  HuParams params_;
  bool built_ = false;
  std::vector<std::uint32_t> table_;  // low 16 bits: HU; bit 16 padding; bit 17 clamped
  // Arithmetic path: HU = value + intercept (clamped); padding if value in [pad_low, pad_high]
  // or the raw word equals pad_word.
  bool arithmetic_ = false;
  std::int32_t intercept_ = 0;
  bool has_padding_ = false;
  std::int32_t pad_low_ = 0;
  std::int32_t pad_high_ = 0;
  std::int32_t pad_word_ = -1;
};

}  // namespace alveo::dicom::internal
