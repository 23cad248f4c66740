// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config_keys.h"
#include "config/config_loader.h"
#include "config/json_value.h"
#include "config/sr_template_loader.h"
#include "config/sr_template_source.h"

namespace alveo::config {
namespace {

using Overrides = std::vector<std::pair<std::string, std::string>>;

const std::string kSourceDir = ALVEO_SOURCE_DIR;
constexpr std::uint64_t kMiB = 1024ull * 1024;

std::string ReadText(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Compares every field explicitly, so a field the loader forgets shows up here by name.
void ExpectSameSettings(const Settings& a, const Settings& b) {
  EXPECT_EQ(a.dicom.ae_title, b.dicom.ae_title);
  EXPECT_EQ(a.dicom.bind_address, b.dicom.bind_address);
  EXPECT_EQ(a.dicom.port, b.dicom.port);
  EXPECT_EQ(a.dicom.max_associations, b.dicom.max_associations);
  EXPECT_EQ(a.dicom.max_pdu_bytes, b.dicom.max_pdu_bytes);
  EXPECT_EQ(a.dicom.acse_timeout_seconds, b.dicom.acse_timeout_seconds);
  EXPECT_EQ(a.dicom.dimse_timeout_seconds, b.dicom.dimse_timeout_seconds);
  EXPECT_EQ(a.dicom.check_called_ae, b.dicom.check_called_ae);
  EXPECT_EQ(a.dicom.restrict_callers, b.dicom.restrict_callers);
  ASSERT_EQ(a.dicom.allowed_callers.size(), b.dicom.allowed_callers.size());
  for (std::size_t i = 0; i < a.dicom.allowed_callers.size(); ++i) {
    EXPECT_EQ(a.dicom.allowed_callers[i].ae_title, b.dicom.allowed_callers[i].ae_title);
    EXPECT_EQ(a.dicom.allowed_callers[i].hosts, b.dicom.allowed_callers[i].hosts);
  }
  EXPECT_EQ(a.dicom.accept_all_storage_classes, b.dicom.accept_all_storage_classes);
  EXPECT_EQ(a.dicom.tcp_quickack, b.dicom.tcp_quickack);
  EXPECT_EQ(a.spool.data_dir, b.spool.data_dir);
  EXPECT_EQ(a.spool.min_free_bytes, b.spool.min_free_bytes);
  EXPECT_EQ(a.spool.sync_mode, b.spool.sync_mode);
  EXPECT_EQ(a.spool.retention_hours, b.spool.retention_hours);
  EXPECT_EQ(a.spool.retention_sweep_minutes, b.spool.retention_sweep_minutes);
  EXPECT_EQ(a.study.quiet_period_ms, b.study.quiet_period_ms);
  EXPECT_EQ(a.study.early_completion, b.study.early_completion);
  EXPECT_EQ(a.study.early_completion_grace_ms, b.study.early_completion_grace_ms);
  EXPECT_EQ(a.study.filter.modalities, b.study.filter.modalities);
  EXPECT_EQ(a.study.filter.include_patterns, b.study.filter.include_patterns);
  EXPECT_EQ(a.study.filter.exclude_patterns, b.study.filter.exclude_patterns);
  EXPECT_EQ(a.study.filter.analyse_unlabelled, b.study.filter.analyse_unlabelled);
  EXPECT_EQ(a.pipeline.io_threads, b.pipeline.io_threads);
  EXPECT_EQ(a.pipeline.compute_threads, b.pipeline.compute_threads);
  EXPECT_EQ(a.http.enabled, b.http.enabled);
  EXPECT_EQ(a.http.address, b.http.address);
  EXPECT_EQ(a.http.port, b.http.port);
  EXPECT_EQ(a.http.threads, b.http.threads);
  EXPECT_EQ(a.http.api_token, b.http.api_token);
  EXPECT_EQ(a.report.enabled, b.report.enabled);
  EXPECT_EQ(a.report.sr_template, b.report.sr_template);
  EXPECT_EQ(a.delivery, b.delivery);  // field by field in the delivery tests below
  EXPECT_EQ(a.notify.every_result, b.notify.every_result);
  EXPECT_EQ(a.notify.threads, b.notify.threads);
  EXPECT_EQ(a.notify.max_attempts, b.notify.max_attempts);
  EXPECT_EQ(a.notify.initial_backoff_ms, b.notify.initial_backoff_ms);
  EXPECT_EQ(a.notify.max_backoff_ms, b.notify.max_backoff_ms);
  EXPECT_EQ(a.notify.keep_finished_hours, b.notify.keep_finished_hours);
  ASSERT_EQ(a.notify.webhooks.size(), b.notify.webhooks.size());
  for (std::size_t i = 0; i < a.notify.webhooks.size(); ++i) {
    EXPECT_EQ(a.notify.webhooks[i].name, b.notify.webhooks[i].name);
    EXPECT_EQ(a.notify.webhooks[i].url, b.notify.webhooks[i].url);
    EXPECT_EQ(a.notify.webhooks[i].secret, b.notify.webhooks[i].secret);
    EXPECT_EQ(a.notify.webhooks[i].ca_file, b.notify.webhooks[i].ca_file);
    EXPECT_EQ(a.notify.webhooks[i].timeout_seconds, b.notify.webhooks[i].timeout_seconds);
  }
  ASSERT_EQ(a.notify.hl7.size(), b.notify.hl7.size());
  for (std::size_t i = 0; i < a.notify.hl7.size(); ++i) {
    EXPECT_EQ(a.notify.hl7[i].name, b.notify.hl7[i].name);
    EXPECT_EQ(a.notify.hl7[i].host, b.notify.hl7[i].host);
    EXPECT_EQ(a.notify.hl7[i].port, b.notify.hl7[i].port);
    EXPECT_EQ(a.notify.hl7[i].sending_application, b.notify.hl7[i].sending_application);
    EXPECT_EQ(a.notify.hl7[i].sending_facility, b.notify.hl7[i].sending_facility);
    EXPECT_EQ(a.notify.hl7[i].receiving_application, b.notify.hl7[i].receiving_application);
    EXPECT_EQ(a.notify.hl7[i].receiving_facility, b.notify.hl7[i].receiving_facility);
    EXPECT_EQ(a.notify.hl7[i].timeout_seconds, b.notify.hl7[i].timeout_seconds);
  }
  EXPECT_EQ(a.notify.priority.stat_min_certainty, b.notify.priority.stat_min_certainty);
  EXPECT_EQ(a.notify.priority.asap_min_certainty, b.notify.priority.asap_min_certainty);
  EXPECT_EQ(a.notify, b.notify);  // catches a field added to NotifySettings but not listed above
  EXPECT_EQ(a.log.level, b.log.level);
  EXPECT_EQ(a.log.categories, b.log.categories);
  EXPECT_EQ(a.log.dcmtk_level, b.log.dcmtk_level);
  EXPECT_EQ(a.log.file, b.log.file);
  EXPECT_EQ(a.log.max_file_mb, b.log.max_file_mb);
  EXPECT_EQ(a.log.keep_files, b.log.keep_files);
}

// The dotted paths of every object member in `value`, not descending into arrays.
void CollectKeys(const internal::JsonValue& value, const std::string& prefix,
                 std::set<std::string>& keys) {
  const auto* object = std::get_if<internal::JsonObject>(&value.data);
  if (object == nullptr) return;
  for (const internal::JsonMember& member : *object) {
    keys.insert(prefix + member.key);
    CollectKeys(member.value, prefix + member.key + ".", keys);
  }
}

// Expects ParseSettings to fail with a message containing `expected`.
void ExpectRejected(const std::string& json, const std::string& expected,
                    const Overrides& overrides = {}) {
  SCOPED_TRACE(json);
  const Result<Settings> result = ParseSettings(json, overrides);
  ASSERT_FALSE(result.ok()) << "accepted, expected: " << expected;
  EXPECT_EQ(result.status().code(), ErrorCode::kConfigInvalid);
  EXPECT_NE(result.status().message().find(expected), std::string::npos)
      << "message:\n"
      << result.status().message() << "\nexpected to contain:\n"
      << expected;
}

Settings ParseOk(const std::string& json, const Overrides& overrides = {}) {
  Result<Settings> result = ParseSettings(json, overrides);
  EXPECT_TRUE(result.ok()) << json << "\n" << result.status().message();
  return result.ok() ? std::move(result).value() : Settings{};
}

TEST(ConfigShippedFilesTest, DefaultFileLoadsAndEqualsTheCompiledDefaults) {
  const Result<Settings> loaded = LoadSettingsFile(kSourceDir + "/config/alveo.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ExpectSameSettings(*loaded, Settings{});
}

TEST(ConfigShippedFilesTest, ProductionExampleLoadsAndIsLockedDown) {
  const Result<Settings> loaded = LoadSettingsFile(kSourceDir + "/config/alveo.production.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_TRUE(loaded->dicom.restrict_callers);
  ASSERT_GE(loaded->dicom.allowed_callers.size(), 2u);
  for (const AllowedCaller& caller : loaded->dicom.allowed_callers) {
    EXPECT_FALSE(caller.hosts.empty()) << caller.ae_title << " is not pinned to hosts";
  }
  EXPECT_EQ(loaded->spool.data_dir, "/var/lib/alveo");
  EXPECT_GT(loaded->spool.min_free_bytes, Settings{}.spool.min_free_bytes);
  EXPECT_LT(loaded->dicom.dimse_timeout_seconds, Settings{}.dicom.dimse_timeout_seconds);
  EXPECT_EQ(loaded->http.address, "127.0.0.1");
  EXPECT_EQ(loaded->log.level, log::Level::kInfo);
}

TEST(ConfigShippedFilesTest, DefaultFileContainsExactlyTheAcceptedKeys) {
  Result<internal::JsonValue> tree =
      internal::ParseJson(ReadText(kSourceDir + "/config/alveo.json"));
  ASSERT_TRUE(tree.ok()) << tree.status().message();
  std::set<std::string> in_file;
  CollectKeys(*tree, "", in_file);
  std::set<std::string> accepted;
  for (const internal::KeyInfo& info : internal::AcceptedKeys()) {
    // Keys inside allowed_callers elements cannot appear: the default list is empty.
    if (!info.in_list_element) accepted.insert(info.key);
  }
  EXPECT_EQ(in_file, accepted);
}

TEST(ConfigShippedFilesTest, ReadmeDocumentsEveryAcceptedKey) {
  const std::string readme = ReadText(kSourceDir + "/config/README.md");
  ASSERT_FALSE(readme.empty());
  for (const internal::KeyInfo& info : internal::AcceptedKeys()) {
    if (info.kind == internal::KeyKind::kSection) continue;
    EXPECT_NE(readme.find("| `" + info.key + "` |"), std::string::npos)
        << info.key << " has no row in config/README.md";
  }
}

TEST(ConfigParseTest, EmptyObjectKeepsEveryDefault) {
  ExpectSameSettings(ParseOk("{}"), Settings{});
}

TEST(ConfigParseTest, SettingsToJsonRoundTripsNonDefaultValues) {
  Settings s;
  s.dicom.ae_title = "SITE_AE";
  s.dicom.bind_address = "192.0.2.5";
  s.dicom.port = 104;
  s.dicom.max_associations = 8;
  s.dicom.max_pdu_bytes = 65536;
  s.dicom.acse_timeout_seconds = 10;
  s.dicom.dimse_timeout_seconds = 20;
  s.dicom.check_called_ae = false;
  s.dicom.restrict_callers = true;
  s.dicom.allowed_callers = {{"PACS", {"192.0.2.10", "192.0.2.11"}}, {"ROUTER", {}}};
  s.dicom.accept_all_storage_classes = true;
  s.dicom.tcp_quickack = false;
  s.spool = {"/srv/alveo", 5 * kMiB, SyncMode::kFsync, 0, 60};
  s.study.quiet_period_ms = 2000;
  s.study.early_completion = false;
  s.study.early_completion_grace_ms = 0;
  s.study.filter = {{"CT"}, {"CHEST", "\\bLUNG\\b"}, {"PHANTOM", "\"QA\""}, false};
  s.pipeline = {4, 16};
  s.http = {false, "0.0.0.0", 0, 2, "0123456789abcdef-token"};
  s.report = {false, "/etc/alveo/site-template.json"};
  s.delivery.destinations = {{"pacs", "PACS", "pacs.example.org", 104}, {"sender", "", "", 0}};
  s.delivery.sender_ports = {{"CT01", 11112}};
  s.delivery.sender_default_port = 104;
  s.delivery.calling_ae_title = "ALVEO_SR";
  s.delivery.threads = 3;
  s.delivery.max_attempts = 5;
  s.delivery.initial_backoff_ms = 100;
  s.delivery.max_backoff_ms = 1000;
  s.delivery.connect_timeout_seconds = 3;
  s.delivery.acse_timeout_seconds = 4;
  s.delivery.dimse_timeout_seconds = 5;
  s.delivery.keep_finished_hours = 0;
  s.delivery.results_dir = "/srv/results";
  s.notify.every_result = true;
  s.notify.threads = 2;
  s.notify.max_attempts = 4;
  s.notify.initial_backoff_ms = 50;
  s.notify.max_backoff_ms = 500;
  s.notify.keep_finished_hours = 0;
  s.notify.webhooks = {{"hook", "https://hooks.example.org:8443/alveo?x=1",
                        "0123456789abcdef-secret", "/etc/ca.pem", 7}};
  s.notify.hl7 = {{"ris", "ris.example.org", 6661, "ALVEO_T", "RAD", "RIS", "HOSP", 9}};
  s.notify.priority = {80, 50};
  s.log = {log::Level::kDebug,
           {{"net", log::Level::kTrace}, {"http", log::Level::kOff}},
           log::Level::kError, "/var/log/alveo/alveo.log", 50, 3};
  const std::string json = SettingsToJson(s);
  ExpectSameSettings(ParseOk(json), s);
  EXPECT_NE(json.find("\"min_free_mb\": 5"), std::string::npos) << json;
}

TEST(ConfigParseTest, MinFreeMbIsMebibytes) {
  EXPECT_EQ(ParseOk(R"({"spool": {"min_free_mb": 2048}})").spool.min_free_bytes, 2048 * kMiB);
  EXPECT_EQ(ParseOk(R"({"spool": {"min_free_mb": 0}})").spool.min_free_bytes, 0u);
}

TEST(ConfigParseTest, AcceptsBoundaryValuesAndEveryLevel) {
  const Settings s = ParseOk(R"({"dicom": {"ae_title": "ABCDEFGHIJKLMNOP", "port": 0,
      "max_pdu_bytes": 4096, "restrict_callers": true, "allowed_callers": [{"ae_title": "PACS"}]},
      "study": {"quiet_period_ms": 100, "early_completion_grace_ms": 60000},
      "log": {"categories": {"app": "trace", "config": "debug", "net": "info", "spool": "warn",
                             "study": "error", "pipeline": "off"}}})");
  EXPECT_EQ(s.dicom.ae_title, "ABCDEFGHIJKLMNOP");
  EXPECT_TRUE(s.dicom.allowed_callers[0].hosts.empty());
  ASSERT_EQ(s.log.categories.size(), 6u);
  EXPECT_EQ(s.log.categories[5], std::make_pair(std::string("pipeline"), log::Level::kOff));
}

struct RejectCase {
  const char* json;
  const char* expected;
};

TEST(ConfigValidationTest, EachRuleRejectsWithTheKeyAndTheReason) {
  const RejectCase cases[] = {
      {R"({"dicom": {"port": 70000}})", "dicom.port: 70000 is out of range [0, 65535]"},
      {R"({"dicom": {"port": -1}})", "dicom.port: -1 is out of range [0, 65535]"},
      {R"({"dicom": {"port": 18446744073709551615}})", "dicom.port: 18446744073709551615 is out"},
      {R"({"dicom": {"port": "104"}})", "dicom.port: expected an integer, got a string"},
      {R"({"dicom": {"port": 104.0}})", "dicom.port: expected an integer, got a number"},
      {R"({"dicom": {"port": null}})", "dicom.port: expected an integer, got null"},
      {R"({"dicom": {"ae_title": ""}})", "dicom.ae_title: must not be empty"},
      {R"({"dicom": {"ae_title": "   "}})", "dicom.ae_title: must not be empty"},
      {R"({"dicom": {"ae_title": "ABCDEFGHIJKLMNOPQ"}})",
       "dicom.ae_title: \"ABCDEFGHIJKLMNOPQ\" is longer"},
      {R"({"dicom": {"ae_title": "A\\B"}})", "dicom.ae_title: must not contain a backslash"},
      {R"({"dicom": {"ae_title": "A\tB"}})", "dicom.ae_title: must not contain control"},
      {R"({"dicom": {"ae_title": " ALVEO"}})",
       "dicom.ae_title: must not start or end with a space"},
      {R"({"dicom": {"bind_address": "256.0.0.1"}})",
       "dicom.bind_address: \"256.0.0.1\" is not an IPv4"},
      {R"({"dicom": {"bind_address": "1.2.3"}})", "dicom.bind_address: \"1.2.3\" is not an IPv4"},
      {R"({"dicom": {"bind_address": "1.2.3.4.5"}})", "dicom.bind_address: \"1.2.3.4.5\" is not"},
      {R"({"dicom": {"bind_address": "01.2.3.4"}})", "dicom.bind_address: \"01.2.3.4\" is not"},
      {R"({"dicom": {"bind_address": "localhost"}})", "dicom.bind_address: \"localhost\" is not"},
      {R"({"dicom": {"max_associations": 0}})",
       "dicom.max_associations: 0 is out of range [1, 512]"},
      {R"({"dicom": {"max_associations": 513}})", "dicom.max_associations: 513 is out of range"},
      {R"({"dicom": {"max_pdu_bytes": 4095}})",
       "dicom.max_pdu_bytes: 4095 is out of range [4096, 131072]"},
      {R"({"dicom": {"max_pdu_bytes": 131073}})", "dicom.max_pdu_bytes: 131073 is out of range"},
      {R"({"dicom": {"acse_timeout_seconds": 0}})",
       "dicom.acse_timeout_seconds: 0 is out of range [1, 3600]"},
      {R"({"dicom": {"dimse_timeout_seconds": 3601}})",
       "dicom.dimse_timeout_seconds: 3601 is out of range"},
      {R"({"dicom": {"check_called_ae": "yes"}})",
       "dicom.check_called_ae: expected true or false, got a string"},
      {R"({"dicom": {"tcp_quickack": 1}})",
       "dicom.tcp_quickack: expected true or false, got an integer"},
      {R"({"dicom": {"restrict_callers": true}})",
       "dicom.restrict_callers: is true but dicom.allowed_callers is empty"},
      {R"({"dicom": {"allowed_callers": {"ae_title": "PACS"}}})",
       "dicom.allowed_callers: expected an array of objects, got an object"},
      {R"({"dicom": {"allowed_callers": ["PACS"]}})",
       "dicom.allowed_callers[0]: expected an object, got a string"},
      {R"({"dicom": {"allowed_callers": [{"hosts": ["192.0.2.1"]}]}})",
       "dicom.allowed_callers[0].ae_title: required"},
      {R"({"dicom": {"allowed_callers": [{"ae_title": "P", "hosts": ["192.0.2.1", "pacs"]}]}})",
       "dicom.allowed_callers[0].hosts[1]: \"pacs\" is not an IPv4"},
      {R"({"dicom": {"allowed_callers": [{"ae_title": "P", "host": ["192.0.2.1"]}]}})",
       "dicom.allowed_callers[0].host: unknown key (did you mean dicom.allowed_callers[0].hosts?)"},
      {R"({"dicom": {"allowed_callers": [{"ae_title": "P"}, {"ae_title": "P"}]}})",
       "dicom.allowed_callers[1].ae_title: \"P\" is already listed at dicom.allowed_callers[0]"},
      {R"({"spool": {"data_dir": ""}})", "spool.data_dir: must not be empty"},
      {R"({"spool": {"min_free_mb": -1}})", "spool.min_free_mb: -1 is out of range [0, 16777216]"},
      {R"({"spool": {"min_free_mb": 16777217}})", "spool.min_free_mb: 16777217 is out of range"},
      {R"({"spool": {"min_free_bytes": 1024}})",
       "spool.min_free_bytes: unknown key (did you mean spool.min_free_mb?)"},
      {R"({"spool": {"sync_mode": "fdatasync"}})",
       "spool.sync_mode: must be one of syncfs, fsync (got \"fdatasync\")"},
      {R"({"spool": {"sync_mode": 1}})",
       "spool.sync_mode: must be one of syncfs, fsync (got an integer)"},
      {R"({"spool": {"retention_hours": 87601}})",
       "spool.retention_hours: 87601 is out of range [0, 87600]"},
      {R"({"spool": {"retention_sweep_minutes": 0}})",
       "spool.retention_sweep_minutes: 0 is out of range"},
      {R"({"study": {"quiet_period_ms": 99}})",
       "study.quiet_period_ms: 99 is out of range [100, 3600000]"},
      {R"({"study": {"quiet_period_ms": 3600001}})",
       "study.quiet_period_ms: 3600001 is out of range"},
      {R"({"study": {"early_completion_grace_ms": 60001}})",
       "study.early_completion_grace_ms: 60001 is out of range [0, 60000]"},
      {R"({"study": {"filter": {"modalities": ["CT", "ct"]}}})",
       "study.filter.modalities[1]: \"ct\" is not a modality code"},
      {R"({"study": {"filter": {"modalities": "CT"}}})",
       "study.filter.modalities: expected an array of strings, got a string"},
      {R"({"study": {"filter": {"include_patterns": ["CHEST", "LUNG", "(THORAX"]}}})",
       "study.filter.include_patterns[2]: invalid regular expression: "},
      {R"({"study": {"filter": {"exclude_patterns": [""]}}})",
       "study.filter.exclude_patterns[0]: must not be empty"},
      {R"({"study": {"filter": {"include_patterns": [5]}}})",
       "study.filter.include_patterns[0]: expected a string, got an integer"},
      {R"({"study": {"filter": []}})", "study.filter: expected an object, got an array"},
      {R"({"pipeline": {"io_threads": 0}})", "pipeline.io_threads: 0 is out of range [1, 64]"},
      {R"({"pipeline": {"compute_threads": 257}})",
       "pipeline.compute_threads: 257 is out of range [0, 256]"},
      {R"({"http": {"threads": 65}})", "http.threads: 65 is out of range [1, 64]"},
      {R"({"http": {"port": 65536}})", "http.port: 65536 is out of range [0, 65535]"},
      {R"({"http": {"address": "::1"}})", "http.address: \"::1\" is not an IPv4"},
      {R"({"http": {"port": 11112}})", "http.port: 11112 is also dicom.port"},
      {R"({"log": {"level": "verbose"}})",
       "log.level: must be one of trace, debug, info, warn, error, off"},
      {R"({"log": {"dcmtk_level": "loud"}})", "log.dcmtk_level: must be one of trace"},
      {R"({"log": {"categories": {"netx": "debug"}}})",
       "log.categories.netx: unknown category (did you mean log.categories.net?)"},
      {R"({"log": {"categories": {"database": "debug"}}})",
       "log.categories.database: unknown category (known: app, config,"},
      {R"({"log": {"categories": {"net": "loud"}}})", "log.categories.net: must be one of"},
      {R"({"log": {"categories": "debug"}})",
       "log.categories: expected an object of category: level, got a string"},
      {R"({"dicom": 5})", "dicom: expected an object, got an integer"},
  };
  for (const RejectCase& c : cases) ExpectRejected(c.json, c.expected);
}

TEST(ConfigValidationTest, PortClashOnlyWhenBothListenOnOverlappingAddresses) {
  ParseOk(R"({"http": {"port": 11112, "enabled": false}})");
  ParseOk(R"({"dicom": {"bind_address": "192.0.2.5"}, "http": {"port": 11112}})");
  ExpectRejected(R"({"dicom": {"bind_address": "127.0.0.1"}, "http": {"port": 11112}})",
                 "http.port: 11112 is also dicom.port");
}

TEST(ConfigValidationTest, UnknownKeysAreRejectedAtEveryLevel) {
  ExpectRejected(R"({"dicm": {}})", "dicm: unknown key (did you mean dicom?)");
  ExpectRejected(R"({"dicom": {"portt": 104}})",
                 "dicom.portt: unknown key (did you mean dicom.port?)");
  ExpectRejected(R"({"study": {"filter": {"modality": ["CT"]}}})",
                 "study.filter.modality: unknown key (did you mean study.filter.modalities?)");
  const Result<Settings> result = ParseSettings(R"({"zzz": 1})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "zzz: unknown key");
}

TEST(ConfigValidationTest, AllProblemsAreReportedTogetherOnePerLine) {
  const Result<Settings> result = ParseSettings(R"({
    "dicom": {"port": 70000, "ae_title": ""},
    "spool": {"sync_mode": "never"},
    "log": {"categories": {"netx": "debug"}},
    "extra": true})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "dicom.ae_title: must not be empty\n"
            "dicom.port: 70000 is out of range [0, 65535]\n"
            "spool.sync_mode: must be one of syncfs, fsync (got \"never\")\n"
            "log.categories.netx: unknown category (did you mean log.categories.net?)\n"
            "extra: unknown key");
}

TEST(ConfigSyntaxTest, SyntaxErrorsNameLineAndColumn) {
  ExpectRejected("{\n  \"dicom\": {\"port\": 104,}\n}",
                 "invalid JSON at line 2, column 24: trailing comma before '}'");
  ExpectRejected("{\n  // comment\n}",
                 "invalid JSON at line 2, column 3: comments are not allowed");
  ExpectRejected("{\"dicom\": {\"port\": 104 \"ae_title\": \"A\"}}",
                 "line 1, column 24: unexpected '\"', expected ',' or '}'");
  ExpectRejected("{'dicom': {}}", "line 1, column 2: strings must use double quotes");
  ExpectRejected("{\"a\": \"unterminated\n}", "line 1, column 20: line break inside a string");
  ExpectRejected("{\"a\": 01}", "line 1, column 7: numbers must not have leading zeros");
  ExpectRejected("{} {}", "line 1, column 4: unexpected text after the end");
  ExpectRejected("", "invalid JSON at line 1, column 1: unexpected end of text, expected a value");
  ExpectRejected("[]", "the settings file must hold one JSON object ({...}), not an array");
}

TEST(ConfigSyntaxTest, DuplicateKeysAreRejectedWithTheirPath) {
  ExpectRejected(R"({"dicom": {"port": 104, "port": 105}})", "dicom.port: duplicate key");
  ExpectRejected(R"({"dicom": {"allowed_callers": [{"ae_title": "A", "ae_title": "B"}]}})",
                 "dicom.allowed_callers[0].ae_title: duplicate key");
}

TEST(ConfigSyntaxTest, Utf8ByteOrderMarkIsIgnored) { ParseOk("\xEF\xBB\xBF{}"); }

TEST(ConfigOverrideTest, OverridesApplyByTheKeysType) {
  const Settings s =
      ParseOk(R"({"dicom": {"port": 1234}})",
              {{"dicom.port", "104"},
               {"dicom.ae_title", "SITE AE"},
               {"study.quiet_period_ms", "2000"},
               {"spool.data_dir", "/data/alveo"},
               {"spool.sync_mode", "fsync"},
               {"dicom.restrict_callers", "true"},
               {"dicom.allowed_callers", R"([{"ae_title": "PACS", "hosts": ["192.0.2.10"]}])"},
               {"study.filter.modalities", R"(["CT", "DX"])"},
               {"log.level", "debug"},
               {"log.categories.net", "trace"}});
  EXPECT_EQ(s.dicom.port, 104);
  EXPECT_EQ(s.dicom.ae_title, "SITE AE");
  EXPECT_EQ(s.study.quiet_period_ms, 2000);
  EXPECT_EQ(s.spool.data_dir, "/data/alveo");
  EXPECT_EQ(s.spool.sync_mode, SyncMode::kFsync);
  EXPECT_TRUE(s.dicom.restrict_callers);
  ASSERT_EQ(s.dicom.allowed_callers.size(), 1u);
  EXPECT_EQ(s.dicom.allowed_callers[0].hosts, std::vector<std::string>{"192.0.2.10"});
  EXPECT_EQ(s.study.filter.modalities, (std::vector<std::string>{"CT", "DX"}));
  EXPECT_EQ(s.log.level, log::Level::kDebug);
  EXPECT_EQ(s.log.categories,
            (std::vector<std::pair<std::string, log::Level>>{{"net", log::Level::kTrace}}));
  EXPECT_EQ(s.dicom.max_associations, Settings{}.dicom.max_associations);
}

TEST(ConfigOverrideTest, OverridesAreValidatedLikeTheFile) {
  ExpectRejected("{}",
                 "dicom.port: 70000 is out of range [0, 65535] (set by a command-line override)",
                 {{"dicom.port", "70000"}});
  ExpectRejected("{}", "dicom.port: override value \"abc\" is not an integer",
                 {{"dicom.port", "abc"}});
  ExpectRejected("{}", "dicom.port: override value \"104 \" is not an integer",
                 {{"dicom.port", "104 "}});
  ExpectRejected("{}", "dicom.tcp_quickack: override value \"yes\" must be true or false",
                 {{"dicom.tcp_quickack", "yes"}});
  ExpectRejected("{}", "dicom.portt: unknown key in override (did you mean dicom.port?)",
                 {{"dicom.portt", "104"}});
  ExpectRejected("{}", "dicom: is a section", {{"dicom", "{}"}});
  ExpectRejected("{}", "study.filter.modalities: override value must be JSON text such as",
                 {{"study.filter.modalities", "CT"}});
  ExpectRejected("{}", "log.categories.netx: unknown category", {{"log.categories.netx", "debug"}});
  ExpectRejected("{}", "dicom.ae_title: must not be empty (set by a command-line override)",
                 {{"dicom.ae_title", ""}});
  ExpectRejected("{}", "dicom.allowed_callers[0].hosts[0]: \"x\" is not an IPv4",
                 {{"dicom.allowed_callers", R"([{"ae_title": "P", "hosts": ["x"]}])"}});
  ExpectRejected(R"({"dicom": 5})",
                 "dicom.port: cannot apply override: dicom in the settings file is not an object",
                 {{"dicom.port", "104"}});
}

TEST(ConfigOverrideTest, OverrideAndFileProblemsAreReportedTogether) {
  const Result<Settings> result =
      ParseSettings(R"({"http": {"threads": 0}})", {{"dicom.portt", "1"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "dicom.portt: unknown key in override (did you mean dicom.port?)\n"
            "http.threads: 0 is out of range [1, 64]");
}

TEST(ConfigDeliveryTest, DestinationsAndSenderPortsAreRead) {
  const Settings s = ParseOk(R"({"delivery": {"destinations": [
      {"name": "pacs", "ae_title": "PACS_MAIN", "host": "192.0.2.10", "port": 104},
      {"name": "viewer-2", "ae_title": "VIEW", "host": "viewer.example.org", "port": 4242},
      {"name": "sender"}],
      "sender_ports": [{"ae_title": "CT01", "port": 11112}], "sender_default_port": 104}})");
  ASSERT_EQ(s.delivery.destinations.size(), 3u);
  EXPECT_EQ(s.delivery.destinations[0], (DestinationSettings{"pacs", "PACS_MAIN", "192.0.2.10", 104}));
  EXPECT_EQ(s.delivery.destinations[1].host, "viewer.example.org");
  EXPECT_EQ(s.delivery.destinations[2], (DestinationSettings{"sender", "", "", 0}));
  ASSERT_EQ(s.delivery.sender_ports.size(), 1u);
  EXPECT_EQ(s.delivery.sender_ports[0].port, 11112);
  EXPECT_EQ(s.delivery.sender_default_port, 104);
}

TEST(ConfigDeliveryTest, BadDestinationsAreRejectedWithTheirKey) {
  ExpectRejected(R"({"delivery": {"destinations": [{"name": "pacs", "host": "192.0.2.10", "port": 104}]}})",
                 "delivery.destinations[0].ae_title: required");
  ExpectRejected(R"({"delivery": {"destinations": [{"name": "pacs", "ae_title": "P", "port": 104}]}})",
                 "delivery.destinations[0].host: required");
  ExpectRejected(R"({"delivery": {"destinations": [{"name": "pacs", "ae_title": "P", "host": "h"}]}})",
                 "delivery.destinations[0].port: required");
  ExpectRejected(R"({"delivery": {"destinations": [{"name": "a/b", "ae_title": "P", "host": "h", "port": 1}]}})",
                 "delivery.destinations[0].name");
  ExpectRejected(R"({"delivery": {"destinations": [{"name": "p", "ae_title": "P", "host": "bad host", "port": 1}]}})",
                 "neither an IPv4 address nor a host name");
  ExpectRejected(R"({"delivery": {"destinations": [{"name": "p", "ae_title": "P", "host": "h", "port": 1},
                                                    {"name": "p", "ae_title": "Q", "host": "h", "port": 2}]}})",
                 "delivery.destinations[1].name: \"p\" is already used");
  ExpectRejected(R"({"delivery": {"destinations": [{"name": "sender", "ae_title": "X"}]}})",
                 "delivery.destinations[0]: the \"sender\" destination takes its AE title");
  ExpectRejected(R"({"delivery": {"sender_ports": [{"ae_title": "A", "port": 1}, {"ae_title": "A", "port": 2}]}})",
                 "delivery.sender_ports[1].ae_title: \"A\" is listed twice");
  ExpectRejected(R"({"delivery": {"initial_backoff_ms": 5000, "max_backoff_ms": 1000}})",
                 "delivery.max_backoff_ms: is smaller than delivery.initial_backoff_ms");
  ExpectRejected(R"({"delivery": {"threads": 0}})", "delivery.threads");
  ExpectRejected(R"({"http": {"api_token": "short"}})", "http.api_token: must be 16-256 characters");
}

TEST(ConfigDeliveryTest, AppendOverrideAddsToTheListFromTheFile) {
  const std::string file =
      R"({"delivery": {"destinations": [{"name": "pacs", "ae_title": "PACS", "host": "192.0.2.10", "port": 104}]}})";
  const Settings s = ParseOk(file, {{"delivery.destinations[+]",
                                     R"({"name": "lab", "ae_title": "LAB", "host": "127.0.0.1", "port": 4006})"},
                                    {"delivery.destinations[+]", R"({"name": "sender"})"}});
  ASSERT_EQ(s.delivery.destinations.size(), 3u);
  EXPECT_EQ(s.delivery.destinations[0].name, "pacs");
  EXPECT_EQ(s.delivery.destinations[1], (DestinationSettings{"lab", "LAB", "127.0.0.1", 4006}));
  EXPECT_EQ(s.delivery.destinations[2].name, "sender");
  // Into an absent list, and validated like the file.
  EXPECT_EQ(ParseOk("{}", {{"delivery.destinations[+]", R"({"name": "sender"})"}}).delivery.destinations.size(), 1u);
  ExpectRejected("{}", "delivery.destinations[0].port: required (1-65535) (set by a command-line override)",
                 {{"delivery.destinations[+]", R"({"name": "x", "ae_title": "X", "host": "h"})"}});
  ExpectRejected("{}", "only lists can be appended", {{"dicom.port[+]", "1"}});
  ExpectRejected("{}", "appended value must be a JSON object", {{"delivery.destinations[+]", "{oops"}});
}

TEST(ConfigNotifyTest, ChannelsAndPriorityAreReadWithDefaults) {
  const Settings s = ParseOk(R"({"notify": {"every_result": true,
      "webhooks": [{"name": "hook", "url": "http://127.0.0.1:9000/a", "secret": "0123456789abcdef"}],
      "hl7": [{"name": "ris", "host": "192.0.2.30"}],
      "priority": {"stat_min_certainty": 90}}})");
  EXPECT_TRUE(s.notify.every_result);
  ASSERT_EQ(s.notify.webhooks.size(), 1u);
  EXPECT_EQ(s.notify.webhooks[0],
            (WebhookSettings{"hook", "http://127.0.0.1:9000/a", "0123456789abcdef", "", 10}));
  ASSERT_EQ(s.notify.hl7.size(), 1u);
  EXPECT_EQ(s.notify.hl7[0], (Hl7Settings{"ris", "192.0.2.30", 2575, "ALVEO", "", "", "", 10}));
  EXPECT_EQ(s.notify.priority.stat_min_certainty, 90);
  EXPECT_EQ(s.notify.priority.asap_min_certainty, 40);
  // The e2e tests' form: a whole list as JSON text on the command line.
  const Settings over =
      ParseOk("{}", {{"notify.hl7", R"([{"name": "r", "host": "localhost", "port": 2576}])"}});
  ASSERT_EQ(over.notify.hl7.size(), 1u);
  EXPECT_EQ(over.notify.hl7[0].port, 2576);
}

TEST(ConfigNotifyTest, BadChannelsAreRejectedWithTheirKey) {
  const auto hook = [](const std::string& fields) {
    return R"({"notify": {"webhooks": [{)" + fields + "}]}}";
  };
  const std::string name_secret = R"("name": "h", "secret": "0123456789abcdef", )";
  ExpectRejected(hook(R"("name": "h", "secret": "0123456789abcdef")"),
                 "notify.webhooks[0].url: required");
  ExpectRejected(hook(name_secret + R"("url": "ftp://x/")"), "must start with http:// or https://");
  ExpectRejected(hook(name_secret + R"("url": "http://user:pw@x/")"), "no user:password@");
  ExpectRejected(hook(name_secret + R"("url": "http://x:0/")"), "the port must be 1-65535");
  ExpectRejected(hook(name_secret + R"("url": "http://x:80a/")"), "the port must be 1-65535");
  ExpectRejected(hook(name_secret + R"("url": "http://bad host/")"),
                 "spaces and control characters");
  ExpectRejected(hook(name_secret + R"("url": "http://x/#frag")"), "a fragment");
  ExpectRejected(hook(name_secret + R"("url": "http:///path")"),
                 "neither an IPv4 address nor a host name");
  ExpectRejected(hook(R"("name": "h", "url": "http://x/", "secret": "short")"),
                 "notify.webhooks[0].secret: must be 16-256 printable ASCII characters");
  ExpectRejected(R"({"notify": {"hl7": [{"name": "r"}]}})", "notify.hl7[0].host: required");
  ExpectRejected(R"({"notify": {"hl7": [{"name": "r", "host": "h", "sending_facility": "A|B"}]}})",
                 "notify.hl7[0].sending_facility: must be up to 64 printable ASCII characters "
                 "without the HL7");
  ExpectRejected(R"({"notify": {"hl7": [{"name": "r", "host": "h", "port": 0}]}})",
                 "notify.hl7[0].port");
  ExpectRejected(
      R"({"notify": {"webhooks": [{"name": "x", "url": "http://a/", "secret": "0123456789abcdef"}],
                                "hl7": [{"name": "x", "host": "h"}]}})",
      "notify.hl7[0].name: \"x\" is already used by notify.webhooks[0]");
  ExpectRejected(
      R"({"notify": {"priority": {"stat_min_certainty": 30, "asap_min_certainty": 50}}})",
      "notify.priority.asap_min_certainty: is above notify.priority.stat_min_certainty");
  ExpectRejected(R"({"notify": {"priority": {"stat_min_certainty": 101}}})",
                 "notify.priority.stat_min_certainty");
  ExpectRejected(R"({"notify": {"initial_backoff_ms": 5000, "max_backoff_ms": 1000}})",
                 "notify.max_backoff_ms: is smaller than notify.initial_backoff_ms");
  // Accepted: https, IPv6 literals, host names with ports, a bare host.
  for (const std::string url :
       {"https://h.example.org/x?y=1", "http://[::1]:8080/", "http://localhost:9/", "http://h"}) {
    ParseOk(hook(name_secret + "\"url\": \"" + url + "\""));
  }
}

TEST(ShippedSrTemplateTest, EveryTemplateInSrTemplatesIsCompiledInAndEqualsItsFile) {
  const std::vector<std::string> names = ShippedSrTemplateNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "default"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "basic-text"), names.end());
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const Result<SrTemplate> compiled = ResolveSrTemplate(name);
    ASSERT_TRUE(compiled.ok()) << compiled.status().message();
    const Result<SrTemplate> from_file = ResolveSrTemplate(kSourceDir + "/sr_templates/" + name + ".json");
    ASSERT_TRUE(from_file.ok()) << from_file.status().message();
    EXPECT_TRUE(*compiled == *from_file);
  }
  EXPECT_EQ(ResolveSrTemplate("basic-text")->output, SrOutputClass::kBasicText);
  EXPECT_EQ(ResolveSrTemplate("default")->output, SrOutputClass::kComprehensive3d);
}

TEST(ShippedSrTemplateTest, UnknownNameAndMissingFileAreConfigErrors) {
  const Result<SrTemplate> unknown = ResolveSrTemplate("fancy");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kConfigInvalid);
  EXPECT_NE(unknown.status().message().find("basic-text, default"), std::string::npos) << unknown.status().message();
  const Result<SrTemplate> missing = ResolveSrTemplate("/nonexistent/site.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/site.json"), std::string::npos) << missing.status().message();
}

TEST(ConfigWriterTest, SecretsAreHiddenOnlyWhenAsked) {
  Settings s;
  s.http.api_token = "0123456789abcdef-token";
  const std::string hidden = SettingsToJson(s, true);
  EXPECT_EQ(hidden.find("0123456789abcdef-token"), std::string::npos) << hidden;
  EXPECT_NE(hidden.find("(set; hidden)"), std::string::npos) << hidden;
  EXPECT_NE(SettingsToJson(s).find("0123456789abcdef-token"), std::string::npos);
  EXPECT_EQ(SettingsToJson(Settings{}, true).find("(set; hidden)"), std::string::npos) << "empty secrets stay empty";
}

TEST(ConfigFileTest, MissingFileIsAConfigError) {
  const Result<Settings> result = LoadSettingsFile(kSourceDir + "/config/no-such-file.json");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kConfigInvalid);
  EXPECT_NE(result.status().message().find("cannot open settings file"), std::string::npos);
  const Result<Settings> directory = LoadSettingsFile(kSourceDir + "/config");
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find("is a directory"), std::string::npos);
}

}  // namespace
}  // namespace alveo::config
