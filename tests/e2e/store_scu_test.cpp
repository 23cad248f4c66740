// SPDX-License-Identifier: Apache-2.0
// net::StoreScu against real peers on loopback ports chosen at run time: DCMTK storescp (plain,
// --fork, a presentation-context profile, implicit VR only, aborting, slow) and `alveo serve`
// (called AE check, disk watermark). One test per row of the DicomSender outcome mapping
// (core/ports.h). Each test owns its peers; only the parallel test sends from several threads.
#include "net/store_scu.h"

#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <csignal>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "e2e_util.h"
#include "support/alveo_server.h"
#include "support/dicom_tools.h"
#include "support/net_util.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

using net::StoreScu;
using net::StoreScuOptions;

constexpr auto kStoredTimeout = std::chrono::seconds(30);

// alveo's main ignores SIGPIPE so that a peer closing its socket cannot kill the process; so do we.
class IgnoreSigpipe : public ::testing::Environment {
 public:
  void SetUp() override { std::signal(SIGPIPE, SIG_IGN); }
};
[[maybe_unused]] const ::testing::Environment* const kIgnoreSigpipe =
    ::testing::AddGlobalTestEnvironment(new IgnoreSigpipe);

DicomAddress Loopback(const std::string& ae_title, int port) { return {ae_title, kLoopback, port}; }

std::string PeerName(const DicomAddress& to) {
  return to.ae_title + "@" + to.host + ":" + std::to_string(to.port);
}

// storescp (AE title PACS) writing into <dir>/received.
std::unique_ptr<StorescpPacs> StartStorescp(const TempDir& dir, std::vector<std::string> extra_args = {}) {
  StorescpOptions options;
  options.extra_args = std::move(extra_args);
  std::string error;
  auto pacs = StorescpPacs::Start(dir.MakeDir("received"), dir.MakeDir("logs"), options, &error);
  EXPECT_TRUE(pacs) << error;
  return pacs;
}

DicomAddress AddressOf(const StorescpPacs& pacs) { return Loopback(pacs.ae_title(), pacs.port()); }

// The dataset bytes of a Part 10 file: what follows the preamble, "DICM" and the meta group (PS3.10
// 7.1), whose length is the value of its first element (0002,0000), 12 bytes in explicit VR LE.
std::optional<std::string> DatasetBytes(const std::string& path) {
  DcmFileFormat file;
  Uint32 meta_length = 0;
  if (file.loadFile(path.c_str()).bad() ||
      file.getMetaInfo()->findAndGetUint32(DCM_FileMetaInformationGroupLength, meta_length).bad()) {
    return std::nullopt;
  }
  constexpr std::size_t kPreambleMagicAndGroupLength = 128 + 4 + 12;
  const std::size_t offset = kPreambleMagicAndGroupLength + meta_length;
  std::optional<std::string> bytes = ReadFile(path);
  if (!bytes || bytes->size() < offset) return std::nullopt;
  return bytes->substr(offset);
}

// A minimal Basic Text SR document (PS3.3 A.35.1): a SOP class a CT-only peer does not take.
std::string WriteBasicTextSr(const std::string& path) {
  DcmFileFormat file;
  DcmDataset* dataset = file.getDataset();
  dataset->putAndInsertString(DCM_SOPClassUID, UID_BasicTextSRStorage);
  dataset->putAndInsertString(DCM_SOPInstanceUID, NewTestUid().c_str());
  dataset->putAndInsertString(DCM_StudyInstanceUID, NewTestUid().c_str());
  dataset->putAndInsertString(DCM_SeriesInstanceUID, NewTestUid().c_str());
  dataset->putAndInsertString(DCM_Modality, "SR");
  dataset->putAndInsertString(DCM_ValueType, "CONTAINER");
  dataset->putAndInsertString(DCM_ContinuityOfContent, "SEPARATE");
  EXPECT_TRUE(file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
  return path;
}

// A storescp association profile (-xf FILE CtOnly) that accepts CT Image Storage only.
std::string WriteCtOnlyProfile(const std::string& path) {
  EXPECT_TRUE(WriteFile(path,
                        "[[TransferSyntaxes]]\n"
                        "[Uncompressed]\n"
                        "TransferSyntax1 = LocalEndianExplicit\n"
                        "TransferSyntax2 = LittleEndianImplicit\n"
                        "[[PresentationContexts]]\n"
                        "[CtOnly]\n"
                        "PresentationContext1 = CTImageStorage\\Uncompressed\n"
                        "[[Profiles]]\n"
                        "[CtOnly]\n"
                        "PresentationContexts = CtOnly\n"));
  return path;
}

TEST(StoreScuTest, SentFileArrivesWithIdenticalDataset) {
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 1);
  auto pacs = StartStorescp(dir);
  ASSERT_TRUE(pacs);

  const Status status = StoreScu().Send(AddressOf(*pacs), series.files[0]);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_TRUE(pacs->WaitForStored(1, kStoredTimeout));

  const std::string received = pacs->StoredFiles()[0];
  EXPECT_EQ(SopInstanceUidOf(received), series.sop_uids[0]);
  const std::optional<std::string> sent_bytes = DatasetBytes(series.files[0]);
  const std::optional<std::string> received_bytes = DatasetBytes(received);
  ASSERT_TRUE(sent_bytes && received_bytes);
  EXPECT_EQ(sent_bytes->size(), received_bytes->size());
  EXPECT_TRUE(*sent_bytes == *received_bytes) << "dataset bytes differ";
}

TEST(StoreScuTest, PeerTakingOnlyImplicitVrGetsAConvertedDataset) {
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 1);  // explicit VR little endian
  auto pacs = StartStorescp(dir, {"+xi"});
  ASSERT_TRUE(pacs);

  const Status status = StoreScu().Send(AddressOf(*pacs), series.files[0]);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_TRUE(pacs->WaitForStored(1, kStoredTimeout));

  const std::string received = pacs->StoredFiles()[0];
  EXPECT_EQ(DicomTagValue(received, "TransferSyntaxUID"), std::string(UID_LittleEndianImplicitTransferSyntax));
  EXPECT_EQ(SopInstanceUidOf(received), series.sop_uids[0]);
  const auto sent_pixels = PixelBytes(series.files[0]);
  ASSERT_TRUE(sent_pixels.has_value());
  EXPECT_EQ(PixelBytes(received), sent_pixels);
}

TEST(StoreScuTest, NothingListeningIsUnavailableAndNamesThePeer) {
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 1);
  const DicomAddress to = Loopback("PACS", FreeTcpPort());

  const Status status = StoreScu().Send(to, series.files[0]);
  EXPECT_EQ(status.code(), ErrorCode::kPeerUnavailable) << status.ToString();
  EXPECT_NE(status.message().find(PeerName(to)), std::string::npos) << status.ToString();
}

TEST(StoreScuTest, UnknownCalledAeIsRejectedPermanently) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 1);
  AlveoServer server;  // shipped config: check_called_ae, AE title ALVEO
  ASSERT_TRUE(server.Start()) << server.error();

  const Status status = StoreScu().Send(Loopback("NOT_ALVEO", server.dicom_port()), series.files[0]);
  EXPECT_EQ(status.code(), ErrorCode::kPeerRejected) << status.ToString();
  EXPECT_NE(status.message().find("Rejected Permanent"), std::string::npos) << status.ToString();
  EXPECT_NE(status.message().find("NOT_ALVEO@127.0.0.1:"), std::string::npos) << status.ToString();
  EXPECT_EQ(server.Stop(), 0);
}

TEST(StoreScuTest, SopClassThePeerDoesNotAcceptIsRejected) {
  TempDir dir;
  const std::string sr = WriteBasicTextSr(dir.Path("report.dcm"));
  auto pacs = StartStorescp(dir, {"-xf", WriteCtOnlyProfile(dir.Path("ct-only.cfg")), "CtOnly"});
  ASSERT_TRUE(pacs);

  const Status status = StoreScu().Send(AddressOf(*pacs), sr);
  EXPECT_EQ(status.code(), ErrorCode::kPeerRejected) << status.ToString();
  EXPECT_NE(status.message().find("no presentation context"), std::string::npos) << status.ToString();
  EXPECT_TRUE(pacs->ReceivedFiles().empty());
}

TEST(StoreScuTest, OutOfResourcesIsUnavailableWithTheStatusCode) {
  if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 1);
  AlveoServerOptions options;
  options.extra_args = {"--set", "spool.min_free_mb=16777216"};  // 16 TiB: below the watermark
  AlveoServer server(options);
  ASSERT_TRUE(server.Start()) << server.error();

  const DicomAddress to = Loopback("ALVEO", server.dicom_port());
  const Status status = StoreScu().Send(to, series.files[0]);
  EXPECT_EQ(status.code(), ErrorCode::kPeerUnavailable) << status.ToString();
  EXPECT_NE(status.message().find("0xA700"), std::string::npos) << status.ToString();
  EXPECT_NE(status.message().find(PeerName(to)), std::string::npos) << status.ToString();
  EXPECT_EQ(server.Stop(), 0);
}

TEST(StoreScuTest, PeerAbortIsUnavailable) {
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 1);
  auto pacs = StartStorescp(dir, {"--abort-after"});
  ASSERT_TRUE(pacs);

  const Status status = StoreScu().Send(AddressOf(*pacs), series.files[0]);
  EXPECT_EQ(status.code(), ErrorCode::kPeerUnavailable) << status.ToString();
}

TEST(StoreScuTest, MissingResponseIsUnavailableAfterTheDimseTimeout) {
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), 1);
  auto pacs = StartStorescp(dir, {"--sleep-during", "6"});  // answers long after our 1 s timeout
  ASSERT_TRUE(pacs);

  const Status status = StoreScu({.dimse_timeout_seconds = 1}).Send(AddressOf(*pacs), series.files[0]);
  EXPECT_EQ(status.code(), ErrorCode::kPeerUnavailable) << status.ToString();
  EXPECT_NE(status.message().find("no C-STORE response"), std::string::npos) << status.ToString();
}

TEST(StoreScuTest, MissingFileIsNotFound) {
  TempDir dir;
  const Status status = StoreScu().Send(Loopback("PACS", 104), dir.Path("absent.dcm"));
  EXPECT_EQ(status.code(), ErrorCode::kNotFound) << status.ToString();
}

TEST(StoreScuTest, FileThatIsNotDicomIsAnIoError) {
  TempDir dir;
  const std::string path = dir.Path("notes.txt");
  ASSERT_TRUE(WriteFile(path, "not a DICOM file\n"));
  const Status status = StoreScu().Send(Loopback("PACS", 104), path);
  EXPECT_EQ(status.code(), ErrorCode::kIoError) << status.ToString();
}

TEST(StoreScuTest, ParallelSendsAllSucceed) {
  constexpr int kSenders = 4;
  TempDir dir;
  const SmallSeries series = WriteSmallCtSeries(dir.Path("ct"), kSenders);
  auto pacs = StartStorescp(dir, {"--fork"});  // one child process per association
  ASSERT_TRUE(pacs);

  StoreScu scu;
  const DicomAddress to = AddressOf(*pacs);
  std::vector<Status> statuses(kSenders, Status::Error(ErrorCode::kInternal, "not sent"));
  std::vector<std::thread> senders;
  for (int i = 0; i < kSenders; ++i) {
    senders.emplace_back([&, i] { statuses[i] = scu.Send(to, series.files[i]); });
  }
  for (auto& sender : senders) sender.join();

  for (const Status& status : statuses) EXPECT_TRUE(status.ok()) << status.ToString();
  ASSERT_TRUE(pacs->WaitForStored(kSenders, kStoredTimeout));
  std::set<std::string> received;
  for (const auto& file : pacs->StoredFiles()) received.insert(SopInstanceUidOf(file));
  EXPECT_EQ(received, std::set<std::string>(series.sop_uids.begin(), series.sop_uids.end()));
}

}  // namespace
}  // namespace alveo::testing
