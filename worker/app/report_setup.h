// SPDX-License-Identifier: Apache-2.0
// What every report-making command (serve, replay) builds the same way from the settings: the
// algorithm identity written into the SR, the outbox retry policy and the C-STORE SCU options.
// Thread-safety: pure functions.
#pragma once

#include "core/settings.h"
#include "net/store_scu.h"
#include "spool/outbox.h"
#include "sr/sr_content.h"

namespace alveo::app {

// Name, version (Alveo version + rule version: part of the SR UID derivation) and parameters.
sr::AlgorithmInfo ReportAlgorithm();
spool::OutboxPolicy OutboxPolicyFrom(const DeliverySettings& delivery);
net::StoreScuOptions StoreScuOptionsFrom(const Settings& settings);

}  // namespace alveo::app
