// SPDX-License-Identifier: Apache-2.0
// One configured notification receiver (a webhook URL or an HL7 MLLP listener) as the notifier sees
// it: a name, a kind and one blocking Deliver call. The notifier owns retries, back-off and the
// dead letter; a channel only says how one attempt ended. Thread-safety: Deliver may be called from
// several notifier threads at once (implementations keep no per-call state in members).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/settings.h"
#include "core/status.h"
#include "notify/notification.h"

namespace alveo::notify {

enum class ChannelKind { kWebhook = 0, kHl7, kCount };

// "webhook", "hl7".
std::string_view ChannelKindName(ChannelKind kind);

class Channel {
 public:
  virtual ~Channel() = default;
  virtual const std::string& name() const = 0;
  virtual ChannelKind kind() const = 0;
  // One attempt, bounded by the channel's timeouts. OK: delivered. kPeerRejected: refused for good
  // (dead at once). Any other error: may pass, retried after back-off.
  virtual Status Deliver(const Notification& notification) = 0;
  // For logs: "webhook hook (http://host:port/path)" / "hl7 ris (host:port)"; no secrets.
  virtual std::string Describe() const = 0;
};

// The channels of notify.webhooks then notify.hl7, in file order. kConfigInvalid if one cannot be
// set up (an https CA file that does not load, ...).
Result<std::vector<std::unique_ptr<Channel>>> MakeChannels(const NotifySettings& settings);

}  // namespace alveo::notify
