// SPDX-License-Identifier: Apache-2.0
// Self-test of the end-to-end support library against real DCMTK tools (storescp, echoscu,
// storescu, dcmdump) and alveo_raw_storescu; needs no alveo binary. Also the AlveoServer smoke
// test, skipped until the `alveo` target exists.
#include <chrono>
#include <cstdint>
#include <iostream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "support/alveo_server.h"
#include "support/dicom_tools.h"
#include "support/http_client.h"
#include "support/net_util.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace alveo::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kPacsAe[] = "PACS";

std::string NewUid() {
  char uid[100];
  dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
  return uid;
}

// A 16x16 8-bit Secondary Capture.
struct TestImage {
  std::string sop_instance_uid = NewUid();
  std::string file;     // Part 10 file (meta header + dataset)
  std::string dataset;  // dataset only, explicit VR little endian: input for alveo_raw_storescu
};

TestImage MakeSecondaryCapture(const TempDir& dir) {
  TestImage image;
  DcmFileFormat file_format;
  DcmDataset* ds = file_format.getDataset();
  ds->putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage);
  ds->putAndInsertString(DCM_SOPInstanceUID, image.sop_instance_uid.c_str());
  ds->putAndInsertString(DCM_StudyInstanceUID, NewUid().c_str());
  ds->putAndInsertString(DCM_SeriesInstanceUID, NewUid().c_str());
  ds->putAndInsertString(DCM_Modality, "OT");
  ds->putAndInsertString(DCM_ConversionType, "WSD");
  ds->putAndInsertString(DCM_PatientName, "Selftest^Phantom");
  ds->putAndInsertString(DCM_PatientID, "SELFTEST");
  ds->putAndInsertString(DCM_BodyPartExamined, "CHEST");
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
  ds->putAndInsertUint16(DCM_Rows, 16);
  ds->putAndInsertUint16(DCM_Columns, 16);
  ds->putAndInsertUint16(DCM_BitsAllocated, 8);
  ds->putAndInsertUint16(DCM_BitsStored, 8);
  ds->putAndInsertUint16(DCM_HighBit, 7);
  ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
  std::vector<Uint8> pixels(16 * 16);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<Uint8>(i);
  ds->putAndInsertUint8Array(DCM_PixelData, pixels.data(),
                             static_cast<unsigned long>(pixels.size()));
  image.file = dir.Path("sc.dcm");
  image.dataset = dir.Path("sc.dataset");
  EXPECT_TRUE(file_format.saveFile(image.file.c_str(), EXS_LittleEndianExplicit).good());
  EXPECT_TRUE(ds->saveFile(image.dataset.c_str(), EXS_LittleEndianExplicit).good());
  return image;
}

RawStoreOptions RawOptionsFor(const TestImage& image) {
  RawStoreOptions options;
  options.ae.called_ae = kPacsAe;
  options.sop_class_uid = UID_SecondaryCaptureImageStorage;
  options.sop_instance_uid = image.sop_instance_uid;
  return options;
}

// ---- Process ----

TEST(ProcessTest, WaitsForLinesAndReportsExitCode) {
  TempDir dir;
  ProcessOptions options;
  options.argv = {"/bin/sh", "-c", "echo 'hello port=4242'; echo oops >&2; echo second; exit 7"};
  options.log_dir = dir.Path("logs");
  options.log_name = "sh";
  options.capture_stdout = true;
  std::string error;
  std::unique_ptr<Process> process = Process::Start(options, &error);
  ASSERT_NE(process, nullptr) << error;
  auto match = process->WaitForLine(std::regex(R"(port=(\d+))"), seconds(10));
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ((*match)[1], "4242");
  EXPECT_TRUE(process->WaitForLine(std::regex("^second$"), seconds(10)).has_value());
  // The stream closes without another match: returns at end of file, not at the timeout.
  const auto before = std::chrono::steady_clock::now();
  EXPECT_FALSE(process->WaitForLine(std::regex("never"), seconds(30)).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - before, seconds(10));
  std::optional<ExitStatus> status = process->Wait(seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->ExitedWith(7)) << *status;
  EXPECT_FALSE(process->IsRunning());
  ASSERT_TRUE(process->WaitForOutputClosed(seconds(10)));
  EXPECT_EQ(ReadFile(process->stdout_log()).value_or(""), "hello port=4242\nsecond\n");
  EXPECT_EQ(ReadFile(process->stderr_log()).value_or(""), "oops\n");
}

TEST(ProcessTest, SignalAndKill9) {
  ProcessOptions options;
  options.argv = {"/bin/sh", "-c", "echo started; exec sleep 600"};
  options.capture_stdout = true;
  std::unique_ptr<Process> term = Process::Start(options);
  std::unique_ptr<Process> kill = Process::Start(options);
  ASSERT_NE(term, nullptr);
  ASSERT_NE(kill, nullptr);
  ASSERT_TRUE(term->WaitForLine(std::regex("started"), seconds(10)));
  ASSERT_TRUE(kill->WaitForLine(std::regex("started"), seconds(10)));
  EXPECT_TRUE(term->IsRunning());
  EXPECT_FALSE(term->Wait(milliseconds(0)).has_value());
  EXPECT_TRUE(term->Signal(SIGTERM));
  std::optional<ExitStatus> status = term->Wait(seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->KilledBy(SIGTERM)) << *status;
  EXPECT_EQ(status->ShellCode(), 128 + SIGTERM);
  EXPECT_FALSE(term->Signal(SIGTERM));  // already reaped
  EXPECT_TRUE(kill->Kill9().KilledBy(SIGKILL));
  EXPECT_FALSE(kill->IsRunning());
}

TEST(ProcessTest, RunToolCapturesOutputAndTimesOut) {
  ToolResult ok = RunTool({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, seconds(10));
  EXPECT_FALSE(ok.timed_out);
  EXPECT_EQ(ok.exit_code, 3) << ok.Describe();
  EXPECT_EQ(ok.stdout_text, "out\n");
  EXPECT_EQ(ok.stderr_text, "err\n");

  ToolResult env = RunTool({"/bin/sh", "-c", "echo $ALVEO_SELFTEST_VAR"}, seconds(10),
                           {{"ALVEO_SELFTEST_VAR", "from-test"}});
  EXPECT_EQ(env.stdout_text, "from-test\n");

  const auto before = std::chrono::steady_clock::now();
  ToolResult slow = RunTool({"sleep", "600"}, milliseconds(200));
  EXPECT_TRUE(slow.timed_out);
  EXPECT_EQ(slow.exit_code, 128 + SIGKILL);
  EXPECT_LT(std::chrono::steady_clock::now() - before, seconds(10));

  ToolResult missing = RunTool({"alveo-no-such-tool"}, seconds(10));
  EXPECT_EQ(missing.exit_code, -1);
  EXPECT_FALSE(missing.error.empty());
  ProcessOptions absent;
  absent.argv = {"/nonexistent/binary"};
  std::string error;
  EXPECT_EQ(Process::Start(absent, &error), nullptr);
  EXPECT_NE(error.find("/nonexistent/binary"), std::string::npos) << error;
}

// ---- Temp dir, JSON, HTTP ----

TEST(TempDirTest, FileHelpers) {
  std::string kept_path;
  {
    TempDir dir;
    kept_path = dir.path();
    EXPECT_TRUE(FileExists(dir.path()));
    ASSERT_TRUE(WriteFile(dir.Path("a/b/one.dcm"), "1"));
    ASSERT_TRUE(WriteFile(dir.Path("a/two.txt"), "two\nlines\nhere\n"));
    ASSERT_TRUE(WriteFile(dir.Path("three.dcm"), std::string("\0x", 2)));
    EXPECT_EQ(ReadFile(dir.Path("three.dcm")).value_or(""), std::string("\0x", 2));
    EXPECT_FALSE(ReadFile(dir.Path("absent")).has_value());
    EXPECT_EQ(ListFilesRecursive(dir.path(), ".dcm"),
              (std::vector<std::string>{dir.Path("a/b/one.dcm"), dir.Path("three.dcm")}));
    EXPECT_EQ(ListFilesRecursive(dir.path()).size(), 3u);
    EXPECT_EQ(TailFile(dir.Path("a/two.txt"), 2), "lines\nhere\n");
  }
  EXPECT_FALSE(FileExists(kept_path));
}

TEST(JsonTest, ParsesAndNavigates) {
  std::string error;
  JsonValue json = ParseJson(
      R"({"count": 2, "ok": true, "ratio": 0.5, "name": "x\"y", "none": null,
          "studies": [{"phase": "processed", "instances": 12}, {"phase": "receiving"}]})",
      &error);
  ASSERT_TRUE(json.IsObject()) << error;
  EXPECT_EQ(json.Get("count").AsInt(), 2);
  EXPECT_TRUE(json["ok"].AsBool());
  EXPECT_DOUBLE_EQ(json.Get("ratio").AsDouble(), 0.5);
  EXPECT_EQ(json.Get("name").AsString(), "x\"y");
  EXPECT_TRUE(json.Has("none"));
  EXPECT_TRUE(json.Get("none").IsNull());
  EXPECT_FALSE(json.Has("absent"));
  ASSERT_EQ(json.Get("studies").Size(), 2u);
  EXPECT_EQ(json.Get("studies").At(0).Get("phase").AsString(), "processed");
  EXPECT_EQ(json.Get("studies").At(0).Get("instances").AsInt(), 12);
  EXPECT_EQ(json.Get("studies").At(1).Get("instances").path(), "$.studies[1].instances");
  EXPECT_TRUE(json.Get("studies").At(5).IsNull());
  EXPECT_EQ(ParseJson(R"({"b":[1,2.5,"s"],"a":false})").ToString(),
            R"({"a":false,"b":[1,2.5,"s"]})");
  EXPECT_EQ(JsonQuote("a\"b\n"), R"("a\"b\n")");
  EXPECT_NONFATAL_FAILURE(json.Get("studies").At(1).Get("instances").AsInt(),
                          "$.studies[1].instances: expected number, found null");

  JsonValue bad = ParseJson("{not json", &error);
  EXPECT_TRUE(bad.IsNull());
  EXPECT_FALSE(error.empty());
}

// A one-shot HTTP server on a socket bound here: answers one request, returns what it received.
class OneShotHttpServer {
 public:
  explicit OneShotHttpServer(std::string response) : response_(std::move(response)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotHttpServer() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  std::string Request() {
    thread_.join();
    return request_;
  }

 private:
  void Serve() {
    int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;
    char buf[4096];
    while (true) {
      std::size_t header_end = request_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::smatch m;
        std::size_t body = 0;
        std::string headers = request_.substr(0, header_end);
        if (std::regex_search(headers, m,
                              std::regex(R"(Content-Length: (\d+))", std::regex::icase))) {
          body = std::stoul(m[1].str());
        }
        if (request_.size() >= header_end + 4 + body) break;
      }
      ssize_t n = ::read(client, buf, sizeof(buf));
      if (n <= 0) break;
      request_.append(buf, static_cast<std::size_t>(n));
    }
    ssize_t ignored = ::write(client, response_.data(), response_.size());
    (void)ignored;
    ::close(client);
  }

  std::string response_;
  std::string request_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(HttpTest, SendsRequestAndReadsResponse) {
  OneShotHttpServer server(
      "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Alveo: yes\r\n"
      "Content-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}");
  HttpResponse response =
      HttpRequest("POST", server.port(), "/api/things?x=1", R"({"a":1})", {{"X-Request", "42"}});
  EXPECT_EQ(response.status, 201) << response.Describe();
  EXPECT_EQ(response.Header("x-alveo"), "yes");
  EXPECT_TRUE(ParseJson(response.body).Get("ok").AsBool());
  std::string request = server.Request();
  EXPECT_EQ(request.rfind("POST /api/things?x=1 HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("X-Request: 42\r\n"), std::string::npos) << request;
  EXPECT_NE(request.find("Content-Type: application/json\r\n"), std::string::npos) << request;
  EXPECT_EQ(request.substr(request.size() - 7), R"({"a":1})");

  HttpResponse refused = HttpGet(FreeTcpPort(), "/");
  EXPECT_EQ(refused.status, 0);
  EXPECT_FALSE(refused.error.empty());
}

// ---- Output parsers ----

TEST(ParseStoreResponsesTest, VerboseAndDebugForms) {
  const std::string verbose =
      "I: Sending Store Request (MsgID 1, CT)\n"
      "I: Received Store Response (Success)\n"
      "I: Received Store Response (Refused: OutOfResources)\n"
      "I: Received Store Response (Warning: ElementsDiscarded)\n"
      "I: Received Store Response (Unknown Status: 0x110)\n"
      "E: Store Failed, file: /x/y.dcm:\n"
      "E: 0006:0207 DIMSE No valid Presentation Context ID\n";
  std::vector<StoreResponse> r = ParseStoreResponses(verbose);
  ASSERT_EQ(r.size(), 5u);
  EXPECT_TRUE(r[0].IsSuccess());
  EXPECT_EQ(r[0].code, std::uint16_t{0});
  EXPECT_EQ(r[1].status, "Refused: OutOfResources");
  EXPECT_FALSE(r[1].code.has_value());
  EXPECT_TRUE(r[2].IsWarning());
  EXPECT_EQ(r[2].code, std::uint16_t{0xB006});
  EXPECT_EQ(r[3].code, std::uint16_t{0x0110});
  EXPECT_FALSE(r[4].received);
  EXPECT_EQ(CountSuccesses(r), 1u);
  EXPECT_EQ(CountAccepted(r), 2u);

  const std::string debug =
      "I: Received Store Response\n"
      "D: ===================== INCOMING DIMSE MESSAGE ====================\n"
      "D: Message Type                  : C-STORE RSP\n"
      "D: DIMSE Status                  : 0xa700: Refused: Out of resources\n";
  r = ParseStoreResponses(debug);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].code, std::uint16_t{0xA700});
  EXPECT_EQ(r[0].status, "Refused: Out of resources");

  std::vector<RawStoreStatus> raw =
      ParseRawStoreStatuses("status=0x0000\nstatus=0xA900 comment=SOP class mismatch\nother\n");
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_EQ(raw[0].status, 0x0000);
  EXPECT_EQ(raw[1].status, 0xA900);
  EXPECT_EQ(raw[1].comment, "SOP class mismatch");
}

// ---- Against a real storescp ----

class StorescpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    pacs_ = StorescpPacs::Start(dir_.Path("pacs"), dir_.Path("logs"), StorescpOptions{}, &error);
    ASSERT_NE(pacs_, nullptr) << error;
    image_ = MakeSecondaryCapture(dir_);
  }
  void TearDown() override {
    if (HasFailure() && pacs_) {
      std::cerr << "storescp stderr:\n" << TailFile(pacs_->process().stderr_log(), 50) << "\n";
    }
  }
  AeOptions PacsAe() const {
    AeOptions ae;
    ae.called_ae = kPacsAe;
    return ae;
  }

  TempDir dir_;
  std::unique_ptr<StorescpPacs> pacs_;
  TestImage image_;
};

TEST_F(StorescpTest, EchoAndStoreWithDcmtkTools) {
  ToolResult echo = RunEchoscu(pacs_->port(), PacsAe());
  ASSERT_TRUE(echo.ok()) << echo.Describe();

  StorescuOptions store_options;
  store_options.ae = PacsAe();
  ToolResult store = RunStorescu(pacs_->port(), {image_.file}, store_options);
  ASSERT_TRUE(store.ok()) << store.Describe();
  std::vector<StoreResponse> responses = ParseStoreResponses(store.stderr_text);
  ASSERT_EQ(responses.size(), 1u) << store.Describe();
  EXPECT_EQ(responses[0].status, "Success");
  EXPECT_EQ(CountSuccesses(responses), 1u);

  ASSERT_TRUE(pacs_->WaitForStored(1, seconds(20)));
  std::vector<std::string> files = pacs_->ReceivedFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(pacs_->StoredFiles(), files);
  EXPECT_EQ(DicomTagValue(files[0], "0008,0018"), image_.sop_instance_uid);
  EXPECT_EQ(DicomTagValue(files[0], "SOPClassUID"), UID_SecondaryCaptureImageStorage);
  EXPECT_EQ(DicomTagValue(files[0], "Rows"), "16");
  EXPECT_EQ(DicomTagValue(files[0], "AccessionNumber"), std::nullopt);

  // A directory input is scanned (+sd +r).
  ASSERT_TRUE(WriteFile(dir_.Path("in/sub/copy.dcm"), ReadFile(image_.file).value_or("")));
  ToolResult dir_store = RunStorescu(pacs_->port(), {dir_.Path("in")}, store_options);
  ASSERT_TRUE(dir_store.ok()) << dir_store.Describe();
  EXPECT_EQ(CountSuccesses(ParseStoreResponses(dir_store.stderr_text)), 1u);
  EXPECT_TRUE(pacs_->WaitForStored(2, seconds(20)));
}

TEST_F(StorescpTest, RawStorescuSendsAValidDatasetTwice) {
  RawStoreOptions options = RawOptionsFor(image_);
  options.count = 2;
  ToolResult raw = RunRawStorescu(pacs_->port(), image_.dataset, options);
  ASSERT_EQ(raw.exit_code, kRawStoreCompleted) << raw.Describe();
  std::vector<RawStoreStatus> statuses = ParseRawStoreStatuses(raw.stdout_text);
  ASSERT_EQ(statuses.size(), 2u) << raw.Describe();
  EXPECT_EQ(statuses[0].status, 0x0000);
  EXPECT_EQ(statuses[1].status, 0x0000);
  ASSERT_TRUE(pacs_->WaitForStored(2, seconds(20)));
  ASSERT_EQ(pacs_->ReceivedFiles().size(), 1u);  // same SOP instance UID: overwritten
  EXPECT_EQ(DicomTagValue(pacs_->ReceivedFiles()[0], "SOPInstanceUID"), image_.sop_instance_uid);
}

TEST_F(StorescpTest, RawStorescuWithGarbageAndTruncatedBytesEndsCleanly) {
  std::string garbage(1000, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i)
    garbage[i] = static_cast<char>((i * 37 + 11) & 0xFF);
  ASSERT_TRUE(WriteFile(dir_.Path("garbage.bin"), garbage));
  std::string dataset = ReadFile(image_.dataset).value_or("");
  ASSERT_GT(dataset.size(), 100u);
  ASSERT_TRUE(WriteFile(dir_.Path("truncated.bin"), dataset.substr(0, (dataset.size() / 2) & ~1u)));
  ASSERT_TRUE(WriteFile(dir_.Path("empty.bin"), ""));

  for (const char* name : {"garbage.bin", "truncated.bin", "empty.bin"}) {
    ToolResult raw =
        RunRawStorescu(pacs_->port(), dir_.Path(name), RawOptionsFor(image_), seconds(30));
    std::cout << "[ storescp ] raw C-STORE of " << name << ": exit " << raw.exit_code
              << ", stdout: " << raw.stdout_text;
    EXPECT_FALSE(raw.timed_out) << raw.Describe();
    if (raw.exit_code == kRawStoreCompleted) {
      EXPECT_EQ(ParseRawStoreStatuses(raw.stdout_text).size(), 1u) << raw.Describe();
    } else {
      EXPECT_EQ(raw.exit_code, kRawStoreNetworkError) << raw.Describe();
      EXPECT_TRUE(raw.stdout_text.find("network-error") != std::string::npos ||
                  raw.stdout_text.find("peer-aborted") != std::string::npos)
          << raw.Describe();
    }
  }
  // storescp survives all of it.
  ToolResult echo = RunEchoscu(pacs_->port(), PacsAe());
  EXPECT_TRUE(echo.ok()) << echo.Describe();
}

TEST_F(StorescpTest, RawStorescuReportsARefusedPresentationContext) {
  RawStoreOptions options = RawOptionsFor(image_);
  options.sop_class_uid = "1.2.3.4.5.6";  // not a storage SOP class storescp knows
  ToolResult raw = RunRawStorescu(pacs_->port(), image_.dataset, options);
  EXPECT_EQ(raw.exit_code, kRawStoreContextRefused) << raw.Describe();
  EXPECT_NE(raw.stdout_text.find("context-refused result=3"), std::string::npos) << raw.Describe();
}

TEST(StorescpRefuseTest, RawStorescuReportsARejectedAssociation) {
  TempDir dir;
  StorescpOptions options;
  options.extra_args = {"--refuse"};
  std::string error;
  std::unique_ptr<StorescpPacs> pacs =
      StorescpPacs::Start(dir.Path("pacs"), dir.Path("logs"), options, &error);
  ASSERT_NE(pacs, nullptr) << error;
  TestImage image = MakeSecondaryCapture(dir);
  ToolResult raw = RunRawStorescu(pacs->port(), image.dataset, RawOptionsFor(image));
  EXPECT_EQ(raw.exit_code, kRawStoreRejected) << raw.Describe();
  // storescp --refuse: rejected-permanent, service user, no reason given.
  EXPECT_NE(raw.stdout_text.find("rejected result=1 source=1 reason=1"), std::string::npos)
      << raw.Describe();

  ToolResult raw_closed = RunRawStorescu(FreeTcpPort(), image.dataset, RawOptionsFor(image));
  EXPECT_EQ(raw_closed.exit_code, kRawStoreNetworkError) << raw_closed.Describe();
  EXPECT_NE(raw_closed.stdout_text.find("network-error stage=associate"), std::string::npos)
      << raw_closed.Describe();
}

// ---- AlveoServer ----

// Stands in for `alveo serve`: prints its arguments to stderr and the READY line, exits 0 on
// SIGTERM.
constexpr char kFakeAlveo[] = R"(#!/bin/sh
echo "fake alveo args: $*" >&2
if [ -n "$FAKE_ALVEO_FAIL" ]; then echo "cannot start" >&2; exit 3; fi
sleep 600 &
trap 'kill $!; echo "fake alveo stopping" >&2; exit 0' TERM
echo "ALVEO READY dicom_port=1234 http_port=5678"
wait $!
)";

TEST(AlveoServerTest, LifecycleWithAFakeBinary) {
  TempDir dir;
  const std::string fake = dir.Path("fake_alveo.sh");
  ASSERT_TRUE(WriteFile(fake, kFakeAlveo));
  ASSERT_EQ(::chmod(fake.c_str(), 0755), 0);

  AlveoServerOptions options;
  options.binary = fake;
  options.config_json = R"({"dicom": {"ae_title": "ALVEO"}})";
  options.extra_args = {"--log-level", "debug"};
  AlveoServer server(options);
  ASSERT_TRUE(server.Start()) << server.error();
  EXPECT_EQ(server.dicom_port(), 1234);
  EXPECT_EQ(server.http_port(), 5678);
  EXPECT_EQ(ReadFile(server.config_path()).value_or(""), options.config_json);
  auto args = server.WaitForLogLine(std::regex("fake alveo args: (.*)"), seconds(10));
  ASSERT_TRUE(args.has_value());
  EXPECT_EQ((*args)[1], "serve --config " + server.config_path() + " --data-dir " +
                            server.data_dir() + " --port 0 --http-port 0 --log-level debug");
  EXPECT_TRUE(FileExists(server.data_dir()));
  const std::string first_log = server.stderr_log();

  ASSERT_TRUE(server.Restart()) << server.error();
  EXPECT_NE(server.stderr_log(), first_log);
  EXPECT_NE(ReadFile(first_log).value_or("").find("fake alveo stopping"), std::string::npos);
  EXPECT_TRUE(server.Kill9().KilledBy(SIGKILL));
  EXPECT_FALSE(server.IsRunning());
  EXPECT_EQ(server.Stop(), 128 + SIGKILL);  // already dead: the last run's result

  ASSERT_TRUE(server.Start()) << server.error();
  EXPECT_EQ(server.Stop(), 0);

  AlveoServerOptions failing = options;
  failing.env = {{"FAKE_ALVEO_FAIL", "1"}};
  AlveoServer broken(failing);
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(broken.Start());
  std::string dumped = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(broken.error().find("exited 3 before it was ready"), std::string::npos)
      << broken.error();
  EXPECT_NE(dumped.find("cannot start"), std::string::npos) << dumped;
}

TEST(AlveoServerTest, StartsAnswersAndStopsCleanly) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built yet";
  AlveoServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  EXPECT_GT(server.dicom_port(), 0);
  EXPECT_GT(server.http_port(), 0);
  AeOptions ae;
  ToolResult echo = RunEchoscu(server.dicom_port(), ae);
  EXPECT_TRUE(echo.ok()) << echo.Describe();
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace alveo::testing
