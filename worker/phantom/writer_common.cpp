// SPDX-License-Identifier: Apache-2.0
#include "phantom/writer_common.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <system_error>

#include "core/uid.h"
#include "phantom/random.h"
#include "phantom/text_encoding.h"

namespace alveo::phantom::internal {
namespace {

// Phantom UIDs live in their own seed namespace, so they never collide with UIDs Alveo derives.
std::string PhantomUid(const std::string& key) { return DeriveUid("alveo-phantom-uid|" + key); }

Result<std::string> Encode(const std::string& flag, const std::string& text,
                           const std::string& charset) {
  Result<std::string> encoded = EncodeText(text, charset);
  if (!encoded.ok()) {
    return Status::Error(ErrorCode::kInvalidArgument, flag + ": " + encoded.status().message());
  }
  return encoded;
}

}  // namespace

Result<dicom::SeriesContext> ResolveSeries(const DicomIdentity& id, std::uint64_t seed,
                                           const std::string& content_key) {
  dicom::SeriesContext s;
  s.character_set = id.character_set;
  Result<std::string> name = Encode("patient-name", id.patient_name, id.character_set);
  if (!name.ok()) return name.status();
  s.patient_name = *name;
  Result<std::string> patient_id = Encode(
      "patient-id", id.patient_id.empty() ? "PHANTOM-" + std::to_string(seed) : id.patient_id,
      id.character_set);
  if (!patient_id.ok()) return patient_id.status();
  s.patient_id = *patient_id;
  s.patient_birth_date = id.patient_birth_date;
  s.patient_sex = id.patient_sex;
  s.patient_age = id.patient_age;
  s.accession_number = id.accession_number;
  if (s.accession_number.empty()) {
    s.accession_number = "PH" + std::to_string(Mix64(seed ^ HashTag(content_key)) % 100000000);
  }
  s.study_id = std::string(1, '1');  // (not = "1": GCC 12 -Wrestrict false positive at -O3)
  s.study_date = id.study_date;
  s.study_time = id.study_time;
  s.study_instance_uid =
      id.study_instance_uid.empty() ? PhantomUid("study|" + content_key) : id.study_instance_uid;
  s.series_instance_uid = PhantomUid("series|" + s.study_instance_uid + "|" + content_key);
  s.frame_of_reference_uid = PhantomUid("frame-of-reference|" + s.series_instance_uid);
  return s;
}

std::string InstanceUid(const dicom::SeriesContext& series, int index, TransferSyntax ts) {
  return PhantomUid("instance|" + series.series_instance_uid + "|" + std::to_string(index) +
                   (IsLossless(ts) ? "" : "|lossy"));
}

std::string InstanceFileName(int index, int count) {
  const std::size_t width = std::max<std::size_t>(4, std::to_string(count).size());
  std::string name = std::to_string(index + 1);
  if (name.size() < width) name.insert(0, width - name.size(), '0');
  return name + ".dcm";
}

Status PrepareDirectory(const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec || !std::filesystem::is_directory(directory)) {
    return Status::Error(ErrorCode::kIoError, "out: cannot create directory " + directory.string() +
                                                  ": " + ec.message());
  }
  return Status::Ok();
}

Status WriteFile(const std::filesystem::path& path, const void* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) return Status::Error(ErrorCode::kIoError, "cannot write " + path.string());
  return Status::Ok();
}

}  // namespace alveo::phantom::internal
