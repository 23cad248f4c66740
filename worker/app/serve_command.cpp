// SPDX-License-Identifier: Apache-2.0
// `alveo serve`: the composition root. Builds spool -> pipeline -> SCP and HTTP, waits for
// SIGTERM/SIGINT, then shuts down in order: stop accepting and finish associations, stop HTTP, stop
// the pipeline (state is in the journals), then the notifier and the SR delivery.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/analysis_processor.h"
#include "app/commands.h"
#include "app/report_setup.h"
#include "app/service_metrics.h"
#include "app/serve_options.h"
#include "app/version.h"
#include "config/config_loader.h"
#include "config/sr_template_source.h"
#include "core/log.h"
#include "core/log_file.h"
#include "dicom/dcmtk_setup.h"
#include "http/http_server.h"
#include "net/storage_scp.h"
#include "net/store_scu.h"
#include "notify/notifier.h"
#include "pipeline/delivery_service.h"
#include "pipeline/sr_publisher.h"
#include "pipeline/study_pipeline.h"
#include "spool/outbox.h"
#include "spool/spool.h"

namespace alveo::app {
namespace {

void ConfigureLogging(const LogSettings& settings) {
  std::array<std::optional<log::Level>, static_cast<int>(log::Category::kCount)> overrides{};
  for (const auto& [name, level] : settings.categories) {
    if (auto category = log::ParseCategory(name)) overrides[static_cast<int>(*category)] = level;
  }
  log::Configure(settings.level, overrides);
}

Result<Settings> LoadSettings(const ServeOptions& options) {
  if (options.config_path.empty()) return config::ParseSettings("{}", options.overrides);
  return config::LoadSettingsFile(options.config_path, options.overrides);
}

int WaitForStopSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

// The outbox as the API's delivery list and retry action.
class OutboxCatalog final : public DeliveryCatalog {
 public:
  OutboxCatalog(spool::Outbox& outbox, pipeline::DeliveryService& delivery, const Clock& clock)
      : outbox_(outbox), delivery_(delivery), clock_(clock) {}
  std::vector<DeliveryView> ListDeliveries() const override {
    std::vector<DeliveryView> views;
    for (const auto& e : outbox_.List()) {
      DeliveryView view{e.id, e.destination, e.address, e.sop_instance_uid, e.study_key,
                        std::string(spool::OutboxStateName(e.state)), e.attempts, e.created_at,
                        std::nullopt, e.finished_at, e.last_error};
      if (e.state == spool::OutboxState::kPending) view.next_attempt_at = e.next_attempt_at;
      views.push_back(std::move(view));
    }
    return views;
  }

  Status Retry(const std::string& id) override {
    const auto entry = outbox_.Find(id);
    if (!entry) return Status::Error(ErrorCode::kNotFound, "no delivery " + id);
    if (entry->state != spool::OutboxState::kDead) {
      return Status::Error(ErrorCode::kConflict, "delivery " + id + " is " +
                                                     std::string(spool::OutboxStateName(entry->state)) +
                                                     "; only dead deliveries can be retried");
    }
    if (Status status = outbox_.Retry(id, clock_.Now()); !status.ok()) return status;
    ALVEO_LOG(kInfo, kDelivery) << "delivery " << id << " of SR " << entry->sop_instance_uid << " to "
                                << entry->destination << ": retry requested";
    delivery_.Wake();
    return Status::Ok();
  }

 private:
  spool::Outbox& outbox_;
  pipeline::DeliveryService& delivery_;
  const Clock& clock_;
};

int Serve(const Settings& settings, const SrTemplate& sr_template, const std::string& config_path) {
  const auto started = std::chrono::steady_clock::now();
  SystemClock clock;
  ALVEO_LOG(kInfo, kApp) << "alveo " << AlveoVersion() << " starting (config: "
                         << (config_path.empty() ? "built-in defaults" : config_path) << ")";
  ALVEO_LOG(kInfo, kConfig) << "effective configuration:\n" << config::SettingsToJson(settings, /*hide_secrets=*/true);
  auto spool = spool::Spool::Open(settings.spool);
  if (!spool.ok()) {
    std::cerr << "alveo: cannot open the data folder: " << spool.status().ToString() << "\n";
    return 1;
  }
  auto recovered = (*spool)->Recover();
  // The outbox lives in the data folder: SRs waiting for delivery survive restarts with the studies.
  auto outbox = spool::Outbox::Open((*spool)->root() + "/outbox", OutboxPolicyFrom(settings.delivery));
  if (!outbox.ok()) {
    std::cerr << "alveo: cannot open the outbox: " << outbox.status().ToString() << "\n";
    return 1;
  }
  net::StoreScu scu(StoreScuOptionsFrom(settings));
  pipeline::DeliveryService delivery(settings.delivery, **outbox, scu, clock);
  pipeline::SrPublisher publisher(settings.delivery, sr_template, ReportAlgorithm(), settings.dicom.ae_title, **spool,
                                  outbox->get(), &delivery, clock);
  // Notifications (worklist priority): only when a channel is configured; the queue lives in the
  // data folder like the outbox. Started before the pipeline and stopped after it, so every study
  // the pipeline processes can queue its notification.
  auto notifier = notify::Notifier::Open(settings.notify, (*spool)->root() + "/notify", clock);
  if (!notifier.ok()) {
    std::cerr << "alveo: cannot set up notifications: " << notifier.status().ToString() << "\n";
    return 1;
  }
  AnalysisProcessor processor(**spool, settings.report.enabled ? &publisher : nullptr,
                              notifier->get());
  pipeline::StudyPipeline pipeline(settings, **spool, processor, clock);
  // An SR waiting for a destination lives in its study's folder: retention waits for it.
  pipeline.HoldRetentionWhile([outbox = outbox->get()](const std::string& key) { return outbox->HasPendingFor(key); });
  delivery.Start();
  if (*notifier) (*notifier)->Start();
  pipeline.Start(std::move(recovered));

  net::StorageScp scp(settings.dicom, **spool, pipeline, clock);
  if (Status status = scp.Start(); !status.ok()) {
    std::cerr << "alveo: " << status.ToString() << "\n";
    return 1;
  }
  OutboxCatalog deliveries(**outbox, delivery, clock);
  std::atomic<bool> ready{false};  // /readyz: true between READY and the stop signal
  MetricSources metric_sources{&scp,          &pipeline,        &processor,       &publisher, &delivery,
                               outbox->get(), spool->get(), notifier->get(), AlveoVersion()};
  http::HttpSources sources;
  sources.studies = &pipeline;
  sources.study_control = &pipeline;
  sources.deliveries = &deliveries;
  sources.health = [&] {
    return http::HealthInfo{AlveoVersion(),
                            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count(),
                            scp.active_associations(), ready.load()};
  };
  sources.ready = [&] { return ready.load(); };
  sources.metrics = [&] { return RenderMetrics(metric_sources); };
  http::HttpServer http(settings.http, std::move(sources));
  if (settings.http.enabled) {
    if (Status status = http.Start(); !status.ok()) {
      std::cerr << "alveo: " << status.ToString() << "\n";
      return 1;
    }
  }
  scp.Run();
  ALVEO_LOG(kInfo, kApp) << "listening: DICOM " << settings.dicom.ae_title << "@" << settings.dicom.bind_address
                         << ":" << scp.port() << ", HTTP " << settings.http.address << ":" << http.port()
                         << ", data " << (*spool)->root();
  ready.store(true);
  std::cout << "ALVEO READY dicom_port=" << scp.port() << " http_port=" << http.port() << std::endl;

  const int signal_number = WaitForStopSignal();
  ready.store(false);  // draining: load balancers and probes see 503 from /readyz
  ALVEO_LOG(kInfo, kApp) << "signal " << signal_number << ": stopping (finishing "
                         << scp.active_associations() << " association(s))";
  scp.Stop();
  http.Stop();
  pipeline.Stop();
  if (*notifier) (*notifier)->Stop();
  delivery.Stop();
  ALVEO_LOG(kInfo, kSpool) << "spool: " << (*spool)->bytes_committed() / (1024 * 1024) << " MiB committed, "
                           << (*spool)->sync_requests() << " sync requests served by " << (*spool)->syncs_run()
                           << " filesystem syncs";
  ALVEO_LOG(kInfo, kApp) << "stopped cleanly";
  return 0;
}

}  // namespace

int RunServeCommand(const std::vector<std::string>& args) {
  std::string error;
  const auto options = ParseServeOptions(args, error);
  if (!options) {
    std::cerr << "alveo serve: " << error << " (see alveo serve --help)\n";
    return 2;
  }
  if (options->help) {
    PrintServeHelp();
    return 0;
  }
  auto settings = LoadSettings(*options);
  if (!settings.ok()) {
    std::cerr << "alveo serve: configuration rejected ("
              << (options->config_path.empty() ? "defaults" : options->config_path) << "):\n"
              << settings.status().message() << "\n";
    return 2;
  }
  if (options->print_config) {
    std::cout << config::SettingsToJson(*settings) << "\n";
    return 0;
  }
  auto sr_template = config::ResolveSrTemplate(settings->report.sr_template);
  if (!sr_template.ok()) {
    std::cerr << "alveo serve: SR template rejected:\n" << sr_template.status().message() << "\n";
    return 2;
  }
  ConfigureLogging(settings->log);
  if (!settings->log.file.empty()) {
    auto file = log::RotatingFile::Open(settings->log.file,
                                        static_cast<std::uint64_t>(settings->log.max_file_mb) * 1024 * 1024,
                                        settings->log.keep_files);
    if (!file.ok()) {
      std::cerr << "alveo serve: " << file.status().message() << "\n";
      return 1;
    }
    log::UseRotatingFile(std::move(file).value());
  }
  dicom::InitDcmtk(settings->log.dcmtk_level);
  return Serve(*settings, *sr_template, options->config_path);
}

}  // namespace alveo::app
