// SPDX-License-Identifier: Apache-2.0
// SHA-256 (FIPS 180-4). Used to turn untrusted UIDs into fixed-length file names and study keys, and
// (later) to derive deterministic 2.25 UIDs. Thread-safety: Sha256 objects are not shared; the free
// functions are pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace alveo {

class Sha256 {
 public:
  using Digest = std::array<std::uint8_t, 32>;

  Sha256();
  void Update(const void* data, std::size_t size);
  void Update(std::string_view text) { Update(text.data(), text.size()); }
  Digest Finish();

 private:
  void Compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

// Lower-case hex of the whole digest of `text`.
std::string Sha256Hex(std::string_view text);
std::string ToHex(const std::uint8_t* data, std::size_t size);

}  // namespace alveo
