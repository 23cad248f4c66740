// SPDX-License-Identifier: Apache-2.0
// Loopback port helpers and a bounded wait-until for end-to-end tests: wait for observable
// conditions (a port accepting connections, a predicate) with a timeout, never a fixed sleep.
// Thread-safety: free functions, callable from any thread.
#pragma once

#include <chrono>
#include <functional>

namespace alveo::testing {

// An ephemeral TCP port that was free a moment ago (bind 127.0.0.1:0, read it, close). For tools
// that need a port number in advance; another process could take it before the tool binds it, so
// callers that can retry should (StorescpPacs does).
int FreeTcpPort();

// Connects to 127.0.0.1:port until a connection succeeds (short backoff); false on timeout. The
// probe connection is closed immediately, which a DICOM server sees as a dropped connection.
bool WaitForTcpPort(int port, std::chrono::milliseconds timeout);

// True if some socket is in LISTEN state on `port` (IPv4 or IPv6), read from /proc/net/tcp{,6}.
// Observes the listener without connecting to it.
bool IsTcpPortListening(int port);
bool WaitForTcpListen(int port, std::chrono::milliseconds timeout);

// Evaluates `condition` until it returns true (backoff from 1 ms up to `max_interval`); false if it
// is still false at the deadline. For conditions with no event to wait on (an HTTP answer, a file).
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds max_interval = std::chrono::milliseconds(50));

}  // namespace alveo::testing
