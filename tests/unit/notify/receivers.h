// SPDX-License-Identifier: Apache-2.0
// Notification receivers for tests, on real loopback sockets: a webhook endpoint (Poco HTTPServer,
// optionally TLS) that records each request and answers with scripted statuses, and an MLLP
// listener (one thread) that records each HL7 message and answers with what a responder returns.
// Header-only so both the unit tests (tests/unit/notify) and the end-to-end test
// (tests/e2e/notify_test.cpp) use the same receivers. Thread-safety: the receivers' own threads
// record under a mutex; tests read through the accessors and wait on conditions, never on sleeps.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

namespace alveo::testing {

struct ReceivedRequest {
  std::string method;
  std::string uri;
  std::map<std::string, std::string> headers;  // names as sent
  std::string body;

  std::string Header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Answers each request with the next status of `statuses`, then `after`.
class WebhookReceiver {
 public:
  // Listens on 127.0.0.1:`port` (0: a free port). With `socket` given (e.g. a SecureServerSocket
  // for https), listens there instead.
  explicit WebhookReceiver(std::deque<int> statuses = {}, int after = 200, int port = 0)
      : WebhookReceiver(Poco::Net::ServerSocket(
                            Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port))),
                        std::move(statuses), after) {}
  WebhookReceiver(const Poco::Net::ServerSocket& socket, std::deque<int> statuses, int after)
      : state_(std::make_shared<State>()), port_(socket.address().port()) {
    state_->statuses = std::move(statuses);
    state_->after = after;
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(2);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket, params);
    server_->start();
  }
  ~WebhookReceiver() { server_->stopAll(true); }

  int port() const { return port_; }

  bool WaitForRequests(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout,
                                    [&] { return state_->requests.size() >= count; });
  }
  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(state_->mutex);
    return state_->requests;
  }

 private:
  struct State {
    mutable std::mutex mutex;
    std::condition_variable changed;
    std::deque<int> statuses;
    int after = 200;
    std::vector<ReceivedRequest> requests;
  };

  class Handler final : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(std::shared_ptr<State> state) : state_(std::move(state)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      ReceivedRequest received{request.getMethod(), request.getURI(), {}, {}};
      for (const auto& [name, value] : request) received.headers[name] = value;
      std::ostringstream body;
      Poco::StreamCopier::copyStream(request.stream(), body);
      received.body = body.str();
      int status = 200;
      {
        std::lock_guard lock(state_->mutex);
        status = state_->after;
        if (!state_->statuses.empty()) {
          status = state_->statuses.front();
          state_->statuses.pop_front();
        }
      }
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
      response.setContentType("text/plain");
      response.send() << "answer " << status;
      // Recorded after the answer went out, so a test that saw the request also sees its outcome.
      std::lock_guard lock(state_->mutex);
      state_->requests.push_back(std::move(received));
      state_->changed.notify_all();
    }

   private:
    std::shared_ptr<State> state_;
  };

  class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(std::shared_ptr<State> state) : state_(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(state_);
    }

   private:
    std::shared_ptr<State> state_;
  };

  std::shared_ptr<State> state_;
  int port_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

// The fields of an HL7 v2 segment split on '|': fields[0] is the segment name; for MSH,
// fields[n - 1] is MSH-n (MSH-1 is the separator itself).
inline std::vector<std::string> Hl7Fields(const std::string& segment) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = segment.find('|', start);
    fields.push_back(
        segment.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) return fields;
    start = bar + 1;
  }
}

// The message's segments (CR-separated), by position.
inline std::vector<std::string> Hl7Segments(const std::string& message) {
  std::vector<std::string> segments;
  std::istringstream in(message);
  for (std::string segment; std::getline(in, segment, '\r');) {
    if (!segment.empty()) segments.push_back(segment);
  }
  return segments;
}

// An original-mode ACK for `message` with MSA-1 = `code` and MSA-2 = its MSH-10.
inline std::string AckFor(const std::string& message, const std::string& code,
                          const std::string& text = "") {
  const auto segments = Hl7Segments(message);
  const auto msh = segments.empty() ? std::vector<std::string>{} : Hl7Fields(segments[0]);
  const std::string control_id = msh.size() > 9 ? msh[9] : "";
  return "MSH|^~\\&|RIS|HOSP|ALVEO||20240102101500||ACK^R01^ACK|ACK" + control_id +
         "|P|2.5.1\rMSA|" + code + "|" + control_id + (text.empty() ? "" : "|" + text) + "\r";
}

// Accepts connections on 127.0.0.1 one at a time, reads one MLLP frame per connection, records the
// message and writes back `respond(message)` framed (nothing if it returns ""; the connection then
// stays open until the peer closes it, as a hung receiver would).
class MllpReceiver {
 public:
  using Responder = std::function<std::string(const std::string& message)>;

  explicit MllpReceiver(Responder respond, int port = 0)
      : respond_(std::move(respond)),
        socket_(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port))),
        port_(socket_.address().port()),
        thread_([this] { Run(); }) {}
  ~MllpReceiver() {
    stop_.store(true);
    thread_.join();
  }

  int port() const { return port_; }
  bool WaitForMessages(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
  }
  std::vector<std::string> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  // Poll timeouts only bound how long the thread takes to see stop_; nothing waits on them.
  static constexpr auto kPoll = std::chrono::milliseconds(50);

  void Run() {
    const Poco::Timespan poll(std::chrono::duration_cast<std::chrono::microseconds>(kPoll).count());
    while (!stop_.load()) {
      if (!socket_.poll(poll, Poco::Net::Socket::SELECT_READ)) continue;
      Poco::Net::StreamSocket connection = socket_.acceptConnection();
      Serve(connection, poll);
    }
  }

  void Serve(Poco::Net::StreamSocket& connection, const Poco::Timespan& poll) {
    std::string buffer;
    std::array<char, 4096> chunk{};
    while (!stop_.load()) {
      if (!connection.poll(poll, Poco::Net::Socket::SELECT_READ)) continue;
      int n = 0;
      try {
        n = connection.receiveBytes(chunk.data(), static_cast<int>(chunk.size()));
      } catch (const Poco::Exception&) {
        return;
      }
      if (n <= 0) return;  // the peer closed
      buffer.append(chunk.data(), static_cast<std::size_t>(n));
      const std::size_t start = buffer.find('\x0b');
      const std::size_t end = buffer.find("\x1c\x0d");
      if (start == std::string::npos || end == std::string::npos) continue;
      const std::string message = buffer.substr(start + 1, end - start - 1);
      buffer.erase(0, end + 2);
      const std::string answer = respond_(message);
      if (!answer.empty()) {
        const std::string frame = "\x0b" + answer + "\x1c\x0d";
        connection.sendBytes(frame.data(), static_cast<int>(frame.size()));
      }
      {
        std::lock_guard lock(mutex_);
        messages_.push_back(message);
      }
      changed_.notify_all();
    }
  }

  const Responder respond_;
  Poco::Net::ServerSocket socket_;
  const int port_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::string> messages_;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace alveo::testing
