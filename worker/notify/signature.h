// SPDX-License-Identifier: Apache-2.0
// The webhook signature: HMAC-SHA256 (RFC 2104 over FIPS 180-4) of the exact body bytes with the
// channel's secret, sent as "X-Alveo-Signature: sha256=<lower-case hex>". Thread-safety: pure.
#pragma once

#include <string>
#include <string_view>

namespace alveo::notify {

// Lower-case hex of HMAC-SHA256(key, message).
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// "sha256=" + HmacSha256Hex(secret, body): the X-Alveo-Signature header value.
std::string WebhookSignature(std::string_view secret, std::string_view body);

}  // namespace alveo::notify
