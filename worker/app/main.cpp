// SPDX-License-Identifier: Apache-2.0
// Entry point: for `serve`, blocks the stop signals before any thread starts (serve waits for them
// with sigwait); the other commands keep the default, so Ctrl-C and SIGTERM stop them at once.
// Then dispatches to the subcommand. Wiring lives in the command files.
#include <malloc.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/phantom_command.h"

int main(int argc, char** argv) {
  // Large image buffers come and go many times per study. Keeping freed memory in the heap (no
  // mmap for big blocks, no trimming) lets the next buffer reuse pages instead of faulting in and
  // zeroing fresh ones from the kernel, which cost more than the image kernels themselves.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  // One arena for every thread: glibc gives each new thread its own arena made of 64 MiB heaps that
  // it shrinks on free, so a study analysed on a worker thread (replay --jobs, serve's compute
  // threads) faulted its volumes in afresh every time (replay --jobs 1: 8.3-8.7 s for six 120-slice
  // CTs against 6.2-6.7 s with one arena; --jobs 2 unchanged or faster). Small blocks stay in each
  // thread's tcache, so threads rarely meet on the arena lock. MALLOC_ARENA_MAX in the environment
  // still decides when it is set.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 1);
  signal(SIGPIPE, SIG_IGN);  // a peer closing a socket must not kill the process

  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "serve") {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    alveo::app::PrintMainHelp();
    return args.empty() ? 2 : 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "serve") return alveo::app::RunServeCommand(rest);
  if (args[0] == "version" || args[0] == "--version") return alveo::app::RunVersionCommand(rest);
  if (args[0] == "phantom") return alveo::app::RunPhantomCommand(rest);
  if (args[0] == "classify") return alveo::app::RunClassifyCommand(rest);
  if (args[0] == "replay") return alveo::app::RunReplayCommand(rest);
  std::fprintf(stderr, "alveo: unknown command '%s' (see alveo --help)\n", args[0].c_str());
  return 2;
}
