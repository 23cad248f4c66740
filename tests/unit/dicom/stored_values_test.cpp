// SPDX-License-Identifier: Apache-2.0
// HuTable (internal): the arithmetic fast path and the lookup table agree with a plain reference
// implementation of PS3.5 8.1.1 + padding + rescale + clamping for random layouts and words.
#include "dicom/stored_values.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace alveo::dicom::internal {
namespace {

std::int16_t Reference(const HuParams& p, std::uint16_t raw, bool& padded, bool& clamped) {
  const int shift = p.layout.high_bit + 1 - p.layout.bits_stored;
  std::int64_t v = (raw >> shift) & ((1 << p.layout.bits_stored) - 1);
  if (p.layout.is_signed && v >= (std::int64_t{1} << (p.layout.bits_stored - 1))) {
    v -= std::int64_t{1} << p.layout.bits_stored;
  }
  padded = false;
  clamped = false;
  if (p.padding_value) {
    const std::int64_t a = *p.padding_value;
    const std::int64_t b = p.padding_limit.value_or(a);
    padded = (v >= std::min(a, b) && v <= std::max(a, b)) ||
             (!p.padding_limit && raw == static_cast<std::uint16_t>(a));
  }
  if (padded) return kPaddingHu;
  const double hu = std::nearbyint(static_cast<double>(v) * p.slope + p.intercept);
  if (hu < -32768.0 || hu > 32767.0) {
    clamped = true;
    return hu < 0 ? std::int16_t{-32768} : std::int16_t{32767};
  }
  return static_cast<std::int16_t>(hu);
}

TEST(HuTableTest, FastPathAndTableMatchTheReference) {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 400; ++trial) {
    HuParams p;
    p.layout.bits_allocated = 16;
    p.layout.bits_stored = std::uniform_int_distribution<int>(8, 16)(rng);
    p.layout.high_bit = std::uniform_int_distribution<int>(p.layout.bits_stored - 1, 15)(rng);
    p.layout.is_signed = rng() % 2 == 0;
    p.slope = trial % 3 == 0 ? 2.5 : 1.0;
    p.intercept = trial % 4 == 0
                      ? -1000.5
                      : static_cast<double>(std::uniform_int_distribution<int>(-40000, 40000)(rng));
    if (trial % 2 == 0) {
      p.padding_value =
          std::uniform_int_distribution<int>(p.layout.MinValue(), p.layout.MaxValue())(rng);
      if (trial % 6 == 0) p.padding_value = -2000;  // outside Bits Stored: raw-word match
      if (trial % 8 == 0) {
        p.padding_limit =
            std::uniform_int_distribution<int>(p.layout.MinValue(), p.layout.MaxValue())(rng);
      }
    }
    HuTable table;
    table.Build(p);
    std::vector<std::int16_t> voxels(2048);
    std::vector<std::uint16_t> raw(voxels.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      raw[i] = static_cast<std::uint16_t>(rng());
      if (p.padding_value && i % 7 == 0) raw[i] = static_cast<std::uint16_t>(*p.padding_value);
      voxels[i] = static_cast<std::int16_t>(raw[i]);
    }
    HuTable::Counts counts;
    table.Apply16(voxels.data(), voxels.size(), counts);
    std::uint64_t padded_total = 0;
    std::uint64_t clamped_total = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      bool padded = false;
      bool clamped = false;
      ASSERT_EQ(voxels[i], Reference(p, raw[i], padded, clamped))
          << "trial " << trial << " raw " << raw[i] << " bits " << p.layout.bits_stored << " high "
          << p.layout.high_bit << " signed " << p.layout.is_signed << " slope " << p.slope
          << " intercept " << p.intercept;
      padded_total += padded;
      clamped_total += clamped;
    }
    EXPECT_EQ(counts.padding, padded_total) << trial;
    EXPECT_EQ(counts.clamped, clamped_total) << trial;
  }
}

TEST(HuTableTest, EightBitWords) {
  HuParams p;
  p.layout = {8, 7, 6, true};  // 7 bits stored, high bit 6, signed
  p.intercept = 10;
  HuTable table;
  table.Build(p);
  const std::uint8_t raw[4] = {0x00, 0x3F, 0x40, 0xFF};
  std::int16_t out[4] = {};
  HuTable::Counts counts;
  table.Apply8(raw, out, 4, counts);
  EXPECT_EQ(out[0], 10);
  EXPECT_EQ(out[1], 63 + 10);
  EXPECT_EQ(out[2], -64 + 10);
  EXPECT_EQ(out[3], -1 + 10);  // bit 7 is not part of the stored value
}

}  // namespace
}  // namespace alveo::dicom::internal
