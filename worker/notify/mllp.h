// SPDX-License-Identifier: Apache-2.0
// HL7 v2 over MLLP, the pure parts: framing (HL7 v2.5.1 Appendix C, Minimal Lower Layer Protocol:
// <VT> message <FS><CR>) and reading the receiver's ACK (MSA-1 acknowledgment code, MSA-2 the
// control id it answers, MSA-3 / ERR text). Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace alveo::notify {

inline constexpr char kMllpStart = 0x0B;  // <VT>
inline constexpr char kMllpEnd = 0x1C;    // <FS>, followed by <CR>
inline constexpr char kMllpTrailer = 0x0D;

// <VT> message <FS><CR>.
std::string MllpFrame(std::string_view message);

struct MllpFrameView {
  std::string message;   // between <VT> and <FS><CR>
  std::size_t consumed;  // bytes of the buffer up to and including the trailing <CR>
};
// The first complete frame in `buffer` (bytes before <VT> are skipped), or nullopt while
// incomplete.
std::optional<MllpFrameView> ExtractMllpFrame(std::string_view buffer);

struct Hl7Ack {
  std::string code;        // MSA-1, upper case: AA, AE, AR (original mode) or CA, CE, CR (enhanced)
  std::string control_id;  // MSA-2: the MSH-10 it acknowledges
  std::string text;        // MSA-3, else the first ERR segment, for logs ("" if none)
};

// Reads an acknowledgement message: MSH (whose MSH-1 gives the field separator) and an MSA segment.
// Segments may end in CR, LF or CRLF. kInvalidArgument when either is missing.
Result<Hl7Ack> ParseAck(std::string_view message);

// What an ACK means for delivery. AA / CA: accepted (OK). AE / CE: the receiver had a problem with
// this message that may pass (kPeerUnavailable: retried). AR / CR: rejected for good
// (kPeerRejected: dead letter). An ACK for another control id, or an unknown code, is
// kPeerUnavailable.
Status AckOutcome(const Hl7Ack& ack, std::string_view expected_control_id);

}  // namespace alveo::notify
