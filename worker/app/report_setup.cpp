// SPDX-License-Identifier: Apache-2.0
#include "app/report_setup.h"

#include "app/version.h"
#include "classifier/decision/rule.h"

namespace alveo::app {

sr::AlgorithmInfo ReportAlgorithm() {
  return {"Alveo lung opacity classifier", AlveoVersion() + " " + classifier::kRuleVersion,
          {classifier::RuleParameters()}};
}

spool::OutboxPolicy OutboxPolicyFrom(const DeliverySettings& delivery) {
  return spool::OutboxPolicy{delivery.max_attempts, Millis(delivery.initial_backoff_ms), Millis(delivery.max_backoff_ms)};
}

net::StoreScuOptions StoreScuOptionsFrom(const Settings& settings) {
  net::StoreScuOptions options;
  const DeliverySettings& d = settings.delivery;
  options.calling_ae_title = d.calling_ae_title.empty() ? settings.dicom.ae_title : d.calling_ae_title;
  options.connect_timeout_seconds = d.connect_timeout_seconds;
  options.acse_timeout_seconds = d.acse_timeout_seconds;
  options.dimse_timeout_seconds = d.dimse_timeout_seconds;
  options.max_receive_pdu_bytes = settings.dicom.max_pdu_bytes;
  return options;
}

}  // namespace alveo::app
