// SPDX-License-Identifier: Apache-2.0
#include "pipeline/sr_publisher.h"


#include <algorithm>
#include <filesystem>

#include "core/log.h"
#include "core/uid.h"
#include "pipeline/delivery_service.h"
#include "sr/sr_report.h"
#include "sr/sr_validation.h"

namespace alveo::pipeline {
namespace {

std::string InvalidSrFileName(int version) { return "sr-v" + std::to_string(version) + ".invalid.dcm"; }

// The instance that received last: its provenance answers the `sender` destination.
const StoredInstance* Latest(const StudyManifest& manifest) {
  const StoredInstance* latest = nullptr;
  for (const StoredInstance& stored : manifest.instances) {
    if (latest == nullptr || stored.provenance.received_at >= latest->provenance.received_at) latest = &stored;
  }
  return latest;
}

}  // namespace

std::string SrFileName(int version) { return "sr-v" + std::to_string(version) + ".dcm"; }

SrPublisher::SrPublisher(const DeliverySettings& settings, SrTemplate tmpl, sr::AlgorithmInfo algorithm,
                         std::string our_ae_title, spool::Spool& spool, spool::Outbox* outbox,
                         DeliveryService* delivery, const Clock& clock)
    : settings_(settings),
      template_(std::move(tmpl)),
      algorithm_(std::move(algorithm)),
      device_observer_uid_(sr::DeviceObserverUid(our_ae_title)),
      spool_(spool),
      outbox_(outbox),
      delivery_(delivery),
      clock_(clock) {}

Result<PublishedSr> SrPublisher::Publish(const StudyManifest& manifest,
                                         const classifier::ClassificationResult& result) {
  PublishedSr published;
  if (manifest.instances.empty()) return published;
  sr::ReportRequest request;
  request.study_instance_uid = manifest.study_instance_uid;
  for (const StoredInstance& stored : manifest.instances) {
    request.instances.push_back({stored.meta, spool_.AbsolutePath(stored.file)});
  }
  request.version = manifest.version;
  request.device_observer_uid = device_observer_uid_;
  request.created_at = clock_.Now();
  // A re-opened study: the new report replaces the last one that was built.
  for (int previous = manifest.version - 1; previous >= 1; --previous) {
    const std::string path = spool_.StudyFilePath(manifest.study_key, SrFileName(previous));
    if (!std::filesystem::exists(path)) continue;
    auto reference = sr::ReadSrReference(path);
    if (reference.ok()) {
      request.predecessor = *reference;
    } else {
      ALVEO_LOG(kWarn, kReport) << "study " << manifest.study_key << ": previous SR " << SrFileName(previous)
                                << " unreadable, no predecessor reference: " << reference.status().ToString();
    }
    break;
  }

  auto report = sr::BuildReport(request, result, template_, algorithm_);
  if (!report.ok()) {
    counters_.invalid.fetch_add(1);
    return report.status();
  }
  if (report->nothing_to_report) return published;
  const sr::SrUids& uids = report->uids;
  const sr::SrDocument& document = report->document;
  if (!report->validation.ok()) {
    counters_.invalid.fetch_add(1);
    const Status kept = spool_.WriteStudyFile(manifest.study_key, InvalidSrFileName(manifest.version), document.bytes);
    ALVEO_LOG(kError, kReport) << "study " << manifest.study_key << " v" << manifest.version
                               << ": SR failed validation and is NOT sent (" << report->validation.ToString() << "); "
                               << (kept.ok() ? "kept as " + InvalidSrFileName(manifest.version)
                                             : "could not keep it: " + kept.ToString());
    return report->validation;
  }
  if (Status stored = spool_.WriteStudyFile(manifest.study_key, SrFileName(manifest.version), document.bytes);
      !stored.ok()) {
    return stored;
  }
  counters_.built.fetch_add(1);
  published.built = true;
  published.sop_instance_uid = uids.sop_instance_uid;
  published.file = spool_.StudyFilePath(manifest.study_key, SrFileName(manifest.version));
  if (!settings_.results_dir.empty()) {
    if (Status copied = WriteResultsCopy(uids.sop_instance_uid, document.bytes); !copied.ok()) {
      ALVEO_LOG(kError, kReport) << "study " << manifest.study_key << ": results folder: " << copied.ToString();
    }
  }
  if (outbox_ != nullptr) {
    for (const auto& outbox_request : Requests(manifest, uids.sop_instance_uid, published.file)) {
      auto entry = outbox_->Enqueue(outbox_request, clock_.Now());
      if (!entry.ok()) {
        // The SR is stored with the study; a re-run of the study (restart) queues it again.
        return Status::Error(entry.status().code(), "cannot queue SR for " + outbox_request.destination + ": " +
                                                        entry.status().message());
      }
      ++published.destinations;
      counters_.queued.fetch_add(1);
    }
    if (delivery_ != nullptr && published.destinations > 0) delivery_->Wake();
  }
  return published;
}

std::vector<spool::OutboxRequest> SrPublisher::Requests(const StudyManifest& manifest,
                                                        const std::string& sop_instance_uid,
                                                        const std::string& file) const {
  std::vector<spool::OutboxRequest> requests;
  for (const DestinationSettings& destination : settings_.destinations) {
    DicomAddress address{destination.ae_title, destination.host, destination.port};
    if (destination.name == "sender") {
      const StoredInstance* latest = Latest(manifest);
      if (latest == nullptr || latest->provenance.calling_ae.empty() || latest->provenance.peer_host.empty()) {
        ALVEO_LOG(kWarn, kDelivery) << "study " << manifest.study_key
                                    << ": no sending AE known, SR not sent to the sender";
        continue;
      }
      address.ae_title = latest->provenance.calling_ae;
      address.host = latest->provenance.peer_host;
      address.port = settings_.sender_default_port;
      for (const SenderPort& mapped : settings_.sender_ports) {
        if (mapped.ae_title == address.ae_title) address.port = mapped.port;
      }
      if (address.port == 0) {
        ALVEO_LOG(kWarn, kDelivery) << "study " << manifest.study_key << ": calling AE " << address.ae_title
                                    << " has no port in delivery.sender_ports (and sender_default_port is 0); "
                                       "SR not sent to the sender";
        continue;
      }
    }
    requests.push_back({destination.name, address, sop_instance_uid, manifest.study_key, file});
  }
  return requests;
}

Status SrPublisher::WriteResultsCopy(const std::string& sop_instance_uid, const std::string& bytes) const {
  std::error_code ec;
  std::filesystem::create_directories(settings_.results_dir, ec);
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot create " + settings_.results_dir + ": " + ec.message());
  // Our own derived UID: digits and dots only, safe as a file name.
  return spool::WriteFileDurably(spool::PosixFileSystem::Default(), settings_.results_dir + "/" + sop_instance_uid + ".dcm", bytes);
}

}  // namespace alveo::pipeline
