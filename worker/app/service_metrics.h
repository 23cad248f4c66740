// SPDX-License-Identifier: Apache-2.0
// /metrics for `alveo serve`: gathers the counters every part keeps (SCP, pipeline, analysis, SR
// publisher, delivery, outbox, spool) into one Prometheus text document at request time. Names
// start with alveo_; counters end in _total; times are histograms in seconds. Thread-safety: the
// sources are read through their thread-safe accessors; Render may run on any thread.
#pragma once

#include <functional>
#include <string>

#include "app/analysis_processor.h"
#include "core/ports.h"
#include "net/storage_scp.h"
#include "notify/notifier.h"
#include "pipeline/delivery_service.h"
#include "pipeline/sr_publisher.h"
#include "pipeline/study_pipeline.h"
#include "spool/outbox.h"
#include "spool/spool.h"

namespace alveo::app {

struct MetricSources {
  const net::StorageScp* scp = nullptr;
  const pipeline::StudyPipeline* pipeline = nullptr;
  const AnalysisProcessor* processor = nullptr;
  const pipeline::SrPublisher* publisher = nullptr;
  const pipeline::DeliveryService* delivery = nullptr;
  const spool::Outbox* outbox = nullptr;
  const spool::Spool* spool = nullptr;
  const notify::Notifier* notifier = nullptr;  // null when no channel is configured
  std::string version;
};

std::string RenderMetrics(const MetricSources& sources);

}  // namespace alveo::app
