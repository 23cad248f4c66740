// SPDX-License-Identifier: Apache-2.0
#include "dicom/stored_values.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace alveo::dicom::internal {

void HuTable::Build(const HuParams& params) {
  params_ = params;
  built_ = true;
  const std::size_t words = std::size_t{1} << params.layout.bits_allocated;
  const std::uint32_t word_mask = static_cast<std::uint32_t>(words - 1);
  std::int32_t pad_low = 0;
  std::int32_t pad_high = -1;
  std::optional<std::uint32_t> pad_word;
  if (params.padding_value) {
    pad_low = pad_high = *params.padding_value;
    if (params.padding_limit) {
      pad_low = std::min(*params.padding_value, *params.padding_limit);
      pad_high = std::max(*params.padding_value, *params.padding_limit);
    } else {
      // Some writers give the padding value outside Bits Stored (e.g. -2000 with 12 bits stored):
      // then it matches the raw word, not the masked value.
      pad_word = static_cast<std::uint32_t>(*params.padding_value) & word_mask;
    }
  }
  const bool integral = params.slope == 1.0 && params.intercept == std::floor(params.intercept) &&
                        std::abs(params.intercept) < 1e9;
  arithmetic_ =
      integral && params.layout.bits_allocated == 16 && std::abs(params.intercept) < 65536;
  intercept_ = arithmetic_ ? static_cast<std::int32_t>(params.intercept) : 0;
  has_padding_ = params.padding_value.has_value();
  pad_low_ = pad_low;
  pad_high_ = pad_high;
  pad_word_ = pad_word ? static_cast<std::int32_t>(*pad_word) : -1;
  if (arithmetic_) {
    table_.clear();
    return;
  }
  table_.assign(words, 0u);
  const auto intercept = static_cast<std::int64_t>(params.intercept);
  constexpr std::int64_t kMin = std::numeric_limits<std::int16_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int16_t>::max();
  for (std::uint32_t raw = 0; raw < words; ++raw) {
    const std::int32_t v = params.layout.Value(raw);
    std::uint32_t entry = 0;
    if ((v >= pad_low && v <= pad_high) || (pad_word && raw == *pad_word)) {
      entry = static_cast<std::uint16_t>(kPaddingHu) | kPaddingFlag;
    } else {
      std::int64_t hu = 0;
      if (integral) {
        hu = v + intercept;
      } else {
        const double x = std::nearbyint(v * params.slope + params.intercept);
        hu = x < -1e9 ? kMin - 1 : (x > 1e9 ? kMax + 1 : static_cast<std::int64_t>(x));
      }
      if (hu < kMin || hu > kMax) {
        entry = kClampedFlag;
        hu = std::clamp(hu, kMin, kMax);
      }
      entry |= static_cast<std::uint16_t>(static_cast<std::int16_t>(hu));
    }
    table_[raw] = entry;
  }
}

void HuTable::Arithmetic16(std::int16_t* voxels, std::size_t count, Counts& counts) const {
  const StoredLayout& layout = params_.layout;
  const int shift = layout.high_bit + 1 - layout.bits_stored;
  const std::int32_t mask = (1 << layout.bits_stored) - 1;
  // Sign extension by xor/subtract: v ^ s - s with s the sign bit (0 when unsigned).
  const std::int32_t sign = layout.is_signed ? 1 << (layout.bits_stored - 1) : 0;
  const std::int32_t intercept = intercept_;
  const std::int64_t lowest = std::int64_t{layout.MinValue()} + intercept;
  const std::int64_t highest = std::int64_t{layout.MaxValue()} + intercept;
  if (!has_padding_ && lowest >= -32768 && highest <= 32767) {
    for (std::size_t i = 0; i < count; ++i) {  // the usual case: nothing to clamp
      const std::int32_t raw = static_cast<std::uint16_t>(voxels[i]);
      voxels[i] = static_cast<std::int16_t>(((((raw >> shift) & mask) ^ sign) - sign) + intercept);
    }
    return;
  }
  // Padding and/or clamping, written without branches or std::min/max so that it vectorises
  // with plain SSE2 (32-bit min/max need SSE4.1). 32-bit counters: a frame has < 2^32 pixels.
  const bool padded = has_padding_;
  const std::int32_t low = padded ? pad_low_ : 1;
  const std::int32_t high = padded ? pad_high_ : 0;
  const std::int32_t word = padded ? pad_word_ : -1;
  std::uint32_t padding = 0;
  std::uint32_t clamped = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::int32_t raw = static_cast<std::uint16_t>(voxels[i]);
    const std::int32_t v = (((raw >> shift) & mask) ^ sign) - sign;
    const std::int32_t hu = v + intercept;
    const std::int32_t pad = ((v >= low) & (v <= high)) | (raw == word);
    const std::int32_t over = hu > 32767;
    const std::int32_t under = hu < -32768;
    std::int32_t out = over ? 32767 : hu;
    out = under ? -32768 : out;
    out = pad ? static_cast<std::int32_t>(kPaddingHu) : out;
    padding += static_cast<std::uint32_t>(pad);
    clamped += static_cast<std::uint32_t>((over | under) & (pad ^ 1));
    voxels[i] = static_cast<std::int16_t>(out);
  }
  counts.padding += padding;
  counts.clamped += clamped;
}

void HuTable::Apply16(std::int16_t* voxels, std::size_t count, Counts& counts) const {
  if (arithmetic_) {
    Arithmetic16(voxels, count, counts);
    return;
  }
  const std::uint32_t* table = table_.data();
  const std::uint32_t mask = static_cast<std::uint32_t>(table_.size() - 1);
  std::uint32_t flags_padding = 0;
  std::uint32_t flags_clamped = 0;
  std::uint64_t padding = 0;
  std::uint64_t clamped = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t e = table[static_cast<std::uint16_t>(voxels[i]) & mask];
    voxels[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(e));
    flags_padding += (e >> 16) & 1u;
    flags_clamped += (e >> 17) & 1u;
    if ((i & 0xFFFF) == 0xFFFF) {  // keep the 32-bit counters from overflowing
      padding += flags_padding;
      clamped += flags_clamped;
      flags_padding = flags_clamped = 0;
    }
  }
  counts.padding += padding + flags_padding;
  counts.clamped += clamped + flags_clamped;
}

void HuTable::Apply8(const std::uint8_t* raw, std::int16_t* out, std::size_t count,
                     Counts& counts) const {
  const std::uint32_t* table = table_.data();
  const std::uint32_t mask = static_cast<std::uint32_t>(table_.size() - 1);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t e = table[raw[i] & mask];
    out[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(e));
    counts.padding += (e >> 16) & 1u;
    counts.clamped += (e >> 17) & 1u;
  }
}

}  // namespace alveo::dicom::internal
