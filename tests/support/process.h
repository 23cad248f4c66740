// SPDX-License-Identifier: Apache-2.0
// Child processes for end-to-end tests: spawn an argv with its output in log files and, optionally,
// readable line by line so a test can wait for a line instead of sleeping. A Process object is used
// from one test thread at a time (its reader thread is internal); it owns the child and SIGKILLs
// and reaps it (and its process group) on destruction. Start long-lived children from a thread that
// outlives them: children die with the thread that spawned them (PR_SET_PDEATHSIG).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace alveo::testing {

// Extra environment variables for a child, applied over the test's own environment.
using EnvVars = std::vector<std::pair<std::string, std::string>>;

// How a child ended: exited with `code`, or was killed by `signal`.
struct ExitStatus {
  bool signaled = false;
  int code = 0;    // valid when !signaled
  int signal = 0;  // valid when signaled

  static ExitStatus FromWaitStatus(int wait_status);
  bool ExitedWith(int exit_code) const { return !signaled && code == exit_code; }
  bool KilledBy(int sig) const { return signaled && signal == sig; }
  // Shell convention: the exit code, or 128 + signal.
  int ShellCode() const { return signaled ? 128 + signal : code; }
  // "exited 0" or "killed by signal 9 (Killed)".
  std::string ToString() const;
  bool operator==(const ExitStatus&) const = default;
};
std::ostream& operator<<(std::ostream& out, const ExitStatus& status);

enum class OutputStream { kStdout = 0, kStderr = 1 };

struct ProcessOptions {
  std::vector<std::string> argv;  // argv[0] without '/' is looked up in PATH
  EnvVars env;                    // added to (or replacing in) the inherited environment
  std::string working_dir;        // empty: the test's working directory
  std::string log_dir;            // empty: no log files; else <log_dir>/<log_name>.std{out,err}.log
  std::string log_name;           // empty: basename of argv[0]; made unique within log_dir
  bool capture_stdout = false;    // keep stdout in memory for WaitForLine/Output
  bool capture_stderr = false;    // same for stderr
};

class Process {
 public:
  // Spawns the child. Returns nullptr and sets *error (if given) when it cannot be started,
  // including when the executable does not exist.
  static std::unique_ptr<Process> Start(ProcessOptions options, std::string* error = nullptr);

  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  const std::vector<std::string>& argv() const { return options_.argv; }
  std::string CommandLine() const;
  // Empty when the stream is not written to a file.
  const std::string& stdout_log() const { return log_paths_[0]; }
  const std::string& stderr_log() const { return log_paths_[1]; }

  // Sends `sig` to the child (not its process group). False if it has already been reaped.
  bool Signal(int sig);
  // SIGKILL, then reaps; returns how it ended (it may have exited on its own just before).
  ExitStatus Kill9();
  // Waits up to `timeout` for the child to end and reaps it; nullopt if still running.
  std::optional<ExitStatus> Wait(std::chrono::milliseconds timeout);
  bool IsRunning();
  // The status once reaped.
  std::optional<ExitStatus> exit_status() const;

  // Waits for the next captured line (after the previous match on that stream) that contains a
  // match of `pattern` (std::regex_search). Returns the match groups ([0] = whole match). Returns
  // nullopt on timeout or as soon as the stream is closed without a match.
  std::optional<std::vector<std::string>> WaitForLine(const std::regex& pattern,
                                                      std::chrono::milliseconds timeout,
                                                      OutputStream stream = OutputStream::kStdout);
  // Captured text so far (complete and partial lines).
  std::string Output(OutputStream stream = OutputStream::kStdout) const;
  std::vector<std::string> Lines(OutputStream stream = OutputStream::kStdout) const;
  // Waits until every captured stream reached end of file (the child and anything that inherited
  // its output closed it). False on timeout.
  bool WaitForOutputClosed(std::chrono::milliseconds timeout);

 private:
  struct Capture {
    int fd = -1;      // read end of the pipe; -1 when not captured or closed
    int log_fd = -1;  // copy of the output; -1 when none
    std::string text;
    std::string partial;
    std::vector<std::string> lines;
    std::size_t cursor = 0;  // first line WaitForLine has not consumed
    bool captured = false;
    bool eof = false;
  };

  explicit Process(ProcessOptions options);
  bool Spawn(std::string* error);
  void ReaderLoop();
  // Reads once from capture.fd into the capture (and its log); false at end of file or error.
  bool ReadChunk(Capture& capture, std::vector<char>& buffer);
  // Reaps if the child has ended; caller holds state_mutex_.
  void ReapIfEndedLocked(bool block);
  void StopReader();

  ProcessOptions options_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::string log_paths_[2];

  mutable std::mutex state_mutex_;  // guards reaped_ / status_
  bool reaped_ = false;
  ExitStatus status_;

  mutable std::mutex output_mutex_;  // guards captures_
  std::condition_variable output_cv_;
  Capture captures_[2];
  int wake_pipe_[2] = {-1, -1};
  std::thread reader_;
};

// Result of a short-lived tool run.
struct ToolResult {
  std::vector<std::string> argv;
  int exit_code = -1;  // exit code; 128 + signal if killed; -1 if it could not be started
  std::optional<ExitStatus> status;
  std::string stdout_text;
  std::string stderr_text;
  bool timed_out = false;  // killed because it outlived the timeout
  std::string error;       // why it could not be started
  bool ok() const { return error.empty() && !timed_out && exit_code == 0; }
  // Command line, outcome and both outputs: for assertion messages.
  std::string Describe() const;
};

// Runs a tool to completion with stdout/stderr captured in memory; SIGKILLs it after `timeout`.
ToolResult RunTool(const std::vector<std::string>& argv,
                   std::chrono::milliseconds timeout = std::chrono::seconds(60),
                   const EnvVars& env = {}, const std::string& working_dir = "");

// "a b 'c d'": an argv as a shell-like string for messages.
std::string JoinCommandLine(const std::vector<std::string>& argv);

}  // namespace alveo::testing
