// SPDX-License-Identifier: Apache-2.0
// The work of one `alveo replay` run over scanned studies. `jobs` worker threads (replay-1..N) each
// take whole studies: derive the study's SR UIDs from its inputs (sr::ReportInputUids, exactly as
// the live path), skip it when <out>/studies/ already holds its record, else analyse it
// (analysis::AnalyzeStudy), build and validate the SR (sr::BuildReport), write
// <out>/sr/<SR SOP Instance UID>.dcm, queue it in the outbox for each destination and write the
// record last. With destinations, a DeliveryService (out-N, net::StoreScu) sends while the analysis
// goes on; Run returns when every entry of this run is delivered or dead (dead = the study failed).
// Thread-safety: Run is called once, from one thread; the callbacks are called one at a time.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "app/replay_records.h"
#include "core/settings.h"
#include "core/sr_template.h"
#include "dicom/study_scanner.h"
#include "spool/outbox.h"

namespace alveo::app {

struct ReplayRunOptions {
  std::string out_dir;  // absolute; its sr/ and studies/ folders exist
  int jobs = 1;         // worker threads; one study each at a time
  int decode_threads = 1;  // per study (all cores when jobs == 1)
};

struct ReplayCallbacks {
  std::function<void(std::size_t index, const ReplayRow& row)> study_finished;  // analysis and SR done
  std::function<void(std::size_t pending)> waiting_for_deliveries;  // analysis over, SRs still to send
};

// `outbox` null: nothing is sent (settings.delivery.destinations is ignored then). With an outbox,
// every SR of the run (skipped studies' too) is queued for each of settings.delivery.destinations;
// an entry already delivered by an earlier run is not sent again, a dead one is retried.
// Returns one row per study, in the order of `studies`.
std::vector<ReplayRow> RunReplay(const std::vector<dicom::ScannedStudy>& studies, const Settings& settings,
                                 const SrTemplate& tmpl, const ReplayRunOptions& options, spool::Outbox* outbox,
                                 const ReplayCallbacks& callbacks);

}  // namespace alveo::app
