// SPDX-License-Identifier: Apache-2.0
#include "pipeline/sr_publisher.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "core/log.h"
#include "core/uid.h"
#include "pipeline/delivery_service.h"
#include "sr/sr_document.h"
#include "sr/sr_validation.h"

namespace alveo::pipeline {
namespace {

std::string InvalidSrFileName(int version) { return "sr-v" + std::to_string(version) + ".invalid.dcm"; }

// The instances the report is about: those the classifier analysed, or (nothing analysed) every
// instance it was given.
std::vector<sr::SrEvidence> Evidence(const StudyManifest& manifest, const classifier::ClassificationResult& result,
                                     const spool::Spool& spool) {
  const std::set<std::string> used(result.instances_used.begin(), result.instances_used.end());
  std::vector<sr::SrEvidence> evidence;
  for (const StoredInstance& stored : manifest.instances) {
    if (!used.empty() && !used.count(stored.meta.sop_instance_uid)) continue;
    evidence.push_back({stored.meta.study_instance_uid, stored.meta.series_instance_uid, stored.meta.sop_class_uid,
                        stored.meta.sop_instance_uid, spool.AbsolutePath(stored.file)});
  }
  return evidence;
}

// The instance that received last: its provenance answers the `sender` destination.
const StoredInstance* Latest(const StudyManifest& manifest) {
  const StoredInstance* latest = nullptr;
  for (const StoredInstance& stored : manifest.instances) {
    if (latest == nullptr || stored.provenance.received_at >= latest->provenance.received_at) latest = &stored;
  }
  return latest;
}

Status WriteDurably(const std::string& path, const std::string& bytes) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "cannot create " + temp + ": " + std::strerror(errno));
  std::size_t done = 0;
  bool ok = true;
  while (ok && done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fdatasync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = ok ? errno : saved;
    ::unlink(temp.c_str());
    return Status::Error(ErrorCode::kIoError, "cannot write " + path + ": " + std::strerror(error));
  }
  return Status::Ok();
}

}  // namespace

std::string SrFileName(int version) { return "sr-v" + std::to_string(version) + ".dcm"; }

SrUids DeriveSrUids(const std::string& study_instance_uid, std::vector<std::string> input_sop_instance_uids,
                    const SrTemplate& tmpl, const std::string& algorithm_version) {
  std::sort(input_sop_instance_uids.begin(), input_sop_instance_uids.end());
  input_sop_instance_uids.erase(std::unique(input_sop_instance_uids.begin(), input_sop_instance_uids.end()),
                                input_sop_instance_uids.end());
  // NUL separates fields: no UID or version contains one.
  std::string common = study_instance_uid;
  common.append(1, '\0').append(tmpl.id).append(1, '\0').append(tmpl.version).append(1, '\0').append(algorithm_version);
  std::string instance_seed = "alveo-sr-instance";
  instance_seed.append(1, '\0').append(common);
  for (const auto& uid : input_sop_instance_uids) instance_seed.append(1, '\0').append(uid);
  return {DeriveUid("alveo-sr-series" + std::string(1, '\0') + common), DeriveUid(instance_seed)};
}

SrPublisher::SrPublisher(const DeliverySettings& settings, SrTemplate tmpl, sr::AlgorithmInfo algorithm,
                         std::string our_ae_title, spool::Spool& spool, spool::Outbox* outbox,
                         DeliveryService* delivery, const Clock& clock)
    : settings_(settings),
      template_(std::move(tmpl)),
      algorithm_(std::move(algorithm)),
      device_observer_uid_(DeriveUid("alveo-device-observer" + std::string(1, '\0') + our_ae_title)),
      spool_(spool),
      outbox_(outbox),
      delivery_(delivery),
      clock_(clock) {}

Result<PublishedSr> SrPublisher::Publish(const StudyManifest& manifest,
                                         const classifier::ClassificationResult& result) {
  PublishedSr published;
  if (result.status == classifier::ResultStatus::kNotAnalysable && !template_.report_not_analysable) {
    return published;
  }
  if (manifest.instances.empty()) return published;

  // Images only: an SR, key object or presentation state arriving later (our own SR routed back by a
  // PACS, say) re-opens the study but must not change the report's identity, or routing loops
  // would mint a new SR each round.
  std::vector<std::string> inputs;
  for (const StoredInstance& stored : manifest.instances) {
    if (stored.meta.rows > 0 && stored.meta.columns > 0) inputs.push_back(stored.meta.sop_instance_uid);
  }
  if (inputs.empty()) {
    for (const StoredInstance& stored : manifest.instances) inputs.push_back(stored.meta.sop_instance_uid);
  }
  const SrUids uids = DeriveSrUids(manifest.study_instance_uid, inputs, template_, algorithm_.version);

  sr::SrDocumentRequest request;
  request.tmpl = &template_;
  request.content = sr::BuildSrContent(result, template_, algorithm_);
  request.evidence = Evidence(manifest, result, spool_);
  if (request.evidence.empty()) return published;
  request.source_file = request.evidence.front().file;
  request.image_library = template_.output != SrOutputClass::kBasicText;
  request.series_instance_uid = uids.series_instance_uid;
  request.sop_instance_uid = uids.sop_instance_uid;
  request.instance_number = manifest.version;
  request.device_observer_uid = device_observer_uid_;
  request.created_at = clock_.Now();
  // A re-opened study: the new report replaces the last one that was built.
  for (int previous = manifest.version - 1; previous >= 1 && !request.predecessor; --previous) {
    const std::string path = spool_.StudyFilePath(manifest.study_key, SrFileName(previous));
    if (!std::filesystem::exists(path)) continue;
    auto reference = sr::ReadSrReference(path);
    if (!reference.ok()) {
      ALVEO_LOG(kWarn, kReport) << "study " << manifest.study_key << ": previous SR " << SrFileName(previous)
                                << " unreadable, no predecessor reference: " << reference.status().ToString();
      break;
    }
    if (reference->sop_instance_uid != uids.sop_instance_uid) request.predecessor = *reference;
    break;
  }

  auto document = sr::BuildSrDocument(request);
  if (!document.ok()) {
    counters_.invalid.fetch_add(1);
    return document.status();
  }
  sr::SrValidationExpectations expect;
  expect.sop_class_uid = sr::SopClassUidFor(template_.output);
  expect.sop_instance_uid = uids.sop_instance_uid;
  expect.series_instance_uid = uids.series_instance_uid;
  expect.study_instance_uid = manifest.study_instance_uid;
  expect.evidence_count = request.evidence.size();
  for (const auto& evidence : request.evidence) expect.evidence_sop_instance_uids.push_back(evidence.sop_instance_uid);
  expect.predecessor_sop_instance_uid = request.predecessor ? request.predecessor->sop_instance_uid : "";
  if (Status valid = sr::ValidateSr(*document, expect); !valid.ok()) {
    counters_.invalid.fetch_add(1);
    const Status kept = spool_.WriteStudyFile(manifest.study_key, InvalidSrFileName(manifest.version), document->bytes);
    ALVEO_LOG(kError, kReport) << "study " << manifest.study_key << " v" << manifest.version
                               << ": SR failed validation and is NOT sent (" << valid.ToString() << "); "
                               << (kept.ok() ? "kept as " + InvalidSrFileName(manifest.version)
                                             : "could not keep it: " + kept.ToString());
    return valid;
  }
  if (Status stored = spool_.WriteStudyFile(manifest.study_key, SrFileName(manifest.version), document->bytes);
      !stored.ok()) {
    return stored;
  }
  counters_.built.fetch_add(1);
  published.built = true;
  published.sop_instance_uid = uids.sop_instance_uid;
  published.file = spool_.StudyFilePath(manifest.study_key, SrFileName(manifest.version));
  if (!settings_.results_dir.empty()) {
    if (Status copied = WriteResultsCopy(uids.sop_instance_uid, document->bytes); !copied.ok()) {
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
  return WriteDurably(settings_.results_dir + "/" + sop_instance_uid + ".dcm", bytes);
}

}  // namespace alveo::pipeline
