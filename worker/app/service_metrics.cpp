// SPDX-License-Identifier: Apache-2.0
#include "app/service_metrics.h"

#include <map>

#include "core/metrics.h"

namespace alveo::app {

std::string RenderMetrics(const MetricSources& s) {
  PrometheusText out;
  out.Family("alveo_build_info", "gauge", "Alveo version (always 1).");
  out.Sample("alveo_build_info", 1, {{"version", s.version}});

  if (s.scp != nullptr) {
    const auto& c = s.scp->counters();
    out.Family("alveo_associations_active", "gauge", "DICOM associations open now.");
    out.Sample("alveo_associations_active", s.scp->active_associations());
    out.Family("alveo_associations_total", "counter", "DICOM associations by outcome.");
    out.Sample("alveo_associations_total", static_cast<double>(c.associations_accepted.load()), {{"result", "accepted"}});
    out.Sample("alveo_associations_total", static_cast<double>(c.associations_rejected.load()), {{"result", "rejected"}});
    out.Sample("alveo_associations_total", static_cast<double>(c.associations_aborted.load()), {{"result", "aborted"}});
    out.Family("alveo_instances_received_total", "counter",
               "C-STORE requests answered, by outcome and DIMSE status (duplicates are also success).");
    for (std::size_t i = 0; i < c.stores_by_code.size(); ++i) {
      const std::uint64_t n = c.stores_by_code[i].load();
      const ErrorInfo& info = Describe(static_cast<ErrorCode>(i));
      if (n == 0 && info.code != ErrorCode::kOk) continue;
      char status[8];
      std::snprintf(status, sizeof status, "0x%04X", info.dimse_status);
      out.Sample("alveo_instances_received_total", static_cast<double>(n),
                 {{"result", std::string(info.name)}, {"status", status}});
    }
    out.Family("alveo_instances_duplicate_total", "counter", "C-STORE of an instance already stored (answered success).");
    out.Sample("alveo_instances_duplicate_total", static_cast<double>(c.stores_duplicate.load()));
  }

  if (s.pipeline != nullptr) {
    std::map<std::string, std::size_t> by_state;
    for (const StudyPhase phase : {StudyPhase::kReceiving, StudyPhase::kComplete, StudyPhase::kProcessing,
                                   StudyPhase::kProcessed, StudyPhase::kIgnored, StudyPhase::kFailed}) {
      by_state[std::string(PhaseName(phase))] = 0;
    }
    for (const auto& study : s.pipeline->ListStudies()) ++by_state[std::string(PhaseName(study.phase))];
    out.Family("alveo_studies", "gauge", "Studies known now, by state (complete = waiting for a compute thread).");
    for (const auto& [state, n] : by_state) out.Sample("alveo_studies", static_cast<double>(n), {{"state", state}});
    const auto& c = s.pipeline->counters();
    out.Family("alveo_studies_total", "counter", "Study versions by what happened to them.");
    out.Sample("alveo_studies_total", static_cast<double>(c.studies_completed.load()), {{"event", "completed"}});
    out.Sample("alveo_studies_total", static_cast<double>(c.studies_processed.load()), {{"event", "processed"}});
    out.Sample("alveo_studies_total", static_cast<double>(c.studies_failed.load()), {{"event", "failed"}});
    out.Sample("alveo_studies_total", static_cast<double>(c.studies_ignored.load()), {{"event", "ignored"}});
    out.Sample("alveo_studies_total", static_cast<double>(c.studies_removed.load()), {{"event", "removed"}});
  }

  if (s.processor != nullptr) {
    out.Family("alveo_results_total", "counter", "Classification results by status.");
    for (const auto status : {classifier::ResultStatus::kFlagged, classifier::ResultStatus::kNotFlagged,
                              classifier::ResultStatus::kNotAnalysable}) {
      out.Sample("alveo_results_total", static_cast<double>(s.processor->results(status)),
                 {{"status", std::string(classifier::StatusName(status))}});
    }
    out.Family("alveo_decode_seconds", "histogram", "Pixel decoding time per analysed study.");
    out.HistogramSamples("alveo_decode_seconds", s.processor->decode_seconds().Read());
    out.Family("alveo_analysis_seconds", "histogram", "Decode plus classify time per analysed study.");
    out.HistogramSamples("alveo_analysis_seconds", s.processor->analysis_seconds().Read());
  }

  if (s.publisher != nullptr) {
    const auto& c = s.publisher->counters();
    out.Family("alveo_sr_total", "counter", "Structured Reports by outcome (invalid ones are kept, never sent).");
    out.Sample("alveo_sr_total", static_cast<double>(c.built.load()), {{"result", "built"}});
    out.Sample("alveo_sr_total", static_cast<double>(c.invalid.load()), {{"result", "invalid"}});
    out.Sample("alveo_sr_total", static_cast<double>(c.queued.load()), {{"result", "queued"}});
  }
  if (s.delivery != nullptr) {
    const auto& c = s.delivery->counters();
    out.Family("alveo_sr_deliveries_total", "counter", "SR delivery attempts by outcome.");
    out.Sample("alveo_sr_deliveries_total", static_cast<double>(c.delivered.load()), {{"result", "delivered"}});
    out.Sample("alveo_sr_deliveries_total", static_cast<double>(c.failed_attempts.load()), {{"result", "retried"}});
    out.Sample("alveo_sr_deliveries_total", static_cast<double>(c.dead.load()), {{"result", "dead"}});
  }
  if (s.outbox != nullptr) {
    const auto counts = s.outbox->Counts();
    out.Family("alveo_outbox_entries", "gauge", "Outbox entries now (pending includes in flight).");
    out.Sample("alveo_outbox_entries", static_cast<double>(counts.pending), {{"state", "pending"}});
    out.Sample("alveo_outbox_entries", static_cast<double>(counts.in_flight), {{"state", "in_flight"}});
    out.Sample("alveo_outbox_entries", static_cast<double>(counts.delivered), {{"state", "delivered"}});
    out.Sample("alveo_outbox_entries", static_cast<double>(counts.dead), {{"state", "dead"}});
  }
  if (s.notifier != nullptr) {
    out.Family("alveo_notifications_total", "counter", "Worklist notification attempts by channel kind and outcome.");
    for (std::size_t k = 0; k < static_cast<std::size_t>(notify::ChannelKind::kCount); ++k) {
      const auto kind = static_cast<notify::ChannelKind>(k);
      const auto& c = s.notifier->counters(kind);
      const std::string name(notify::ChannelKindName(kind));
      out.Sample("alveo_notifications_total", static_cast<double>(c.delivered.load()), {{"kind", name}, {"result", "delivered"}});
      out.Sample("alveo_notifications_total", static_cast<double>(c.retried.load()), {{"kind", name}, {"result", "retried"}});
      out.Sample("alveo_notifications_total", static_cast<double>(c.dead.load()), {{"kind", name}, {"result", "dead"}});
    }
  }
  if (s.spool != nullptr) {
    out.Family("alveo_spool_committed_bytes_total", "counter", "Bytes of instances made durable since start.");
    out.Sample("alveo_spool_committed_bytes_total", static_cast<double>(s.spool->bytes_committed()));
    out.Family("alveo_spool_syncs_total", "counter", "Filesystem syncs run for durable commits (group commit).");
    out.Sample("alveo_spool_syncs_total", static_cast<double>(s.spool->syncs_run()));
  }
  return out.text();
}

}  // namespace alveo::app
