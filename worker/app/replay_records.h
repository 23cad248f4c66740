// SPDX-License-Identifier: Apache-2.0
// The files `alveo replay` writes besides the SRs: one record per finished study
// (studies/<name>.json, the row of the summary; its existence means the study is done), and
// summary.csv / summary.json over all rows. Every file is written durably (temp file, fdatasync,
// rename, folder fsync). Rows carry UIDs, study keys and results, never patient names or IDs.
// Thread-safety: pure functions and plain values; concurrent writes of different files are fine.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace alveo::app {

// One study of a replay run: a row of summary.csv / summary.json.
struct ReplayRow {
  std::string study_key;           // StudyKeyFor(study_instance_uid)
  std::string study_instance_uid;
  std::string modality;
  std::string status;              // flagged, not_flagged, not_analysable; "" when not analysed
  std::string reason;              // not-analysable reason name, else ""
  std::optional<double> certainty;  // 0-100 when analysed
  std::string top_differential;     // meaning of the rank-1 entry, else ""
  std::string sr_sop_instance_uid;  // the SR written, "" when none
  std::string outcome;              // processed, skipped, failed
  std::string detail;               // the classifier's words, or why the study failed
  // Not in the summary: the derived SR SOP Instance UID for this study's inputs (also when no SR
  // was made), so a record named by study key is reused only for the same inputs.
  std::string input_uid;
};

inline constexpr char kOutcomeProcessed[] = "processed";
inline constexpr char kOutcomeSkipped[] = "skipped";
inline constexpr char kOutcomeFailed[] = "failed";

struct ReplayCounts {
  std::size_t studies = 0, processed = 0, skipped = 0, failed = 0;
  std::size_t flagged = 0, not_flagged = 0, not_analysable = 0;  // over every row with a status
};
ReplayCounts CountRows(const std::vector<ReplayRow>& rows);

// The record file of a study (one JSON object, format 1) and back. ParseReplayRecord: kInvalidArgument
// when the text is not such a record.
std::string ReplayRecordJson(const ReplayRow& row);
Result<ReplayRow> ParseReplayRecord(const std::string& text);

// summary.csv (RFC 4180: header line, CRLF line ends, fields with comma, quote or line break
// quoted) and summary.json ({"counts": {...}, "studies": [rows...]}).
std::string SummaryCsv(const std::vector<ReplayRow>& rows);
std::string SummaryJson(const std::vector<ReplayRow>& rows);

// Writes `bytes` to `path` via a hidden `.<name>.tmp` beside it: write, fdatasync, rename, fsync of
// the folder.
// kIoError names the path and the failing call.
Status WriteFileDurably(const std::string& path, const std::string& bytes);
// The whole file, or nullopt when it cannot be read.
std::optional<std::string> ReadWholeFile(const std::string& path);

}  // namespace alveo::app
