// SPDX-License-Identifier: Apache-2.0
#include "notify/mllp.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace alveo::notify {
namespace {

constexpr std::size_t kMaxErrorText = 200;

std::vector<std::string_view> Split(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find_first_of(separators, start);
    parts.push_back(
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string Upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

Status Invalid(const std::string& why) {
  return Status::Error(ErrorCode::kInvalidArgument, "HL7 ACK: " + why);
}

}  // namespace

std::string MllpFrame(std::string_view message) {
  std::string frame;
  frame.reserve(message.size() + 3);
  frame += kMllpStart;
  frame += message;
  frame += kMllpEnd;
  frame += kMllpTrailer;
  return frame;
}

std::optional<MllpFrameView> ExtractMllpFrame(std::string_view buffer) {
  const std::size_t start = buffer.find(kMllpStart);
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t end = buffer.find(kMllpEnd, start + 1);
  if (end == std::string_view::npos || end + 1 >= buffer.size()) return std::nullopt;
  // A <FS> not followed by <CR> is not a frame end we know; take it as the end anyway (lenient
  // receivers exist) but consume only what we saw.
  const std::size_t consumed = buffer[end + 1] == kMllpTrailer ? end + 2 : end + 1;
  return MllpFrameView{std::string(buffer.substr(start + 1, end - start - 1)), consumed};
}

Result<Hl7Ack> ParseAck(std::string_view message) {
  std::vector<std::string_view> segments;
  for (const std::string_view segment : Split(message, "\r\n")) {
    if (!segment.empty()) segments.push_back(segment);
  }
  if (segments.empty() || segments.front().substr(0, 3) != "MSH" || segments.front().size() < 4) {
    return Invalid("does not start with an MSH segment");
  }
  const char separator = segments.front()[3];
  const std::string_view field_separator(&separator, 1);
  std::optional<Hl7Ack> ack;
  std::string error_text;
  for (const std::string_view segment : segments) {
    const auto fields = Split(segment, field_separator);
    if (fields[0] == "MSA" && !ack) {
      ack.emplace();
      const auto field = [&](std::size_t i) {
        return i < fields.size() ? fields[i] : std::string_view();
      };
      const char component = segments.front().size() > 4 ? segments.front()[4] : '^';
      const std::string_view code = field(1).substr(0, field(1).find(component));
      ack->code = Upper(code);
      ack->control_id = std::string(field(2));
      ack->text = std::string(field(3));
    } else if (fields[0] == "ERR" && error_text.empty()) {
      error_text = std::string(segment.substr(0, kMaxErrorText));
    }
  }
  if (!ack) return Invalid("no MSA segment");
  if (ack->text.empty()) ack->text = error_text;
  return *ack;
}

Status AckOutcome(const Hl7Ack& ack, std::string_view expected_control_id) {
  const std::string detail = ack.text.empty() ? "" : ": " + ack.text;
  if (ack.control_id != expected_control_id) {
    return Status::Error(ErrorCode::kPeerUnavailable, "ACK " + ack.code + " names control id \"" +
                                                          ack.control_id + "\", not ours (" +
                                                          std::string(expected_control_id) + ")");
  }
  if (ack.code == "AA" || ack.code == "CA") return Status::Ok();
  if (ack.code == "AR" || ack.code == "CR") {
    return Status::Error(ErrorCode::kPeerRejected,
                         "receiver rejected the message (" + ack.code + detail + ")");
  }
  if (ack.code == "AE" || ack.code == "CE") {
    return Status::Error(ErrorCode::kPeerUnavailable,
                         "receiver reported an error (" + ack.code + detail + ")");
  }
  return Status::Error(ErrorCode::kPeerUnavailable,
                       "unknown acknowledgment code \"" + ack.code + "\"" + detail);
}

}  // namespace alveo::notify
