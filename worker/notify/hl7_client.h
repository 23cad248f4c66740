// SPDX-License-Identifier: Apache-2.0
// The HL7 channel: sends the notification as an ORU^R01 in one MLLP frame over a new TCP connection
// and waits for the receiver's ACK (original or enhanced mode), then closes. The ACK decides the
// outcome (AckOutcome): AA/CA delivered, AE/CE retried, AR/CR dead. No ACK within the timeout, a
// closed connection or a reply that is not an ACK for our control id is retried. Thread-safety:
// Deliver may run on several threads at once (one connection each).
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "core/settings.h"
#include "core/status.h"
#include "notify/channel.h"

namespace alveo::notify {

class Hl7Channel final : public Channel {
 public:
  explicit Hl7Channel(Hl7Settings settings) : settings_(std::move(settings)) {}

  const std::string& name() const override { return settings_.name; }
  ChannelKind kind() const override { return ChannelKind::kHl7; }
  Status Deliver(const Notification& notification) override;
  std::string Describe() const override;

 private:
  const Hl7Settings settings_;
};

}  // namespace alveo::notify
