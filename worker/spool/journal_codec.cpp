// SPDX-License-Identifier: Apache-2.0
#include "spool/journal_codec.h"

#include <array>
#include <cstdio>

namespace alveo::spool {
namespace {

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), table built at compile time.
constexpr std::array<std::uint32_t, 256> MakeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr auto kCrcTable = MakeCrcTable();

bool NeedsEscape(unsigned char c) { return c == '%' || c < 0x20 || c == 0x7f; }

void AppendEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (NeedsEscape(c)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool Unescape(std::string_view text, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const int hi = HexValue(text[i + 1]);
    const int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

Status Corrupt(const std::string& why) { return Status::Error(ErrorCode::kCorruptJournal, why); }

}  // namespace

const std::string& JournalRecord::Get(std::string_view key) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : fields) {
    if (k == key) return v;
  }
  return kEmpty;
}

bool JournalRecord::Has(std::string_view key) const {
  for (const auto& field : fields) {
    if (field.first == key) return true;
  }
  return false;
}

std::uint32_t Crc32(std::string_view data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (const char ch : data) crc = kCrcTable[(crc ^ static_cast<unsigned char>(ch)) & 0xff] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

std::string EncodeRecord(const JournalRecord& record) {
  std::string line;
  AppendEscaped(line, record.type);
  for (const auto& [key, value] : record.fields) {
    line += '\t';
    AppendEscaped(line, key);
    line += '=';
    AppendEscaped(line, value);
  }
  char crc[16];
  std::snprintf(crc, sizeof crc, "\t~%08x", Crc32(line));
  line += crc;
  return line;
}

Result<JournalRecord> DecodeRecord(std::string_view line) {
  const std::size_t mark = line.rfind("\t~");
  if (mark == std::string_view::npos || line.size() - mark != 10) return Corrupt("no checksum");
  const std::string_view body = line.substr(0, mark);
  unsigned int expected = 0;
  if (std::sscanf(std::string(line.substr(mark + 2)).c_str(), "%8x", &expected) != 1 ||
      expected != Crc32(body)) {
    return Corrupt("checksum mismatch");
  }
  JournalRecord record;
  std::size_t start = 0;
  bool first = true;
  std::string key, value;
  while (start <= body.size()) {
    std::size_t end = body.find('\t', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view part = body.substr(start, end - start);
    if (first) {
      if (!Unescape(part, record.type) || record.type.empty()) return Corrupt("bad record type");
      first = false;
    } else {
      const std::size_t eq = part.find('=');
      if (eq == std::string_view::npos || !Unescape(part.substr(0, eq), key) ||
          !Unescape(part.substr(eq + 1), value)) {
        return Corrupt("bad field");
      }
      record.fields.emplace_back(key, value);
    }
    start = end + 1;
  }
  return record;
}

}  // namespace alveo::spool
