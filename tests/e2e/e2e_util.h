// SPDX-License-Identifier: Apache-2.0
// Shared helpers of the alveo end-to-end tests: small synthetic datasets written with DCMTK, waits on
// the study API, comparisons of stored files with what was sent. Thread-safety: test thread only.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "support/alveo_server.h"
#include "support/http_client.h"
#include "support/orthanc_server.h"

namespace alveo::testing {

// SOP Class UID of Comprehensive 3D SR, the class of Alveo's default report.
inline constexpr char kComprehensive3dSr[] = "1.2.840.10008.5.1.4.1.1.88.34";

struct SmallSeries {
  std::string study_uid;
  std::string series_uid;
  std::vector<std::string> files;         // Part 10 files, one per slice
  std::vector<std::string> sop_uids;
};

// A small valid CT series (32x32, HU via rescale, axial, evenly spaced), written as Part 10 files.
// `skip` leaves out one slice index (a gap). BodyPartExamined is `body_part`.
SmallSeries WriteSmallCtSeries(const std::string& dir, int slices, const std::string& body_part = "CHEST",
                               std::optional<int> skip = std::nullopt, const std::string& study_uid = "");

// The same dataset without its meta header (what alveo_raw_storescu sends), for tampering.
std::string WriteBareDataset(const std::string& part10_file, const std::string& out_path);

// Polls GET /api/v1/studies/{uid} until `accept` holds; returns the last JSON seen.
std::optional<JsonValue> WaitForStudy(AlveoServer& server, const std::string& uid,
                                      const std::function<bool(const JsonValue&)>& accept,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(60));
bool StateIs(const JsonValue& study, const std::string& state);

// Pixel Data bytes of a DICOM file (decoded by DCMTK as stored; uncompressed data only).
std::optional<std::vector<unsigned char>> PixelBytes(const std::string& file);
// The stored instance files under the server's data folder (not Alveo's own sr-v<N>.dcm reports).
std::vector<std::string> StoredInstanceFiles(const AlveoServer& server);
// SOP Instance UID of a file.
std::string SopInstanceUidOf(const std::string& file);

std::string NewTestUid();

// A study written by `alveo phantom --out dir --threads 2 args...` (the test fails if it cannot be
// made): its folder, its .dcm files sorted by name, and its Study Instance UID.
struct Phantom {
  std::string dir;
  std::vector<std::string> files;
  std::string study_uid;
};
Phantom MakePhantom(const std::string& dir, const std::vector<std::string>& args);

// storescu of every file to 127.0.0.1:port (called AE `called_ae`); the test fails unless each one is
// answered Success. Use with ASSERT_NO_FATAL_FAILURE.
void StoreAll(int port, const std::string& called_ae, const std::vector<std::string>& files);

// Options for an `alveo serve` that delivers its SRs to this Orthanc (quiet period 1 s).
AlveoServerOptions AlveoDeliveringTo(const OrthancServer& orthanc);

// Orthanc's REST answer at `path` as JSON; a null value when it is not a 200 with JSON.
JsonValue OrthancJson(const OrthancServer& orthanc, const std::string& path);
// Orthanc's ID of the study with this Study Instance UID ("" if unknown).
std::string OrthancStudyId(const OrthancServer& orthanc, const std::string& study_uid);

}  // namespace alveo::testing
