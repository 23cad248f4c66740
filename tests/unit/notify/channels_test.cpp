// SPDX-License-Identifier: Apache-2.0
// The two channels against real receivers on loopback ports chosen at run time: the webhook's
// request (headers, body, a signature the receiver can verify), how HTTP answers and connection
// errors classify, https with a certificate made for the test (trusted through ca_file, refused
// otherwise); the HL7 channel's MLLP exchange and how AA / AE / AR, a hung receiver, a foreign ACK
// and a closed port end an attempt.
#include <chrono>
#include <string>

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureServerSocket.h>
#include <gtest/gtest.h>

#include "notify/hl7_client.h"
#include "notify/mllp.h"
#include "notify/signature.h"
#include "notify/webhook_client.h"
#include "support/http_client.h"
#include "support/net_util.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "unit/notify/receivers.h"

namespace alveo::notify {
namespace {

using alveo::testing::AckFor;
using alveo::testing::FreeTcpPort;
using alveo::testing::Hl7Fields;
using alveo::testing::Hl7Segments;
using alveo::testing::MllpReceiver;
using alveo::testing::WebhookReceiver;
using namespace std::chrono_literals;

constexpr char kSecret[] = "test-secret-0123456789";

Notification Sample() {
  Notification n;
  n.id = NotificationId("1.2.3", 1, "2.25.5", "rule", classifier::ResultStatus::kFlagged);
  n.study_instance_uid = "1.2.3";
  n.study_key = "key";
  n.study_version = 1;
  n.accession_number = "ACC9";
  n.modality = "CT";
  n.status = classifier::ResultStatus::kFlagged;
  n.certainty = 90;
  n.priority = Priority::kStat;
  n.sr_sop_instance_uid = "2.25.5";
  n.created_at = FromUnixMillis(1704190500123);
  return n;
}

WebhookSettings Hook(const std::string& url, const std::string& ca_file = "") {
  return WebhookSettings{"hook", url, kSecret, ca_file, 5};
}

std::unique_ptr<WebhookChannel> MakeHook(const WebhookSettings& settings) {
  auto channel = WebhookChannel::Create(settings);
  EXPECT_TRUE(channel.ok()) << channel.status().ToString();
  return channel.ok() ? std::move(channel).value() : nullptr;
}

Hl7Settings Ris(int port, int timeout_seconds = 5) {
  return Hl7Settings{"ris", "127.0.0.1", port, "ALVEO", "RAD", "RIS", "HOSP", timeout_seconds};
}

TEST(WebhookChannelTest, PostsTheSignedBodyWithItsHeaders) {
  WebhookReceiver receiver;
  auto hook =
      MakeHook(Hook("http://127.0.0.1:" + std::to_string(receiver.port()) + "/hooks/alveo?site=1"));
  ASSERT_TRUE(hook);
  const Notification n = Sample();
  const Status sent = hook->Deliver(n);
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  ASSERT_TRUE(receiver.WaitForRequests(1, 5s));
  const auto request = receiver.requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.uri, "/hooks/alveo?site=1");
  EXPECT_EQ(request.Header("Content-Type"), "application/json");
  EXPECT_EQ(request.body, WebhookBody(n));
  // What a receiver does: recompute the HMAC over the raw body with the shared secret.
  EXPECT_EQ(request.Header("X-Alveo-Signature"), "sha256=" + HmacSha256Hex(kSecret, request.body));
  EXPECT_EQ(request.Header("X-Alveo-Delivery"), n.id);
  EXPECT_EQ(request.Header("X-Alveo-Event"), "study.flagged");
  EXPECT_EQ(testing::ParseJson(request.body)["priority"].AsString(), "STAT");
}

TEST(WebhookChannelTest, AnswersAndConnectionErrorsClassify) {
  WebhookReceiver receiver({500, 429, 408, 404, 301, 401}, 204);
  auto hook = MakeHook(Hook("http://127.0.0.1:" + std::to_string(receiver.port()) + "/"));
  ASSERT_TRUE(hook);
  const Notification n = Sample();
  EXPECT_EQ(hook->Deliver(n).code(), ErrorCode::kPeerUnavailable);  // 500
  EXPECT_EQ(hook->Deliver(n).code(), ErrorCode::kPeerUnavailable);  // 429
  EXPECT_EQ(hook->Deliver(n).code(), ErrorCode::kPeerUnavailable);  // 408
  const Status not_found = hook->Deliver(n);
  EXPECT_EQ(not_found.code(), ErrorCode::kPeerRejected);
  EXPECT_NE(not_found.message().find("HTTP 404"), std::string::npos) << not_found.ToString();
  EXPECT_NE(not_found.message().find("answer 404"), std::string::npos)
      << "the body's start is kept for the log";
  EXPECT_EQ(hook->Deliver(n).code(), ErrorCode::kPeerRejected);  // 301: not followed
  EXPECT_EQ(hook->Deliver(n).code(), ErrorCode::kPeerRejected);  // 401
  EXPECT_TRUE(hook->Deliver(n).ok());                            // 204

  auto closed = MakeHook(Hook("http://127.0.0.1:" + std::to_string(FreeTcpPort()) + "/"));
  ASSERT_TRUE(closed);
  const Status refused = closed->Deliver(n);
  EXPECT_EQ(refused.code(), ErrorCode::kPeerUnavailable) << refused.ToString();
  EXPECT_EQ(ClassifyHttpStatus(200, "").code(), ErrorCode::kOk);
  EXPECT_EQ(ClassifyHttpStatus(503, "x").code(), ErrorCode::kPeerUnavailable);
  EXPECT_EQ(ClassifyHttpStatus(400, "x").code(), ErrorCode::kPeerRejected);
  EXPECT_EQ(ClassifyHttpStatus(100, "x").code(), ErrorCode::kPeerRejected);
}

// A key and a self-signed certificate for "localhost", made by the openssl tool for this test.
struct TestCertificate {
  std::string key;
  std::string cert;
};
std::optional<TestCertificate> MakeCertificate(const testing::TempDir& dir) {
  TestCertificate made{dir.Path("key.pem"), dir.Path("cert.pem")};
  const auto result =
      testing::RunTool({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        made.key, "-out", made.cert, "-days", "1", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost"},
                       60s);
  if (result.exit_code != 0) return std::nullopt;
  return made;
}

TEST(WebhookChannelTest, HttpsVerifiesTheServerCertificate) {
  testing::TempDir dir;
  const auto certificate = MakeCertificate(dir);
  if (!certificate) GTEST_SKIP() << "the openssl tool is not available to make a test certificate";
  Poco::Net::Context::Ptr server_tls =
      new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, certificate->key,
                             certificate->cert, "", Poco::Net::Context::VERIFY_NONE);
  Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, server_tls);
  WebhookReceiver receiver(socket, {}, 200);
  const std::string url = "https://localhost:" + std::to_string(receiver.port()) + "/tls";

  auto trusted = MakeHook(Hook(url, certificate->cert));
  ASSERT_TRUE(trusted);
  const Status sent = trusted->Deliver(Sample());
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  ASSERT_TRUE(receiver.WaitForRequests(1, 5s));
  EXPECT_EQ(receiver.requests().at(0).uri, "/tls");

  auto untrusted = MakeHook(Hook(url));  // the system's CAs do not know the test certificate
  ASSERT_TRUE(untrusted);
  const Status refused = untrusted->Deliver(Sample());
  EXPECT_EQ(refused.code(), ErrorCode::kPeerUnavailable) << refused.ToString();
  EXPECT_EQ(receiver.requests().size(), 1u) << "nothing was sent over an unverified connection";

  // The certificate names localhost, not 127.0.0.1: the host name check refuses it, although
  // localhost resolves to 127.0.0.1 (Poco's own check would accept that).
  auto wrong_name = MakeHook(
      Hook("https://127.0.0.1:" + std::to_string(receiver.port()) + "/tls", certificate->cert));
  ASSERT_TRUE(wrong_name);
  EXPECT_EQ(wrong_name->Deliver(Sample()).code(), ErrorCode::kPeerUnavailable);
  EXPECT_EQ(receiver.requests().size(), 1u);

  const auto missing_ca = WebhookChannel::Create(Hook(url, dir.Path("none.pem")));
  EXPECT_EQ(missing_ca.status().code(), ErrorCode::kConfigInvalid);
}

TEST(Hl7ChannelTest, SendsOneFramedOruAndAcceptsAa) {
  MllpReceiver receiver([](const std::string& message) { return AckFor(message, "AA"); });
  Hl7Channel ris(Ris(receiver.port()));
  const Notification n = Sample();
  const Status sent = ris.Deliver(n);
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  ASSERT_TRUE(receiver.WaitForMessages(1, 5s));
  const std::string message = receiver.messages().at(0);
  EXPECT_EQ(message, BuildOruR01(n, Ris(receiver.port())));
  const auto msh = Hl7Fields(Hl7Segments(message).at(0));
  EXPECT_EQ(msh.at(8), "ORU^R01^ORU_R01");
  EXPECT_EQ(msh.at(9), Hl7ControlId(n.id, "ris"));
  EXPECT_EQ(Hl7Fields(Hl7Segments(message).at(2)).at(27), "^^^^^S");
}

TEST(Hl7ChannelTest, AckCodesAndReceiverFailuresClassify) {
  std::deque<std::string> codes = {"AE", "AR", "CA", "CR", "AA"};
  std::mutex mutex;
  MllpReceiver receiver([&](const std::string& message) {
    std::lock_guard lock(mutex);
    const std::string code = codes.front();
    codes.pop_front();
    return AckFor(message, code, "reason " + code);
  });
  Hl7Channel ris(Ris(receiver.port()));
  const Status error = ris.Deliver(Sample());
  EXPECT_EQ(error.code(), ErrorCode::kPeerUnavailable);
  EXPECT_NE(error.message().find("reason AE"), std::string::npos) << error.ToString();
  const Status rejected = ris.Deliver(Sample());
  EXPECT_EQ(rejected.code(), ErrorCode::kPeerRejected);
  EXPECT_NE(rejected.message().find("AR"), std::string::npos);
  EXPECT_TRUE(ris.Deliver(Sample()).ok());                            // CA
  EXPECT_EQ(ris.Deliver(Sample()).code(), ErrorCode::kPeerRejected);  // CR
  EXPECT_TRUE(ris.Deliver(Sample()).ok());                            // AA

  Hl7Channel closed(Ris(FreeTcpPort()));
  EXPECT_EQ(closed.Deliver(Sample()).code(), ErrorCode::kPeerUnavailable);
}

TEST(Hl7ChannelTest, NoAckOrAForeignAckIsRetriedLater) {
  MllpReceiver hung([](const std::string&) { return std::string(); });
  Hl7Channel waits(Ris(hung.port(), 1));
  const auto started = std::chrono::steady_clock::now();
  const Status silent = waits.Deliver(Sample());
  EXPECT_EQ(silent.code(), ErrorCode::kPeerUnavailable);
  EXPECT_NE(silent.message().find("no ACK within 1 s"), std::string::npos) << silent.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);

  MllpReceiver confused(
      [](const std::string&) { return std::string("MSH|^~\\&\rMSA|AA|someone-else\r"); });
  Hl7Channel ris(Ris(confused.port()));
  const Status foreign = ris.Deliver(Sample());
  EXPECT_EQ(foreign.code(), ErrorCode::kPeerUnavailable);
  EXPECT_NE(foreign.message().find("someone-else"), std::string::npos) << foreign.ToString();

  MllpReceiver garbage([](const std::string&) { return std::string("HELLO"); });
  Hl7Channel odd(Ris(garbage.port()));
  EXPECT_EQ(odd.Deliver(Sample()).code(), ErrorCode::kPeerUnavailable);
}

}  // namespace
}  // namespace alveo::notify
