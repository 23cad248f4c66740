// SPDX-License-Identifier: Apache-2.0
#include "core/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace alveo {
namespace {

// Test vectors from FIPS 180-4 examples / NIST CSRC "SHA256.pdf".
TEST(Sha256Test, MatchesTheNistVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, IncrementalUpdatesEqualOneShot) {
  const std::string text(1000, 'a');
  Sha256 hash;
  for (char c : text) hash.Update(&c, 1);
  const auto digest = hash.Finish();
  EXPECT_EQ(ToHex(digest.data(), digest.size()), Sha256Hex(text));
  // One million 'a' (NIST long-message vector).
  Sha256 million;
  for (int i = 0; i < 1000; ++i) million.Update(text);
  const auto m = million.Finish();
  EXPECT_EQ(ToHex(m.data(), m.size()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

}  // namespace
}  // namespace alveo
