// SPDX-License-Identifier: Apache-2.0
#include "support/process.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace alveo::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kDescribeTail = 16 * 1024;

void CloseFd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

bool WriteAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

std::string ErrnoText(int err) { return std::string(std::strerror(err)); }

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Resolves argv[0] like execvp would, but in the parent (no allocation after fork).
std::optional<std::string> ResolveExecutable(const std::string& name, const EnvVars& env) {
  if (name.find('/') != std::string::npos) return name;
  std::string path_var;
  if (const char* p = std::getenv("PATH")) path_var = p;
  for (const auto& [key, value] : env) {
    if (key == "PATH") path_var = value;
  }
  if (path_var.empty()) path_var = "/usr/local/bin:/usr/bin:/bin";
  std::stringstream dirs(path_var);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (IsExecutableFile(candidate)) return candidate;
  }
  return std::nullopt;
}

std::vector<std::string> BuildEnvironment(const EnvVars& extra) {
  std::vector<std::string> result;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    bool overridden =
        std::any_of(extra.begin(), extra.end(), [&](const auto& kv) { return kv.first == key; });
    if (!overridden) result.push_back(std::move(entry));
  }
  for (const auto& [key, value] : extra) result.push_back(key + "=" + value);
  return result;
}

std::vector<char*> CStringArray(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

// Picks <dir>/<stem>.stdout.log / .stderr.log that do not exist yet (stem, stem-2, stem-3, ...).
std::string UniqueLogStem(const fs::path& dir, const std::string& stem) {
  for (int i = 1;; ++i) {
    std::string candidate = i == 1 ? stem : stem + "-" + std::to_string(i);
    std::error_code ec;
    if (!fs::exists(dir / (candidate + ".stdout.log"), ec) &&
        !fs::exists(dir / (candidate + ".stderr.log"), ec)) {
      return candidate;
    }
  }
}

std::string Tail(const std::string& text, std::size_t max_chars) {
  if (text.size() <= max_chars) return text;
  return "[... " + std::to_string(text.size() - max_chars) + " bytes omitted ...]\n" +
         text.substr(text.size() - max_chars);
}

}  // namespace

ExitStatus ExitStatus::FromWaitStatus(int wait_status) {
  ExitStatus status;
  if (WIFSIGNALED(wait_status)) {
    status.signaled = true;
    status.signal = WTERMSIG(wait_status);
  } else if (WIFEXITED(wait_status)) {
    status.code = WEXITSTATUS(wait_status);
  } else {
    status.code = -1;
  }
  return status;
}

std::string ExitStatus::ToString() const {
  if (!signaled) return "exited " + std::to_string(code);
  const char* name = ::strsignal(signal);
  return "killed by signal " + std::to_string(signal) + " (" + (name ? name : "?") + ")";
}

std::ostream& operator<<(std::ostream& out, const ExitStatus& status) {
  return out << status.ToString();
}

std::string JoinCommandLine(const std::vector<std::string>& argv) {
  std::string result;
  for (const auto& arg : argv) {
    if (!result.empty()) result += ' ';
    bool plain = !arg.empty() && arg.find_first_not_of(
                                     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789-_./=:+,@%") == std::string::npos;
    if (plain) {
      result += arg;
    } else {
      result += '\'';
      for (char c : arg) {
        if (c == '\'') {
          result += "'\\''";
        } else {
          result += c;
        }
      }
      result += '\'';
    }
  }
  return result;
}

Process::Process(ProcessOptions options) : options_(std::move(options)) {}

std::unique_ptr<Process> Process::Start(ProcessOptions options, std::string* error) {
  std::string local_error;
  if (error == nullptr) error = &local_error;
  if (options.argv.empty()) {
    *error = "Process::Start: empty argv";
    return nullptr;
  }
  std::unique_ptr<Process> process(new Process(std::move(options)));
  if (!process->Spawn(error)) return nullptr;
  return process;
}

bool Process::Spawn(std::string* error) {
  std::optional<std::string> executable = ResolveExecutable(options_.argv[0], options_.env);
  if (!executable) {
    *error = "'" + options_.argv[0] + "' not found in PATH";
    return false;
  }

  // Everything the child needs is prepared here: after fork() only async-signal-safe calls.
  std::vector<std::string> argv_strings = options_.argv;
  std::vector<char*> argv_c = CStringArray(argv_strings);
  std::vector<std::string> env_strings = BuildEnvironment(options_.env);
  std::vector<char*> env_c = CStringArray(env_strings);

  int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int child_out[2] = {-1, -1};  // the child's stdout/stderr descriptors (before dup2)
  int close_after_fork[2] = {-1, -1};
  int log_fds[2] = {-1, -1};
  auto cleanup = [&]() {
    CloseFd(null_in);
    for (int i = 0; i < 2; ++i) {
      CloseFd(close_after_fork[i]);
      CloseFd(log_fds[i]);
      CloseFd(captures_[i].fd);
    }
  };

  if (!options_.log_dir.empty()) {
    std::error_code ec;
    fs::create_directories(options_.log_dir, ec);
    std::string stem = options_.log_name.empty() ? fs::path(options_.argv[0]).filename().string()
                                                 : options_.log_name;
    stem = UniqueLogStem(options_.log_dir, stem);
    const char* suffixes[2] = {".stdout.log", ".stderr.log"};
    for (int i = 0; i < 2; ++i) {
      log_paths_[i] = (fs::path(options_.log_dir) / (stem + suffixes[i])).string();
      log_fds[i] = ::open(log_paths_[i].c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (log_fds[i] < 0) {
        *error = "cannot create " + log_paths_[i] + ": " + ErrnoText(errno);
        cleanup();
        return false;
      }
    }
  }

  const bool capture[2] = {options_.capture_stdout, options_.capture_stderr};
  for (int i = 0; i < 2; ++i) {
    if (capture[i]) {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) {
        *error = std::string("pipe2: ") + ErrnoText(errno);
        cleanup();
        return false;
      }
      captures_[i].fd = fds[0];
      captures_[i].captured = true;
      captures_[i].log_fd = log_fds[i];  // the reader copies into the log
      log_fds[i] = -1;
      child_out[i] = fds[1];
      close_after_fork[i] = fds[1];
    } else if (log_fds[i] >= 0) {
      child_out[i] = log_fds[i];  // the child writes the log itself
    } else {
      close_after_fork[i] = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
      child_out[i] = close_after_fork[i];
    }
  }

  int exec_error_pipe[2];
  if (::pipe2(exec_error_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe2: ") + ErrnoText(errno);
    cleanup();
    return false;
  }

  const char* working_dir = options_.working_dir.empty() ? nullptr : options_.working_dir.c_str();
  const char* exec_path = executable->c_str();
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    int failure[2] = {0, 0};  // {stage, errno}
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &dfl, nullptr);
    if (::dup2(null_in, 0) < 0 || ::dup2(child_out[0], 1) < 0 || ::dup2(child_out[1], 2) < 0) {
      failure[0] = 1;
    } else if (working_dir != nullptr && ::chdir(working_dir) != 0) {
      failure[0] = 2;
    } else {
      ::execve(exec_path, argv_c.data(), env_c.data());
      failure[0] = 3;
    }
    failure[1] = errno;
    ssize_t ignored = ::write(exec_error_pipe[1], failure, sizeof(failure));
    (void)ignored;
    ::_exit(127);
  }
  int fork_errno = errno;
  ::close(exec_error_pipe[1]);
  for (int i = 0; i < 2; ++i) {
    CloseFd(close_after_fork[i]);
    CloseFd(log_fds[i]);
  }
  CloseFd(null_in);
  if (pid < 0) {
    ::close(exec_error_pipe[0]);
    *error = "fork: " + ErrnoText(fork_errno);
    cleanup();
    return false;
  }

  int failure[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(exec_error_pipe[0], failure, sizeof(failure));
  } while (n < 0 && errno == EINTR);
  ::close(exec_error_pipe[0]);
  if (n > 0) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    static const char* kStages[] = {"", "dup2", "chdir", "exec"};
    *error =
        std::string(kStages[failure[0] & 3]) + " " + *executable + ": " + ErrnoText(failure[1]);
    cleanup();
    return false;
  }

  pid_ = pid;
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // -1: fall back to polling
  if (options_.capture_stdout || options_.capture_stderr) {
    if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
      wake_pipe_[0] = wake_pipe_[1] = -1;
    }
    reader_ = std::thread([this] { ReaderLoop(); });
  }
  return true;
}

Process::~Process() {
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    if (!reaped_ && pid_ > 0) {
      ::kill(-pid_, SIGKILL);  // its process group: anything it spawned goes too
      ::kill(pid_, SIGKILL);
      ReapIfEndedLocked(/*block=*/true);
    }
  }
  // Normally immediate once the child is gone; bounded if something it spawned keeps the pipes.
  WaitForOutputClosed(std::chrono::seconds(2));
  StopReader();
  CloseFd(pidfd_);
}

std::string Process::CommandLine() const { return JoinCommandLine(options_.argv); }

void Process::ReapIfEndedLocked(bool block) {
  if (reaped_) return;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    reaped_ = true;
    status_ = ExitStatus::FromWaitStatus(status);
  } else if (r < 0) {
    // Someone else reaped it (e.g. SIGCHLD ignored); the status is lost.
    reaped_ = true;
    status_ = ExitStatus{false, -1, 0};
  }
  if (reaped_) CloseFd(pidfd_);
}

bool Process::Signal(int sig) {
  std::lock_guard<std::mutex> lock(state_mutex_);
  if (reaped_) return false;
  return ::kill(pid_, sig) == 0;
}

ExitStatus Process::Kill9() {
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    if (!reaped_) {
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
      ReapIfEndedLocked(/*block=*/true);
    }
    return status_;
  }
}

std::optional<ExitStatus> Process::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto backoff = std::chrono::milliseconds(1);
  while (true) {
    int pidfd;
    {
      std::lock_guard<std::mutex> lock(state_mutex_);
      ReapIfEndedLocked(/*block=*/false);
      if (reaped_) return status_;
      pidfd = pidfd_;
    }
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) return std::nullopt;
    if (pidfd >= 0) {
      // Readable when the child ends: an event, not a poll interval.
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(std::min<long long>(remaining.count(), 1000)));
    } else {
      // No pidfd support: poll the condition with a short backoff.
      std::this_thread::sleep_for(std::min(backoff, remaining));
      backoff = std::min(backoff * 2, std::chrono::milliseconds(20));
    }
  }
}

bool Process::IsRunning() {
  std::lock_guard<std::mutex> lock(state_mutex_);
  ReapIfEndedLocked(/*block=*/false);
  return !reaped_;
}

std::optional<ExitStatus> Process::exit_status() const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  if (!reaped_) return std::nullopt;
  return status_;
}

bool Process::ReadChunk(Capture& capture, std::vector<char>& buffer) {
  ssize_t got;
  do {
    got = ::read(capture.fd, buffer.data(), buffer.size());
  } while (got < 0 && errno == EINTR);
  if (got > 0) {
    const std::size_t size = static_cast<std::size_t>(got);
    if (capture.log_fd >= 0) WriteAll(capture.log_fd, buffer.data(), size);
    std::lock_guard<std::mutex> lock(output_mutex_);
    capture.text.append(buffer.data(), size);
    capture.partial.append(buffer.data(), size);
    std::size_t start = 0;
    std::size_t newline;
    while ((newline = capture.partial.find('\n', start)) != std::string::npos) {
      std::string line = capture.partial.substr(start, newline - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      capture.lines.push_back(std::move(line));
      start = newline + 1;
    }
    capture.partial.erase(0, start);
  } else {
    std::lock_guard<std::mutex> lock(output_mutex_);
    if (!capture.partial.empty()) {
      capture.lines.push_back(std::move(capture.partial));
      capture.partial.clear();
    }
    capture.eof = true;
    CloseFd(capture.fd);
    CloseFd(capture.log_fd);
  }
  output_cv_.notify_all();
  return got > 0;
}

void Process::ReaderLoop() {
  std::vector<char> buffer(kReadChunk);
  while (true) {
    pollfd fds[3];
    int index_of[3] = {-1, -1, -1};
    nfds_t n = 0;
    if (wake_pipe_[0] >= 0) fds[n++] = pollfd{wake_pipe_[0], POLLIN, 0};
    for (int i = 0; i < 2; ++i) {
      if (captures_[i].fd >= 0) {
        index_of[n] = i;
        fds[n++] = pollfd{captures_[i].fd, POLLIN, 0};
      }
    }
    if (n == 0 || (wake_pipe_[0] >= 0 && n == 1)) return;  // every stream closed
    if (::poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (wake_pipe_[0] >= 0 && fds[0].revents != 0) {
      // Stopping: keep what is already in the pipes, without waiting for more.
      for (auto& capture : captures_) {
        while (capture.fd >= 0) {
          pollfd p{capture.fd, POLLIN, 0};
          if (::poll(&p, 1, 0) <= 0 || !ReadChunk(capture, buffer)) break;
        }
      }
      return;
    }
    for (nfds_t k = 0; k < n; ++k) {
      if (index_of[k] >= 0 && fds[k].revents != 0) ReadChunk(captures_[index_of[k]], buffer);
    }
  }
}

void Process::StopReader() {
  if (reader_.joinable()) {
    if (wake_pipe_[1] >= 0) {
      char byte = 1;
      WriteAll(wake_pipe_[1], &byte, 1);
    }
    reader_.join();
  }
  CloseFd(wake_pipe_[0]);
  CloseFd(wake_pipe_[1]);
  for (auto& capture : captures_) {
    CloseFd(capture.fd);
    CloseFd(capture.log_fd);
  }
}

std::optional<std::vector<std::string>> Process::WaitForLine(const std::regex& pattern,
                                                             std::chrono::milliseconds timeout,
                                                             OutputStream stream) {
  Capture& capture = captures_[static_cast<int>(stream)];
  if (!capture.captured) {
    ADD_FAILURE() << "WaitForLine on a stream that is not captured: " << CommandLine();
    return std::nullopt;
  }
  const auto deadline = Clock::now() + timeout;
  std::unique_lock<std::mutex> lock(output_mutex_);
  while (true) {
    for (; capture.cursor < capture.lines.size(); ++capture.cursor) {
      std::smatch match;
      if (std::regex_search(capture.lines[capture.cursor], match, pattern)) {
        std::vector<std::string> groups;
        groups.reserve(match.size());
        for (const auto& group : match) groups.push_back(group.str());
        ++capture.cursor;
        return groups;
      }
    }
    if (capture.eof) return std::nullopt;
    if (output_cv_.wait_until(lock, deadline) == std::cv_status::timeout &&
        capture.cursor == capture.lines.size()) {
      return std::nullopt;
    }
  }
}

std::string Process::Output(OutputStream stream) const {
  std::lock_guard<std::mutex> lock(output_mutex_);
  return captures_[static_cast<int>(stream)].text;
}

std::vector<std::string> Process::Lines(OutputStream stream) const {
  std::lock_guard<std::mutex> lock(output_mutex_);
  const Capture& capture = captures_[static_cast<int>(stream)];
  std::vector<std::string> lines = capture.lines;
  if (!capture.partial.empty()) lines.push_back(capture.partial);
  return lines;
}

bool Process::WaitForOutputClosed(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(output_mutex_);
  return output_cv_.wait_for(lock, timeout, [this] {
    return std::all_of(std::begin(captures_), std::end(captures_),
                       [](const Capture& c) { return !c.captured || c.eof; });
  });
}

std::string ToolResult::Describe() const {
  std::ostringstream out;
  out << "command: " << JoinCommandLine(argv) << "\n";
  if (!error.empty()) {
    out << "result: could not start: " << error << "\n";
  } else if (timed_out) {
    out << "result: timed out (killed)\n";
  } else if (status) {
    out << "result: " << status->ToString() << "\n";
  }
  out << "--- stdout ---\n" << Tail(stdout_text, kDescribeTail) << "\n";
  out << "--- stderr ---\n" << Tail(stderr_text, kDescribeTail) << "\n";
  return out.str();
}

ToolResult RunTool(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                   const EnvVars& env, const std::string& working_dir) {
  ToolResult result;
  result.argv = argv;
  ProcessOptions options;
  options.argv = argv;
  options.env = env;
  options.working_dir = working_dir;
  options.capture_stdout = true;
  options.capture_stderr = true;
  std::unique_ptr<Process> process = Process::Start(std::move(options), &result.error);
  if (!process) return result;
  std::optional<ExitStatus> status = process->Wait(timeout);
  if (!status) {
    result.timed_out = true;
    status = process->Kill9();
  }
  result.status = status;
  result.exit_code = status->ShellCode();
  // Normally immediate; bounded in case something the tool spawned still holds the pipes.
  process->WaitForOutputClosed(std::chrono::seconds(5));
  result.stdout_text = process->Output(OutputStream::kStdout);
  result.stderr_text = process->Output(OutputStream::kStderr);
  return result;
}

}  // namespace alveo::testing
