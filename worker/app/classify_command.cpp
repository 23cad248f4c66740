// SPDX-License-Identifier: Apache-2.0
// `alveo classify PATH...`: groups the DICOM files under the paths into studies, analyses each and
// prints one JSON document per study (one per line; --pretty indents). Exit 0 when every study got
// a result (not_analysable included); 1 when a path cannot be read; 2 on bad usage.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <thread>

#include "analysis/study_analyzer.h"
#include "app/cli_args.h"
#include "app/commands.h"
#include "classifier/result_json.h"
#include "core/log.h"
#include "dicom/dcmtk_setup.h"
#include "dicom/study_scanner.h"

namespace alveo::app {
namespace {

void PrintClassifyHelp() {
  std::printf(
      "usage: alveo classify [--pretty] [--threads N] [--quiet] PATH...\n"
      "\n"
      "Analyses the DICOM files under each PATH (files or folders, searched recursively), grouped\n"
      "into studies by Study Instance UID, and prints one JSON result per study on stdout, one per\n"
      "line. The keys are documented in README.md (\"Classification result\"). Files that are not\n"
      "DICOM are skipped with a warning on stderr.\n"
      "\n"
      "options:\n"
      "  --pretty      indent the JSON for reading (one document per study, blank line between)\n"
      "  --threads N   threads for decoding a CT series (default: number of cores)\n"
      "  --quiet       no warnings on stderr about skipped files\n"
      "  --help        this text\n"
      "\n"
      "exit status: 0 every study produced a result (including not_analysable); 1 a path could not\n"
      "be read; 2 bad usage.\n");
}

}  // namespace

int RunClassifyCommand(const std::vector<std::string>& args) {
  CliArgs cli(args);
  if (cli.TakeSwitch("help")) {
    PrintClassifyHelp();
    return 0;
  }
  const bool pretty = cli.TakeSwitch("pretty");
  const bool quiet = cli.TakeSwitch("quiet");
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (auto value = cli.Take("threads")) {
    try {
      threads = std::stoi(*value);
    } catch (...) {
      threads = 0;
    }
    if (threads < 1 || threads > 256) {
      std::cerr << "alveo classify: --threads: '" << *value << "' is not a number from 1 to 256\n";
      return 2;
    }
  }
  if (auto problem = cli.Problem()) {
    std::cerr << "alveo classify: " << *problem << " (see alveo classify --help)\n";
    return 2;
  }
  const std::vector<std::string> paths = cli.Positional();
  if (paths.empty()) {
    std::cerr << "alveo classify: no PATH given (see alveo classify --help)\n";
    return 2;
  }
  log::Configure(log::Level::kWarn, {});
  dicom::InitDcmtk(log::Level::kError);
  dicom::ScanReport report;
  auto studies = dicom::ScanPaths(paths, report);
  if (!studies.ok()) {
    std::cerr << "alveo classify: " << studies.status().message() << "\n";
    return 1;
  }
  if (!quiet) {
    for (const auto& skipped : report.skipped) {
      std::cerr << "alveo classify: skipped " << skipped.path << " (" << skipped.reason << ")\n";
    }
  }
  for (const auto& study : *studies) {
    std::vector<analysis::AnalysisInstance> instances;
    for (const auto& instance : study.instances) {
      instances.push_back({instance.meta, dicom::DicomSource::File(instance.path)});
    }
    const auto result = analysis::AnalyzeStudy(study.study_instance_uid, instances, {threads});
    std::cout << classifier::ResultToJson(result, pretty) << (pretty ? "\n\n" : "\n");
  }
  std::cout.flush();
  return 0;
}

}  // namespace alveo::app
