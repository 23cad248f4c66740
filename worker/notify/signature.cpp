// SPDX-License-Identifier: Apache-2.0
#include "notify/signature.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

namespace alveo::notify {
namespace {

// Poco 1.11's SHA2Engine lacks the BLOCK_SIZE / DIGEST_SIZE constants HMACEngine reads; SHA-256
// processes 64-byte blocks into a 32-byte digest (FIPS 180-4 section 1).
class Sha256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

}  // namespace

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  Poco::HMACEngine<Sha256Engine> hmac{
      std::string(key)};  // the string overload accepts an empty key
  hmac.update(message.data(), message.size());
  return Poco::DigestEngine::digestToHex(hmac.digest());
}

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  return "sha256=" + HmacSha256Hex(secret, body);
}

}  // namespace alveo::notify
