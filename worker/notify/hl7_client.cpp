// SPDX-License-Identifier: Apache-2.0
#include "notify/hl7_client.h"

#include <array>
#include <chrono>

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include "notify/mllp.h"

namespace alveo::notify {
namespace {

constexpr std::size_t kMaxAckBytes = 64 * 1024;

Status Unavailable(const std::string& why) {
  return Status::Error(ErrorCode::kPeerUnavailable, why);
}

void SendAll(Poco::Net::StreamSocket& socket, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const int n = socket.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
    if (n <= 0) throw Poco::Net::NetException("connection closed while sending");
    sent += static_cast<std::size_t>(n);
  }
}

// Reads until one complete MLLP frame arrived; each read waits at most the socket's receive
// timeout and the whole wait at most `timeout`.
Result<std::string> ReceiveFrame(Poco::Net::StreamSocket& socket, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string buffer;
  std::array<char, 4096> chunk{};
  while (true) {
    if (auto frame = ExtractMllpFrame(buffer)) return std::move(frame->message);
    if (buffer.size() > kMaxAckBytes)
      return Unavailable("the answer is over 64 KiB without an MLLP frame end");
    if (std::chrono::steady_clock::now() >= deadline) {
      return Unavailable("no ACK within " + std::to_string(timeout.count()) + " s");
    }
    const int n = socket.receiveBytes(chunk.data(), static_cast<int>(chunk.size()));
    if (n <= 0) return Unavailable("connection closed before the ACK");
    buffer.append(chunk.data(), static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string Hl7Channel::Describe() const {
  return "hl7 " + settings_.name + " (" + settings_.host + ":" + std::to_string(settings_.port) +
         ")";
}

Status Hl7Channel::Deliver(const Notification& notification) {
  const std::string control_id = Hl7ControlId(notification.id, settings_.name);
  const std::string frame = MllpFrame(BuildOruR01(notification, settings_));
  const Poco::Timespan timeout(settings_.timeout_seconds, 0);
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(
        Poco::Net::SocketAddress(settings_.host, static_cast<Poco::UInt16>(settings_.port)),
        timeout);
    socket.setNoDelay(true);
    socket.setSendTimeout(timeout);
    socket.setReceiveTimeout(timeout);
    SendAll(socket, frame);
    auto answer = ReceiveFrame(socket, std::chrono::seconds(settings_.timeout_seconds));
    socket.close();
    if (!answer.ok()) return answer.status();
    auto ack = ParseAck(*answer);
    if (!ack.ok()) return Unavailable(ack.status().message());
    return AckOutcome(*ack, control_id);
  } catch (const Poco::TimeoutException&) {
    return Unavailable("no ACK within " + std::to_string(settings_.timeout_seconds) + " s");
  } catch (const Poco::Exception& e) {  // refused, unreachable, host not found, reset
    return Unavailable(e.displayText());
  }
}

}  // namespace alveo::notify
