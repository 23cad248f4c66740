// SPDX-License-Identifier: Apache-2.0
// Journal records: one text line each, "<type>\t<key>=<value>\t...\t~<crc32>". Values are
// percent-escaped (%, tab, CR, LF, control bytes). The CRC covers everything before "\t~", so a torn
// or corrupted line (power loss mid-append) is detected and skipped. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace alveo::spool {

struct JournalRecord {
  std::string type;
  std::vector<std::pair<std::string, std::string>> fields;

  void Add(std::string key, std::string value) { fields.emplace_back(std::move(key), std::move(value)); }
  // Empty string when absent.
  const std::string& Get(std::string_view key) const;
  bool Has(std::string_view key) const;
};

// One line without a line terminator (the spool writes "\n" before each record, so a torn
// record can never swallow the next one).
std::string EncodeRecord(const JournalRecord& record);
// `line` without its trailing newline. kCorruptJournal on a bad checksum or malformed line.
Result<JournalRecord> DecodeRecord(std::string_view line);

std::uint32_t Crc32(std::string_view data);

}  // namespace alveo::spool
