// SPDX-License-Identifier: Apache-2.0
// The settings file schema: every key in file order with its JSON type, range and value check.
// Reading, writing and key listing are visitors over these templates, so they cannot drift apart.
// Thread-safety: stateless templates and constant tables.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "config/value_checks.h"
#include "core/log.h"
#include "core/settings.h"

namespace alveo::config::internal {

enum class Presence { kOptional, kRequired };

template <typename T>
struct NamedValue {
  std::string_view name;
  T value;
};

inline constexpr std::array<NamedValue<log::Level>, 6> kLevelNames{{
    {"trace", log::Level::kTrace},
    {"debug", log::Level::kDebug},
    {"info", log::Level::kInfo},
    {"warn", log::Level::kWarn},
    {"error", log::Level::kError},
    {"off", log::Level::kOff},
}};

inline constexpr std::array<NamedValue<SyncMode>, 2> kSyncModeNames{{
    {"syncfs", SyncMode::kSyncfs},
    {"fsync", SyncMode::kFsync},
}};

inline constexpr std::uint64_t kBytesPerMb = 1024 * 1024;  // spool.min_free_mb counts MiB
inline constexpr int kMaxMinFreeMb = 16 * 1024 * 1024;     // 16 TiB

// A visitor V provides these members; each names one key of the current JSON object, and the
// settings field (`S&` may be const for visitors that only read the settings):
//   Section(name, fn)                     nested object; calls fn(child visitor)
//   Bool(name, bool&)
//   Int(name, int&, min, max)
//   Megabytes(name, std::uint64_t& bytes, max_mb)  an integer count of MiB in the file
//   String(name, std::string&, check, presence)
//   StringList(name, std::vector<std::string>&, check)  check applies to each element
//   Enum(name, T&, names)                 a string naming one of `names`
//   CategoryLevels(name, std::vector<std::pair<std::string, log::Level>>&)  {"net": "debug"}
//   ObjectList(name, std::vector<T>&, fn)  array of objects; calls fn(child visitor, element)

template <typename V, typename S>
void VisitAllowedCaller(V& v, S& caller) {
  v.String("ae_title", caller.ae_title, CheckAeTitle, Presence::kRequired);
  v.StringList("hosts", caller.hosts, CheckIpv4Address);
}

template <typename V, typename S>
void VisitDicom(V& v, S& dicom) {
  v.String("ae_title", dicom.ae_title, CheckAeTitle, Presence::kOptional);
  v.String("bind_address", dicom.bind_address, CheckIpv4Address, Presence::kOptional);
  v.Int("port", dicom.port, 0, 65535);
  v.Int("max_associations", dicom.max_associations, 1, 512);
  v.Int("max_pdu_bytes", dicom.max_pdu_bytes, 4096, 131072);
  v.Int("acse_timeout_seconds", dicom.acse_timeout_seconds, 1, 3600);
  v.Int("dimse_timeout_seconds", dicom.dimse_timeout_seconds, 1, 3600);
  v.Bool("check_called_ae", dicom.check_called_ae);
  v.Bool("restrict_callers", dicom.restrict_callers);
  v.ObjectList("allowed_callers", dicom.allowed_callers, [](auto& element_visitor, auto& caller) {
    VisitAllowedCaller(element_visitor, caller);
  });
  v.Bool("accept_all_storage_classes", dicom.accept_all_storage_classes);
  v.Bool("tcp_quickack", dicom.tcp_quickack);
}

template <typename V, typename S>
void VisitSpool(V& v, S& spool) {
  v.String("data_dir", spool.data_dir, CheckPath, Presence::kOptional);
  v.Megabytes("min_free_mb", spool.min_free_bytes, kMaxMinFreeMb);
  v.Enum("sync_mode", spool.sync_mode, kSyncModeNames);
  v.Int("retention_hours", spool.retention_hours, 0, 87600);
  v.Int("retention_sweep_minutes", spool.retention_sweep_minutes, 1, 1440);
}

template <typename V, typename S>
void VisitStudyFilter(V& v, S& filter) {
  v.StringList("modalities", filter.modalities, CheckModality);
  v.StringList("include_patterns", filter.include_patterns, CheckRegex);
  v.StringList("exclude_patterns", filter.exclude_patterns, CheckRegex);
  v.Bool("analyse_unlabelled", filter.analyse_unlabelled);
}

template <typename V, typename S>
void VisitStudy(V& v, S& study) {
  v.Int("quiet_period_ms", study.quiet_period_ms, 100, 3600000);
  v.Bool("early_completion", study.early_completion);
  v.Int("early_completion_grace_ms", study.early_completion_grace_ms, 0, 60000);
  v.Section("filter", [&](auto& child) { VisitStudyFilter(child, study.filter); });
}

template <typename V, typename S>
void VisitPipeline(V& v, S& pipeline) {
  v.Int("io_threads", pipeline.io_threads, 1, 64);
  v.Int("compute_threads", pipeline.compute_threads, 0, 256);
}

template <typename V, typename S>
void VisitHttp(V& v, S& http) {
  v.Bool("enabled", http.enabled);
  v.String("address", http.address, CheckIpv4Address, Presence::kOptional);
  v.Int("port", http.port, 0, 65535);
  v.Int("threads", http.threads, 1, 64);
  v.String("api_token", http.api_token, CheckApiToken, Presence::kOptional);
}

template <typename V, typename S>
void VisitReport(V& v, S& report) {
  v.Bool("enabled", report.enabled);
  v.String("sr_template", report.sr_template, CheckPath, Presence::kOptional);
}

template <typename V, typename S>
void VisitDestination(V& v, S& destination) {
  v.String("name", destination.name, CheckDestinationName, Presence::kRequired);
  // Required unless the name is "sender" (checked across keys by the loader).
  v.String("ae_title", destination.ae_title, CheckOptionalAeTitle, Presence::kOptional);
  v.String("host", destination.host, CheckOptionalHost, Presence::kOptional);
  v.Int("port", destination.port, 0, 65535);
}

template <typename V, typename S>
void VisitSenderPort(V& v, S& sender) {
  v.String("ae_title", sender.ae_title, CheckAeTitle, Presence::kRequired);
  v.Int("port", sender.port, 1, 65535);
}

template <typename V, typename S>
void VisitDelivery(V& v, S& delivery) {
  v.ObjectList("destinations", delivery.destinations,
               [](auto& element_visitor, auto& destination) { VisitDestination(element_visitor, destination); });
  v.ObjectList("sender_ports", delivery.sender_ports,
               [](auto& element_visitor, auto& sender) { VisitSenderPort(element_visitor, sender); });
  v.Int("sender_default_port", delivery.sender_default_port, 0, 65535);
  v.String("calling_ae_title", delivery.calling_ae_title, CheckOptionalAeTitle, Presence::kOptional);
  v.Int("threads", delivery.threads, 1, 64);
  v.Int("max_attempts", delivery.max_attempts, 1, 1000);
  v.Int("initial_backoff_ms", delivery.initial_backoff_ms, 10, 3600000);
  v.Int("max_backoff_ms", delivery.max_backoff_ms, 10, 86400000);
  v.Int("connect_timeout_seconds", delivery.connect_timeout_seconds, 1, 3600);
  v.Int("acse_timeout_seconds", delivery.acse_timeout_seconds, 1, 3600);
  v.Int("dimse_timeout_seconds", delivery.dimse_timeout_seconds, 1, 3600);
  v.Int("keep_finished_hours", delivery.keep_finished_hours, 0, 87600);
  v.String("results_dir", delivery.results_dir, CheckOptionalPath, Presence::kOptional);
}

template <typename V, typename S>
void VisitWebhook(V& v, S& webhook) {
  v.String("name", webhook.name, CheckChannelName, Presence::kRequired);
  v.String("url", webhook.url, CheckWebhookUrl, Presence::kRequired);
  v.String("secret", webhook.secret, CheckWebhookSecret, Presence::kRequired);
  v.String("ca_file", webhook.ca_file, CheckOptionalPath, Presence::kOptional);
  v.Int("timeout_seconds", webhook.timeout_seconds, 1, 300);
}

template <typename V, typename S>
void VisitHl7Channel(V& v, S& hl7) {
  v.String("name", hl7.name, CheckChannelName, Presence::kRequired);
  v.String("host", hl7.host, CheckHost, Presence::kRequired);
  v.Int("port", hl7.port, 1, 65535);
  v.String("sending_application", hl7.sending_application, CheckOptionalHl7Name,
           Presence::kOptional);
  v.String("sending_facility", hl7.sending_facility, CheckOptionalHl7Name, Presence::kOptional);
  v.String("receiving_application", hl7.receiving_application, CheckOptionalHl7Name,
           Presence::kOptional);
  v.String("receiving_facility", hl7.receiving_facility, CheckOptionalHl7Name, Presence::kOptional);
  v.Int("timeout_seconds", hl7.timeout_seconds, 1, 300);
}

template <typename V, typename S>
void VisitNotifyPriority(V& v, S& priority) {
  v.Int("stat_min_certainty", priority.stat_min_certainty, 0, 100);
  v.Int("asap_min_certainty", priority.asap_min_certainty, 0, 100);
}

template <typename V, typename S>
void VisitNotify(V& v, S& notify) {
  v.Bool("every_result", notify.every_result);
  v.Int("threads", notify.threads, 1, 16);
  v.Int("max_attempts", notify.max_attempts, 1, 1000);
  v.Int("initial_backoff_ms", notify.initial_backoff_ms, 10, 3600000);
  v.Int("max_backoff_ms", notify.max_backoff_ms, 10, 86400000);
  v.Int("keep_finished_hours", notify.keep_finished_hours, 0, 87600);
  v.ObjectList("webhooks", notify.webhooks, [](auto& element_visitor, auto& webhook) {
    VisitWebhook(element_visitor, webhook);
  });
  v.ObjectList("hl7", notify.hl7,
               [](auto& element_visitor, auto& hl7) { VisitHl7Channel(element_visitor, hl7); });
  v.Section("priority", [&](auto& child) { VisitNotifyPriority(child, notify.priority); });
}

template <typename V, typename S>
void VisitLog(V& v, S& log_settings) {
  v.Enum("level", log_settings.level, kLevelNames);
  v.CategoryLevels("categories", log_settings.categories);
  v.Enum("dcmtk_level", log_settings.dcmtk_level, kLevelNames);
  v.String("file", log_settings.file, CheckOptionalPath, Presence::kOptional);
  v.Int("max_file_mb", log_settings.max_file_mb, 1, 10240);
  v.Int("keep_files", log_settings.keep_files, 1, 100);
}

// The whole file. `S` is Settings or const Settings.
template <typename V, typename S>
void VisitSettings(V& v, S& settings) {
  v.Section("dicom", [&](auto& child) { VisitDicom(child, settings.dicom); });
  v.Section("spool", [&](auto& child) { VisitSpool(child, settings.spool); });
  v.Section("study", [&](auto& child) { VisitStudy(child, settings.study); });
  v.Section("pipeline", [&](auto& child) { VisitPipeline(child, settings.pipeline); });
  v.Section("http", [&](auto& child) { VisitHttp(child, settings.http); });
  v.Section("report", [&](auto& child) { VisitReport(child, settings.report); });
  v.Section("delivery", [&](auto& child) { VisitDelivery(child, settings.delivery); });
  v.Section("notify", [&](auto& child) { VisitNotify(child, settings.notify); });
  v.Section("log", [&](auto& child) { VisitLog(child, settings.log); });
}

}  // namespace alveo::config::internal
