// SPDX-License-Identifier: Apache-2.0
// The webhook channel: POSTs the notification's JSON body to the configured URL (http or https,
// with the server certificate and host name verified), signed with HMAC-SHA256 of the body
// (X-Alveo-Signature: sha256=<hex>) and keyed by X-Alveo-Delivery: <notification id>, which stays
// the same across retries so the receiver can drop duplicates. One connection per attempt.
// Thread-safety: Deliver may run on several threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/settings.h"
#include "core/status.h"
#include "notify/channel.h"

namespace alveo::notify {

// How an HTTP answer ends an attempt: 2xx delivered (OK); 408, 429 and 5xx may pass
// (kPeerUnavailable); every other status, redirects included (we do not re-send a signed body to
// another address; configure the final URL), is refused for good (kPeerRejected).
Status ClassifyHttpStatus(int status, std::string_view detail);

class WebhookChannel final : public Channel {
 public:
  // kConfigInvalid if the URL does not parse or the https CA file does not load.
  static Result<std::unique_ptr<WebhookChannel>> Create(const WebhookSettings& settings);
  ~WebhookChannel() override;

  const std::string& name() const override { return settings_.name; }
  ChannelKind kind() const override { return ChannelKind::kWebhook; }
  Status Deliver(const Notification& notification) override;
  std::string Describe() const override;

 private:
  struct Target;  // parsed URL and TLS context (Poco types stay in the .cpp)
  WebhookChannel(WebhookSettings settings, std::unique_ptr<Target> target);

  const WebhookSettings settings_;
  const std::unique_ptr<Target> target_;
};

}  // namespace alveo::notify
