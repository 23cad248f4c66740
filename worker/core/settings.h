// SPDX-License-Identifier: Apache-2.0
// Typed, immutable settings for every module, filled once at start by the config module from
// config/alveo.json (+ CLI overrides) and passed to constructors by const reference. No component
// reads configuration by string key. Defaults here are the shipped defaults; config/README.md
// documents every key. Thread-safety: plain values, never mutated after start.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/log.h"

namespace alveo {

// A calling AE allowed to associate; `hosts` pins it to peer IP addresses (empty = any host).
struct AllowedCaller {
  std::string ae_title;
  std::vector<std::string> hosts;

  bool operator==(const AllowedCaller&) const = default;
};

struct DicomSettings {
  std::string ae_title = "ALVEO";
  std::string bind_address = "0.0.0.0";
  int port = 11112;                       // 0 = ephemeral (tests); the bound port is printed
  int max_associations = 32;              // concurrent; more are rejected (transient, local limit)
  int max_pdu_bytes = 131072;             // our maximum receive PDU length
  int acse_timeout_seconds = 30;          // association negotiation / release
  int dimse_timeout_seconds = 60;         // idle time between DIMSE messages before we abort
  bool check_called_ae = true;            // reject associations not addressed to ae_title
  bool restrict_callers = false;          // only AEs in allowed_callers may associate
  std::vector<AllowedCaller> allowed_callers;
  bool accept_all_storage_classes = false;  // also store every other storage SOP class (ignored)
  bool tcp_quickack = true;               // TCP_QUICKACK on accepted sockets (Nagle-on senders)

  bool operator==(const DicomSettings&) const = default;
};

enum class SyncMode {
  kSyncfs,  // one syncfs() per instance: data, rename and journal in one filesystem commit
  kFsync,   // fsync(file) + fsync(dir) + fdatasync(journal): for data folders on shared volumes
};

struct SpoolSettings {
  std::string data_dir = "alveo-data";
  // Below this much free space C-STORE answers 0xA700. File key: spool.min_free_mb (MiB).
  std::uint64_t min_free_bytes = 1024ull * 1024 * 1024;
  SyncMode sync_mode = SyncMode::kSyncfs;
  int retention_hours = 72;          // processed/ignored studies older than this are deleted; 0 = keep
  int retention_sweep_minutes = 10;  // how often the retention sweep runs

  bool operator==(const SpoolSettings&) const = default;
};

struct StudyFilterSettings {
  std::vector<std::string> modalities{"CT", "CR", "DX", "SC", "OT"};
  // Case-insensitive regular expressions matched against BodyPartExamined, StudyDescription,
  // SeriesDescription and ProtocolName. A study is analysed when a modality matches and an include
  // pattern matches (or every one of those fields is empty and analyse_unlabelled is true) and no
  // exclude pattern matches.
  std::vector<std::string> include_patterns{
      "CHEST", "THORAX", "THORAC", "LUNG", "PULM", "TORAX", "THORAKS", "BRUST", "POUMON",
      "TORSO", "TRUNK", "WHOLE ?BODY", "CHEST_?ABDOMEN", "CAP\\b", "\\bCTA? (OF )?THE CHEST"};
  std::vector<std::string> exclude_patterns{};
  bool analyse_unlabelled = true;

  bool operator==(const StudyFilterSettings&) const = default;
};

struct StudySettings {
  int quiet_period_ms = 5000;        // no new instance for this long => complete
  bool early_completion = true;      // complete on evidence when the association is released
  int early_completion_grace_ms = 500;  // wait this long after release for a follow-up association
  StudyFilterSettings filter;

  bool operator==(const StudySettings&) const = default;
};

struct PipelineSettings {
  int io_threads = 1;
  int compute_threads = 0;  // 0 = number of cores

  bool operator==(const PipelineSettings&) const = default;
};

struct HttpSettings {
  bool enabled = true;
  std::string address = "127.0.0.1";
  int port = 8112;  // 0 = ephemeral (tests)
  int threads = 4;
  // Bearer token for the POST actions (complete, reprocess, retry); "" = actions disabled (403).
  std::string api_token;

  bool operator==(const HttpSettings&) const = default;
};

// A DICOM peer that receives every SR (a PACS, a viewer's store SCP). The name "sender" is reserved
// for the special destination that answers each study's sending AE: it has no ae_title/host/port
// (they come from the study) and uses DeliverySettings::sender_ports.
struct DestinationSettings {
  std::string name;
  std::string ae_title;
  std::string host;  // IPv4 address or host name
  int port = 0;

  bool operator==(const DestinationSettings&) const = default;
};

// The port a calling AE listens on for the `sender` destination (its SCU port is ephemeral).
struct SenderPort {
  std::string ae_title;
  int port = 104;

  bool operator==(const SenderPort&) const = default;
};

struct DeliverySettings {
  std::vector<DestinationSettings> destinations;
  std::vector<SenderPort> sender_ports;
  int sender_default_port = 0;  // for calling AEs not in sender_ports; 0 = they get no SR
  std::string calling_ae_title;  // our AE title when sending; "" = dicom.ae_title
  int threads = 2;               // delivery threads (out-N): associations open at once
  int max_attempts = 8;          // then the entry is dead (kept, visible, retryable)
  int initial_backoff_ms = 2000;  // doubles after each failure ...
  int max_backoff_ms = 300000;    // ... up to this
  int connect_timeout_seconds = 10;
  int acse_timeout_seconds = 30;
  int dimse_timeout_seconds = 60;
  int keep_finished_hours = 168;  // delivered/dead outbox entries are forgotten after this; 0 = keep
  std::string results_dir;       // also write every SR here ("" = off)

  bool operator==(const DeliverySettings&) const = default;
};

struct ReportSettings {
  bool enabled = true;  // build an SR for each analysed study
  // A shipped template by name ("default", "basic-text"; compiled in from sr_templates/) or the
  // path of a template file (ends in .json; relative paths are relative to the working folder).
  std::string sr_template = "default";

  bool operator==(const ReportSettings&) const = default;
};

// Worklist-priority notifications (worker/notify): where they go and how they are retried.
// A webhook receives a signed JSON POST; an HL7 channel receives an ORU^R01 over MLLP.
struct WebhookSettings {
  std::string name;          // unique across notify.webhooks and notify.hl7
  std::string url;           // http:// or https:// (certificate and host name verified)
  std::string secret;        // HMAC-SHA256 key for X-Alveo-Signature (16+ characters)
  std::string ca_file;       // PEM CA certificates to trust for https ("" = the system's)
  int timeout_seconds = 10;  // connect, send and answer, each

  bool operator==(const WebhookSettings&) const = default;
};

struct Hl7Settings {
  std::string name;                           // unique across notify.webhooks and notify.hl7
  std::string host;                           // IPv4 address or host name of the MLLP listener
  int port = 2575;                            // IANA "hl7" port
  std::string sending_application = "ALVEO";  // MSH-3 (HD namespace id)
  std::string sending_facility;               // MSH-4
  std::string receiving_application;          // MSH-5
  std::string receiving_facility;             // MSH-6
  int timeout_seconds = 10;                   // connect, send and wait for the ACK, each

  bool operator==(const Hl7Settings&) const = default;
};

// Certainty (0-100 %) thresholds of a flagged study's priority: >= stat -> STAT, >= asap -> ASAP,
// otherwise ROUTINE. Results that are not flagged carry no priority at all (never "routine").
struct NotifyPrioritySettings {
  int stat_min_certainty = 70;
  int asap_min_certainty = 40;

  bool operator==(const NotifyPrioritySettings&) const = default;
};

struct NotifySettings {
  bool every_result = false;      // also notify not_flagged / not_analysable results (no priority)
  int threads = 1;                // notification threads (ntf-N)
  int max_attempts = 10;          // then the entry is dead (kept, logged, counted)
  int initial_backoff_ms = 2000;  // doubles after each failure ...
  int max_backoff_ms = 300000;    // ... up to this
  int keep_finished_hours = 168;  // delivered/dead entries are forgotten after this; 0 = keep
  std::vector<WebhookSettings> webhooks;
  std::vector<Hl7Settings> hl7;
  NotifyPrioritySettings priority;

  bool operator==(const NotifySettings&) const = default;
};

struct LogSettings {
  log::Level level = log::Level::kInfo;
  std::vector<std::pair<std::string, log::Level>> categories;  // per-category overrides
  log::Level dcmtk_level = log::Level::kWarn;
  std::string file;       // "" = stderr (journald under systemd); else append here and rotate
  int max_file_mb = 100;  // rotate when the file would grow past this
  int keep_files = 5;     // FILE.1 .. FILE.N are kept

  bool operator==(const LogSettings&) const = default;
};

struct Settings {
  DicomSettings dicom;
  SpoolSettings spool;
  StudySettings study;
  PipelineSettings pipeline;
  HttpSettings http;
  ReportSettings report;
  DeliverySettings delivery;
  NotifySettings notify;
  LogSettings log;

  bool operator==(const Settings&) const = default;
};

}  // namespace alveo
