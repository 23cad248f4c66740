// SPDX-License-Identifier: Apache-2.0
// Option names and validation of the writer; the writers themselves are in ct_writer.cpp and
// radiograph_writer.cpp.
#include "phantom/phantom_writer.h"

#include <array>
#include <cctype>
#include <utility>

#include "core/uid.h"
#include "phantom/text_encoding.h"

namespace alveo::phantom {
namespace {

constexpr std::array<std::pair<TransferSyntax, std::string_view>, 8> kSyntaxNames{{
    {TransferSyntax::kExplicit, "explicit"},
    {TransferSyntax::kImplicit, "implicit"},
    {TransferSyntax::kDeflated, "deflated"},
    {TransferSyntax::kJpegLossless, "jpeg-lossless"},
    {TransferSyntax::kJpegLs, "jpeg-ls"},
    {TransferSyntax::kRle, "rle"},
    {TransferSyntax::kJpegBaseline, "jpeg-baseline"},
    {TransferSyntax::kJpegExtended, "jpeg-extended"},
}};

Status Invalid(const std::string& flag, const std::string& why) {
  return Status::Error(ErrorCode::kInvalidArgument, flag + ": " + why);
}

bool AllDigits(std::string_view s) {
  for (const char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsDate(std::string_view s) { return s.size() == 8 && AllDigits(s); }
bool IsTime(std::string_view s) { return s.size() >= 2 && s.size() <= 6 && AllDigits(s); }
bool IsAge(std::string_view s) {
  return s.size() == 4 && AllDigits(s.substr(0, 3)) &&
         std::string_view("DWMY").find(s[3]) != std::string_view::npos;
}

Status ValidateIdentity(const DicomIdentity& id) {
  if (!IsSupportedCharacterSet(id.character_set)) {
    return Invalid("charset", "unsupported '" + id.character_set +
                                  "' (use ISO_IR 6, ISO_IR 100 or ISO_IR 192)");
  }
  if (!IsDate(id.study_date)) return Invalid("study-date", "must be YYYYMMDD");
  if (!IsTime(id.study_time)) return Invalid("study-time", "must be HHMMSS");
  if (!id.patient_birth_date.empty() && !IsDate(id.patient_birth_date)) {
    return Invalid("birth-date", "must be YYYYMMDD");
  }
  if (!id.patient_age.empty() && !IsAge(id.patient_age)) {
    return Invalid("patient-age", "must be nnnD, nnnW, nnnM or nnnY (e.g. 054Y)");
  }
  if (id.patient_sex != "M" && id.patient_sex != "F" && id.patient_sex != "O" &&
      !id.patient_sex.empty()) {
    return Invalid("patient-sex", "must be M, F or O");
  }
  if (id.accession_number.size() > 16) return Invalid("accession", "at most 16 characters");
  if (id.patient_id.size() > 64) return Invalid("patient-id", "at most 64 characters");
  if (!id.study_instance_uid.empty() && !IsValidUid(id.study_instance_uid)) {
    return Invalid("study-uid", "not a valid UID (digits and dots, at most 64 characters)");
  }
  if (EncodeText(id.patient_name, id.character_set).ok()) return Status::Ok();
  return Invalid("patient-name", EncodeText(id.patient_name, id.character_set).status().message());
}

}  // namespace

std::string_view TransferSyntaxName(TransferSyntax ts) {
  for (const auto& [syntax, name] : kSyntaxNames) {
    if (syntax == ts) return name;
  }
  return "explicit";
}

std::optional<TransferSyntax> ParseTransferSyntax(std::string_view text) {
  for (const auto& [syntax, name] : kSyntaxNames) {
    if (name == text) return syntax;
  }
  return std::nullopt;
}

bool IsLossless(TransferSyntax ts) {
  return ts != TransferSyntax::kJpegBaseline && ts != TransferSyntax::kJpegExtended;
}

Status ValidateWriteOptions(const WriteOptions& o, bool ct, int bits_stored) {
  const TransferSyntax ts = o.transfer_syntax;
  if (ts == TransferSyntax::kJpegBaseline && bits_stored > 8) {
    return Invalid("transfer-syntax", "jpeg-baseline holds 8-bit samples only but this image has " +
                                          std::to_string(bits_stored) +
                                          " bits stored; use jpeg-extended" +
                                          (ct ? "" : " or --bits 8"));
  }
  if (ts == TransferSyntax::kJpegExtended && (bits_stored > 12 || (ct && o.intercept_zero))) {
    return Invalid("transfer-syntax",
                   "jpeg-extended holds unsigned samples of at most 12 bits; this image has " +
                       std::to_string(bits_stored) + (ct && o.intercept_zero ? " signed" : "") +
                       " bits");
  }
  if (!o.meta_header && ts != TransferSyntax::kImplicit && ts != TransferSyntax::kExplicit) {
    return Invalid("no-meta",
                   "a file without meta header must use the implicit or explicit transfer syntax");
  }
  if (!ct && o.radiograph_iod == RadiographIod::kSecondaryCapture &&
      (o.sc_modality.empty() || o.sc_modality.size() > 16)) {
    return Invalid("sc-modality", "must be 1..16 characters (e.g. OT or CR)");
  }
  return ValidateIdentity(o.identity);
}

}  // namespace alveo::phantom
