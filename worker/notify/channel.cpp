// SPDX-License-Identifier: Apache-2.0
#include "notify/channel.h"

#include <array>

#include "notify/hl7_client.h"
#include "notify/webhook_client.h"

namespace alveo::notify {

std::string_view ChannelKindName(ChannelKind kind) {
  static constexpr std::array<std::string_view, 2> kNames = {"webhook", "hl7"};
  return kNames.at(static_cast<std::size_t>(kind));
}

Result<std::vector<std::unique_ptr<Channel>>> MakeChannels(const NotifySettings& settings) {
  std::vector<std::unique_ptr<Channel>> channels;
  for (const WebhookSettings& webhook : settings.webhooks) {
    auto channel = WebhookChannel::Create(webhook);
    if (!channel.ok()) return channel.status();
    channels.push_back(std::move(channel).value());
  }
  for (const Hl7Settings& hl7 : settings.hl7) channels.push_back(std::make_unique<Hl7Channel>(hl7));
  return channels;
}

}  // namespace alveo::notify
