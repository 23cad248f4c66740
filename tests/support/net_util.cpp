// SPDX-License-Identifier: Apache-2.0
#include "support/net_util.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace alveo::testing {
namespace {

using Clock = std::chrono::steady_clock;

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

bool ConnectOnce(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr = Loopback(port);
  bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

// /proc/net/tcp lines: "sl local_address rem_address st ...", local as HEXIP:HEXPORT, st 0A=LISTEN.
bool ListeningIn(const char* table, int port) {
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state)) continue;
    std::size_t colon = local.rfind(':');
    if (colon == std::string::npos) continue;
    if (std::stoi(local.substr(colon + 1), nullptr, 16) == port && state == "0A") return true;
  }
  return false;
}

}  // namespace

int FreeTcpPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr = Loopback(0);
  int port = 0;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0) {
    socklen_t len = sizeof(addr);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds max_interval) {
  const auto deadline = Clock::now() + timeout;
  auto interval = std::chrono::milliseconds(1);
  while (true) {
    if (condition()) return true;
    auto now = Clock::now();
    if (now >= deadline) return false;
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    std::this_thread::sleep_for(std::min(interval, remaining));
    interval = std::min(interval * 2, max_interval);
  }
}

bool WaitForTcpPort(int port, std::chrono::milliseconds timeout) {
  return WaitUntil([port] { return ConnectOnce(port); }, timeout, std::chrono::milliseconds(20));
}

bool IsTcpPortListening(int port) {
  return ListeningIn("/proc/net/tcp", port) || ListeningIn("/proc/net/tcp6", port);
}

bool WaitForTcpListen(int port, std::chrono::milliseconds timeout) {
  return WaitUntil([port] { return IsTcpPortListening(port); }, timeout,
                   std::chrono::milliseconds(20));
}

}  // namespace alveo::testing
