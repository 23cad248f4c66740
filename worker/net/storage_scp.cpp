// SPDX-License-Identifier: Apache-2.0
#include "net/storage_scp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/dulstruc.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "core/thread_name.h"
#include "net/association_policy.h"
#include "net/implementation.h"
#include "net/sop_classes.h"
#include "net/store_handler.h"

namespace alveo::net {
namespace {

constexpr int kListenBacklog = 128;
constexpr int kIdleAbortWhenStoppingSeconds = 1;

// DCMTK 3.6.7 keeps the connection's socket protected; a pointer to the inherited member, formed
// through a derived class, reads it without changing DCMTK.
struct SocketAccess : DcmTransportConnection {
  static int Of(DcmTransportConnection& connection) {
    return static_cast<int>((connection.*(&SocketAccess::getSocket))());
  }
};

void ConfigureSocket(T_ASC_Association* assoc, bool quickack) {
  auto* key = reinterpret_cast<PRIVATE_ASSOCIATIONKEY*>(assoc->DULassociation);
  if (key == nullptr || key->connection == nullptr) return;
  const int fd = SocketAccess::Of(*key->connection);
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (quickack) setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
}

T_ASC_RejectParameters ToRejectParameters(RejectReason reason) {
  switch (reason) {
    case RejectReason::kCalledAeNotRecognized:
      return {ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER, ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED};
    case RejectReason::kCallingAeNotRecognized:
      return {ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER, ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED};
    case RejectReason::kShuttingDown:
      return {ASC_RESULT_REJECTEDTRANSIENT, ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
              ASC_REASON_SP_PRES_TEMPORARYCONGESTION};
    case RejectReason::kLocalLimitExceeded:
    case RejectReason::kNone:
      break;
  }
  return {ASC_RESULT_REJECTEDTRANSIENT, ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
          ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED};
}

void DestroyAssociation(T_ASC_Association* assoc) {
  ASC_dropSCPAssociation(assoc);
  ASC_destroyAssociation(&assoc);
}

}  // namespace

StorageScp::StorageScp(const DicomSettings& settings, spool::Spool& spool, InstanceSink& sink, const Clock& clock)
    : settings_(settings),
      spool_(spool),
      sink_(sink),
      policy_(std::make_unique<AssociationPolicy>(settings)),
      store_(std::make_unique<StoreHandler>(settings, spool, sink, clock, counters_)) {}

StorageScp::~StorageScp() {
  Stop();
  if (network_ != nullptr) ASC_dropNetwork(&network_);
  for (int fd : wake_pipe_) {
    if (fd >= 0) close(fd);
  }
}

Status StorageScp::Start() {
  if (pipe2(wake_pipe_, O_CLOEXEC) != 0) return Status::Error(ErrorCode::kIoError, "pipe failed");
  // DCMTK binds its own socket on all interfaces; we replace it with one bound to bind_address so
  // the address is configurable and port 0 can be used (tests).
  const OFCondition cond = ASC_initializeNetwork(NET_ACCEPTOR, 0, settings_.acse_timeout_seconds, &network_);
  if (cond.bad()) return Status::Error(ErrorCode::kIoError, std::string("DICOM network init: ") + cond.text());
  return ReplaceListenSocket();
}

Status StorageScp::ReplaceListenSocket() {
  const std::string where = settings_.bind_address + ":" + std::to_string(settings_.port);
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "socket: " + std::string(std::strerror(errno)));
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(settings_.port));
  if (inet_pton(AF_INET, settings_.bind_address.c_str(), &address.sin_addr) != 1 ||
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd, kListenBacklog) != 0) {
    const std::string error = std::strerror(errno);
    close(fd);
    return Status::Error(ErrorCode::kIoError, "cannot listen on " + where + ": " + error);
  }
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  auto* key = reinterpret_cast<PRIVATE_NETWORKKEY*>(network_->network);
  close(key->networkSpecific.TCP.listenSocket);
  key->networkSpecific.TCP.listenSocket = fd;
  key->networkSpecific.TCP.port = port_;
  listen_fd_ = fd;
  return Status::Ok();
}

void StorageScp::CloseListenSocket() {
  if (listen_fd_ < 0) return;
  auto* key = reinterpret_cast<PRIVATE_NETWORKKEY*>(network_->network);
  key->networkSpecific.TCP.listenSocket = -1;
  close(listen_fd_);
  listen_fd_ = -1;
}

void StorageScp::Run() {
  for (int i = 0; i < settings_.max_associations; ++i) {
    workers_.emplace_back([this, i] { WorkerLoop(i + 1); });
  }
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

void StorageScp::Stop() {
  if (stopping_.exchange(true)) {
    if (acceptor_.joinable()) acceptor_.join();
    return;
  }
  if (wake_pipe_[1] >= 0) (void)!write(wake_pipe_[1], "x", 1);
  if (acceptor_.joinable()) acceptor_.join();
  CloseListenSocket();  // new connections are refused at once instead of waiting in the backlog
  work_ready_.notify_all();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
}

void StorageScp::AcceptLoop() {
  SetCurrentThreadName("scp-accept");
  while (!stopping_.load()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      ALVEO_LOG(kError, kNet) << "poll on the listening socket failed: " << std::strerror(errno);
      break;
    }
    if (fds[1].revents != 0 || stopping_.load()) break;
    if (fds[0].revents & POLLIN) AcceptOne();
  }
}

void StorageScp::AcceptOne() {
  T_ASC_Association* assoc = nullptr;
  const OFCondition cond = ASC_receiveAssociation(network_, &assoc, settings_.max_pdu_bytes, nullptr, nullptr,
                                                  OFFalse, DUL_NOBLOCK, settings_.acse_timeout_seconds);
  if (cond.bad()) {
    if (cond != DUL_NOASSOCIATIONREQUEST) {
      ALVEO_LOG(kWarn, kNet) << "association request failed: " << cond.text();
    }
    if (assoc != nullptr) DestroyAssociation(assoc);
    return;
  }
  const std::uint64_t id = next_id_.fetch_add(1);
  const T_ASC_Parameters& params = *assoc->params;
  const std::string called = params.DULparams.calledAPTitle;
  const std::string calling = params.DULparams.callingAPTitle;
  const std::string peer = params.DULparams.callingPresentationAddress;
  const AssociationDecision decision = policy_->Decide(called, calling, peer, active_.load(), stopping_.load());
  if (!decision.accepted()) {
    counters_.associations_rejected.fetch_add(1);
    ALVEO_LOG(kWarn, kNet) << "assoc " << id << " from " << calling << "@" << peer << " rejected: " << decision.why;
    T_ASC_RejectParameters reject = ToRejectParameters(decision.reject);
    ASC_rejectAssociation(assoc, &reject);
    DestroyAssociation(assoc);
    return;
  }
  active_.fetch_add(1);
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({assoc, id});
  }
  work_ready_.notify_one();
}

void StorageScp::WorkerLoop(int index) {
  SetCurrentThreadName("scp-" + std::to_string(index));
  for (;;) {
    Pending next{};
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [this] { return !queue_.empty() || stopping_.load(); });
      if (queue_.empty()) return;  // stopping and nothing left
      next = queue_.front();
      queue_.pop_front();
    }
    Serve(next.assoc, next.id);
    active_.fetch_sub(1);
  }
}

void StorageScp::Serve(T_ASC_Association* assoc, std::uint64_t id) {
  auto abstract = AbstractSyntaxesToAccept(settings_.accept_all_storage_classes);
  std::vector<const char*> syntaxes;
  for (const auto& ts : AcceptedTransferSyntaxes()) syntaxes.push_back(ts.uid);
  AssociationInfo info{id, assoc->params->DULparams.callingAPTitle,
                       assoc->params->DULparams.callingPresentationAddress};
  ASC_setAPTitles(assoc->params, nullptr, nullptr, settings_.ae_title.c_str());
  ASC_acceptContextsWithPreferredTransferSyntaxes(assoc->params, abstract.data(),
                                                  static_cast<int>(abstract.size()),
                                                  syntaxes.data(), static_cast<int>(syntaxes.size()));
  OFCondition cond = ASC_acknowledgeAssociation(assoc);
  if (cond.bad()) {
    ALVEO_LOG(kWarn, kNet) << "assoc " << id << ": acknowledge failed: " << cond.text();
    DestroyAssociation(assoc);
    sink_.OnAssociationEnded(id, false);
    return;
  }
  counters_.associations_accepted.fetch_add(1);
  ConfigureSocket(assoc, settings_.tcp_quickack);
  ALVEO_LOG(kInfo, kNet) << "assoc " << id << " accepted from " << info.calling_ae << "@" << info.peer_host << " ("
                         << ASC_countAcceptedPresentationContexts(assoc->params) << " contexts)";
  bool released = false;
  int idle_seconds = 0;
  for (;;) {
    T_ASC_PresentationContextID pres_id = 0;
    T_DIMSE_Message message{};
    // Linux re-enters delayed-ACK mode after each response we send; a sender with Nagle on would then
    // hold its next small segment ~40 ms for our ACK. Quick-ACK mode before each read avoids that.
    if (settings_.tcp_quickack) ConfigureSocket(assoc, true);
    cond = DIMSE_receiveCommand(assoc, DIMSE_NONBLOCKING, 1, &pres_id, &message, nullptr);
    if (cond == DIMSE_NODATAAVAILABLE) {
      ++idle_seconds;
      const bool give_up = idle_seconds >= settings_.dimse_timeout_seconds ||
                           (stopping_.load() && idle_seconds >= kIdleAbortWhenStoppingSeconds);
      if (!give_up) continue;
      ALVEO_LOG(kWarn, kNet) << "assoc " << id << ": idle for " << idle_seconds << " s, aborting";
      ASC_abortAssociation(assoc);
      counters_.associations_aborted.fetch_add(1);
      break;
    }
    idle_seconds = 0;
    if (cond == DUL_PEERREQUESTEDRELEASE) {
      ASC_acknowledgeRelease(assoc);
      released = true;
      break;
    }
    if (cond.bad()) {
      if (cond != DUL_PEERABORTEDASSOCIATION) {
        ALVEO_LOG(kWarn, kNet) << "assoc " << id << ": " << cond.text() << ", aborting";
        ASC_abortAssociation(assoc);
      }
      counters_.associations_aborted.fetch_add(1);
      break;
    }
    if (settings_.tcp_quickack) ConfigureSocket(assoc, true);
    if (message.CommandField == DIMSE_C_ECHO_RQ) {
      cond = DIMSE_sendEchoResponse(assoc, pres_id, &message.msg.CEchoRQ, STATUS_Success, nullptr);
    } else if (message.CommandField == DIMSE_C_STORE_RQ) {
      cond = store_->Handle(assoc, pres_id, message.msg.CStoreRQ, info);
    } else {
      ALVEO_LOG(kWarn, kNet) << "assoc " << id << ": unsupported DIMSE command 0x" << std::hex
                             << message.CommandField << std::dec << ", aborting";
      cond = DIMSE_BADCOMMANDTYPE;
    }
    if (cond.bad()) {
      ALVEO_LOG(kWarn, kNet) << "assoc " << id << ": " << cond.text() << ", aborting";
      ASC_abortAssociation(assoc);
      counters_.associations_aborted.fetch_add(1);
      break;
    }
  }
  ALVEO_LOG(kInfo, kNet) << "assoc " << id << (released ? " released" : " ended without release");
  DestroyAssociation(assoc);
  sink_.OnAssociationEnded(id, released);
}

}  // namespace alveo::net
