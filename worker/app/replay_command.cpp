// SPDX-License-Identifier: Apache-2.0
// `alveo replay PATH... --out DIR`: offline replay of stored studies through the live path's
// classifier and SR writer. Scans the paths (a file named DICOMDIR means its folder) recursively,
// groups the files into studies and hands them to RunReplay (app/replay_run.h) on `--jobs N`
// threads (replay-N). Writes, under DIR:
//   sr/<SR SOP Instance UID>.dcm  the SR (same UIDs as `alveo serve` gives the same study)
//   studies/<SR UID, or the study key when no SR is made>.json  the study's row, written last:
//                                 its existence means done, so a second run over the same inputs
//                                 skips the study (same inputs = same derived SR UID)
//   summary.csv, summary.json     every study of this run: processed, skipped or failed
//   outbox/                       with --send NAME=AET@HOST:PORT: the durable outbox; SRs already
//                                 delivered by an earlier run are not sent again, dead ones are retried
// Settings (SR template, AE title for the device observer UID, delivery policy and timeouts) come
// from the config file found like `alveo serve` does, or --config. Progress goes to stderr: one
// updating bar on a terminal, one line per study otherwise, nothing with --quiet; the closing
// summary and timing lines go to stdout. Exit 0 when every study was processed or skipped
// (not_analysable is a result), 1 when any failed or an input path cannot be read, 2 on bad usage
// or configuration. Thread-safety: runs on the main thread; progress is called one study at a time.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/cli_args.h"
#include "app/commands.h"
#include "app/replay_records.h"
#include "app/replay_run.h"
#include "app/report_setup.h"
#include "app/serve_options.h"
#include "config/config_loader.h"
#include "config/sr_template_source.h"
#include "core/log.h"
#include "dicom/dcmtk_setup.h"
#include "dicom/study_scanner.h"

namespace alveo::app {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxJobs = 256;
constexpr std::size_t kBarWidth = 30;

void PrintReplayHelp() {
  std::printf(
      "usage: alveo replay PATH... --out DIR [--config FILE] [--sr-template T]\n"
      "                    [--send NAME=AET@HOST:PORT]... [--jobs N] [--quiet]\n"
      "\n"
      "Replays stored studies offline through the same classifier and SR writer as 'alveo serve':\n"
      "the DICOM files under each PATH (files or folders, searched recursively; a file named\n"
      "DICOMDIR means its folder) are grouped into studies by Study Instance UID and each study gets\n"
      "the SR the live path would give it, with the same UIDs.\n"
      "\n"
      "Writes into DIR:\n"
      "  sr/<SR SOP Instance UID>.dcm   the validated SR of each study (written durably)\n"
      "  studies/<SR UID>.json          the study's summary row, written last (named by the study key\n"
      "                                 when no SR is made); a study whose record exists for the same\n"
      "                                 inputs is skipped, so an interrupted run can simply be repeated\n"
      "  summary.csv, summary.json      one row per study: study_key, study_instance_uid, modality,\n"
      "                                 status, reason, certainty, top_differential,\n"
      "                                 sr_sop_instance_uid, outcome (processed, skipped, failed),\n"
      "                                 detail; summary.json adds the counts. No patient names or IDs.\n"
      "  outbox/                        with --send: the durable outbox (as in serve's data folder)\n"
      "\n"
      "options:\n"
      "  --out DIR        output folder (created; required)\n"
      "  --config FILE    configuration file for the SR template, our AE title and the delivery\n"
      "                   policy (default: $ALVEO_CONFIG, ./config/alveo.json, /etc/alveo/alveo.json,\n"
      "                   else built-in defaults); its destinations are not used\n"
      "  --sr-template T  SR template: default, basic-text or a .json file (report.sr_template)\n"
      "  --send NAME=AET@HOST:PORT\n"
      "                   send every SR of this run to this DICOM peer (repeatable) and wait until\n"
      "                   each is delivered or has used up delivery.max_attempts; an SR delivered by\n"
      "                   an earlier run is not sent again ('sender' is not available offline)\n"
      "  --jobs N         studies analysed at once, one thread each (default 1: one study at a time\n"
      "                   using every core)\n"
      "  --quiet          no progress and no warnings; only the closing summary lines\n"
      "  --help           this text\n"
      "\n"
      "Progress goes to stderr (an updating bar on a terminal, else one line per study); the\n"
      "closing lines go to stdout: the counts, then 'replay: N studies in T s (X studies/min, jobs J)'.\n"
      "\n"
      "exit status: 0 every study processed or skipped (not_analysable is a result); 1 a study\n"
      "failed (analysis, SR building or validation, writing, delivery) or a PATH could not be read;\n"
      "2 bad usage or configuration.\n");
}

struct ReplayOptions {
  bool help = false;
  std::vector<std::string> paths;
  std::string out_dir;
  std::string config_path;
  std::vector<std::pair<std::string, std::string>> overrides;
  bool send = false;
  int jobs = 1;
  bool quiet = false;
};

// Parses the command line; nullopt with `error` set on bad usage.
std::optional<ReplayOptions> ParseReplayOptions(const std::vector<std::string>& args, std::string& error) {
  CliArgs cli(args);
  ReplayOptions options;
  options.help = cli.TakeSwitch("help");
  if (options.help) return options;
  options.quiet = cli.TakeSwitch("quiet");
  options.out_dir = cli.Take("out").value_or("");
  options.config_path = cli.Take("config").value_or(FindDefaultConfig());
  if (auto tmpl = cli.Take("sr-template")) options.overrides.emplace_back("report.sr_template", *tmpl);
  if (auto jobs = cli.Take("jobs")) {
    try {
      options.jobs = std::stoi(*jobs);
    } catch (...) {
      options.jobs = 0;
    }
    if (options.jobs < 1 || options.jobs > kMaxJobs || jobs->find_first_not_of("0123456789") != std::string::npos) {
      error = "--jobs: '" + *jobs + "' is not a number from 1 to " + std::to_string(kMaxJobs);
      return std::nullopt;
    }
  }
  std::string destinations;
  for (const auto& spec : cli.TakeAll("send")) {
    if (spec == "sender") {
      error = "--send sender: replay has no sending modality to answer; name the peer as NAME=AET@HOST:PORT";
      return std::nullopt;
    }
    auto json = DestinationJson(spec, error);
    if (!json) {
      error = "--send: " + error;
      return std::nullopt;
    }
    destinations += (destinations.empty() ? "" : ", ") + *json;
  }
  // This run's destinations replace the configured ones (and pass the same validation).
  options.send = !destinations.empty();
  if (options.send) options.overrides.emplace_back("delivery.destinations", "[" + destinations + "]");
  if (auto problem = cli.Problem()) {
    error = *problem;
    return std::nullopt;
  }
  options.paths = cli.Positional();
  if (options.paths.empty()) {
    error = "no PATH given";
    return std::nullopt;
  }
  if (options.out_dir.empty()) {
    error = "--out DIR is required";
    return std::nullopt;
  }
  return options;
}

// A DICOMDIR names the folder it indexes: scan that folder.
std::vector<std::string> ScanRoots(const std::vector<std::string>& paths) {
  std::vector<std::string> roots;
  for (const std::string& path : paths) {
    const fs::path p(path);
    std::error_code ec;
    if (p.filename() == "DICOMDIR" && fs::is_regular_file(p, ec)) {
      roots.push_back(p.has_parent_path() ? p.parent_path().string() : ".");
    } else {
      roots.push_back(path);
    }
  }
  return roots;
}

// Progress on stderr, called one finished study at a time.
class Progress {
 public:
  enum class Mode { kBar, kLines, kQuiet };
  Progress(std::size_t total, Mode mode) : total_(total), mode_(mode) {
    if (mode_ == Mode::kBar && total_ > 0) DrawBar();
  }

  void Finished(const ReplayRow& row) {
    ++done_;
    if (row.outcome == kOutcomeFailed) ++failed_;
    if (mode_ == Mode::kLines) {
      std::cerr << "replay: " << done_ << "/" << total_ << " " << Describe(row) << "\n";
    } else if (mode_ == Mode::kBar) {
      if (row.outcome == kOutcomeFailed) std::cerr << "\r\x1b[2K" << "replay: " << Describe(row) << "\n";
      DrawBar();
    }
  }

  // A line of its own (below the bar, which it ends).
  void Note(const std::string& line) {
    if (mode_ == Mode::kQuiet) return;
    EndBar();
    std::cerr << "replay: " << line << "\n";
  }

  void EndBar() {
    if (mode_ == Mode::kBar && bar_open_) std::cerr << "\n";
    bar_open_ = false;
  }

 private:
  static std::string Describe(const ReplayRow& row) {
    std::string text = row.study_key + " ";
    if (row.outcome == kOutcomeFailed) return text + "FAILED: " + row.detail;
    if (row.outcome == kOutcomeSkipped) text += "skipped, ";
    text += row.status;
    if (!row.reason.empty()) text += " (" + row.reason + ")";
    if (row.certainty && row.status != "not_analysable") {
      text += ' ';
      text += std::to_string(static_cast<int>(*row.certainty + 0.5));
      text += '%';
    }
    return text + (row.sr_sop_instance_uid.empty() ? ", no SR" : " SR " + row.sr_sop_instance_uid);
  }

  void DrawBar() {
    const std::size_t filled = total_ == 0 ? kBarWidth : done_ * kBarWidth / total_;
    std::cerr << "\r[" << std::string(filled, '#') << std::string(kBarWidth - filled, '.') << "] " << done_ << "/"
              << total_ << " studies, " << failed_ << " failed" << std::flush;
    bar_open_ = true;
  }

  const std::size_t total_;
  const Mode mode_;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
  bool bar_open_ = false;
};

int Replay(const ReplayOptions& options, const Settings& settings, const SrTemplate& tmpl) {
  const auto started = std::chrono::steady_clock::now();
  dicom::ScanReport scan;
  auto studies = dicom::ScanPaths(ScanRoots(options.paths), scan);
  if (!studies.ok()) {
    std::cerr << "alveo replay: " << studies.status().message() << "\n";
    return 1;
  }
  if (!options.quiet) {
    for (const auto& skipped : scan.skipped) {
      std::cerr << "alveo replay: skipped " << skipped.path << " (" << skipped.reason << ")\n";
    }
  }

  std::error_code ec;
  const std::string out = fs::absolute(options.out_dir, ec).lexically_normal().string();
  for (const char* folder : {"sr", "studies"}) {
    fs::create_directories(fs::path(out) / folder, ec);
    if (ec) {
      std::cerr << "alveo replay: cannot create " << (fs::path(out) / folder).string() << ": " << ec.message() << "\n";
      return 1;
    }
  }
  std::unique_ptr<spool::Outbox> outbox;
  if (options.send) {
    auto opened = spool::Outbox::Open(out + "/outbox", OutboxPolicyFrom(settings.delivery));
    if (!opened.ok()) {
      std::cerr << "alveo replay: cannot open the outbox: " << opened.status().ToString() << "\n";
      return 1;
    }
    outbox = std::move(opened).value();
  }

  const Progress::Mode mode = options.quiet                ? Progress::Mode::kQuiet
                              : ::isatty(STDERR_FILENO) == 1 ? Progress::Mode::kBar
                                                             : Progress::Mode::kLines;
  Progress progress(studies->size(), mode);
  ReplayRunOptions run;
  run.out_dir = out;
  run.jobs = options.jobs;
  run.decode_threads = options.jobs == 1 ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) : 1;
  ReplayCallbacks callbacks;
  callbacks.study_finished = [&](std::size_t, const ReplayRow& row) { progress.Finished(row); };
  callbacks.waiting_for_deliveries = [&](std::size_t pending) {
    progress.Note("waiting for " + std::to_string(pending) + " SR deliver" + (pending == 1 ? "y" : "ies"));
  };
  const std::vector<ReplayRow> rows = RunReplay(*studies, settings, tmpl, run, outbox.get(), callbacks);
  progress.EndBar();

  int exit_code = 0;
  for (const auto& [name, text] : {std::pair{"summary.csv", SummaryCsv(rows)}, std::pair{"summary.json", SummaryJson(rows)}}) {
    if (Status written = WriteFileDurably(out + "/" + name, text); !written.ok()) {
      std::cerr << "alveo replay: " << written.ToString() << "\n";
      exit_code = 1;
    }
  }
  const ReplayCounts c = CountRows(rows);
  if (c.failed > 0) exit_code = 1;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char timing[160];
  std::snprintf(timing, sizeof timing, "replay: %zu studies in %.1f s (%.1f studies/min, jobs %d)", c.studies, seconds,
                seconds > 0 ? static_cast<double>(c.studies) * 60.0 / seconds : 0.0, options.jobs);
  std::cout << "replay: " << c.studies << " studies: " << c.processed << " processed, " << c.skipped << " skipped, "
            << c.failed << " failed (" << c.flagged << " flagged, " << c.not_flagged << " not flagged, "
            << c.not_analysable << " not analysable); summary in " << out << "/summary.csv\n"
            << timing << std::endl;
  return exit_code;
}

}  // namespace

int RunReplayCommand(const std::vector<std::string>& args) {
  std::string error;
  const auto options = ParseReplayOptions(args, error);
  if (!options) {
    std::cerr << "alveo replay: " << error << " (see alveo replay --help)\n";
    return 2;
  }
  if (options->help) {
    PrintReplayHelp();
    return 0;
  }
  auto settings = options->config_path.empty() ? config::ParseSettings("{}", options->overrides)
                                               : config::LoadSettingsFile(options->config_path, options->overrides);
  if (!settings.ok()) {
    std::cerr << "alveo replay: configuration rejected ("
              << (options->config_path.empty() ? "defaults" : options->config_path) << "):\n"
              << settings.status().message() << "\n";
    return 2;
  }
  auto tmpl = config::ResolveSrTemplate(settings->report.sr_template);
  if (!tmpl.ok()) {
    std::cerr << "alveo replay: SR template rejected:\n" << tmpl.status().message() << "\n";
    return 2;
  }
  log::Configure(options->quiet ? log::Level::kOff : log::Level::kError, {});
  dicom::InitDcmtk(options->quiet ? log::Level::kOff : log::Level::kError);
  return Replay(*options, *settings, *tmpl);
}

}  // namespace alveo::app
