// SPDX-License-Identifier: Apache-2.0
// `alveo version` and the top-level help.
#include <cstdio>

#include "app/commands.h"
#include "app/version.h"

namespace alveo::app {

void PrintMainHelp() {
  std::printf(
      "usage: alveo <command> [options]\n"
      "\n"
      "Alveo: a DICOM worker that receives chest CT and radiograph studies, flags a possible\n"
      "diffuse pulmonary hemorrhage pattern and returns a DICOM Structured Report.\n"
      "\n"
      "commands:\n"
      "  serve     run the DICOM storage SCP, study assembly and HTTP API (alveo serve --help)\n"
      "  classify  analyse DICOM files or folders and print one JSON result per study (alveo classify --help)\n"
      "  replay    make the SRs of stored studies offline, resumable, with a summary (alveo replay --help)\n"
      "  phantom   write synthetic chest CT / radiograph studies with known truth (alveo phantom --help)\n"
      "  version   print the version of alveo and of the libraries it was built with\n"
      "\n"
      "options:\n"
      "  --help    this text\n"
      "  --version same as 'alveo version'\n");
}

int RunVersionCommand(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "--help") {
    std::printf("usage: alveo version\n\nPrints the alveo version, then one line per linked library.\n");
    return 0;
  }
  if (!args.empty()) {
    std::fprintf(stderr, "alveo version: unexpected argument '%s'\n", args[0].c_str());
    return 2;
  }
  std::printf("alveo %s\n%s", AlveoVersion().c_str(), LibraryVersions().c_str());
  return 0;
}

}  // namespace alveo::app
