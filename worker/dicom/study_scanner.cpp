// SPDX-License-Identifier: Apache-2.0
#include "dicom/study_scanner.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <tuple>

#include "dicom/instance_reader.h"

namespace alveo::dicom {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSniffBytes = 132 + 2048;  // preamble, "DICM" and most meta headers
constexpr std::string_view kDicomDirClass = "1.2.840.10008.1.3.10";  // Media Storage Directory

enum class Kind { kDicom, kDicomDir, kNotDicom };

std::string ErrnoText() { return std::error_code(errno, std::generic_category()).message(); }

Status IoError(const std::string& path, const std::string& why) {
  return Status::Error(ErrorCode::kIoError, "cannot read " + path + ": " + why);
}

bool ContainsUid(std::string_view bytes, std::string_view uid) {
  for (std::size_t at = bytes.find(uid); at != std::string_view::npos;
       at = bytes.find(uid, at + 1)) {
    const std::size_t end = at + uid.size();
    if (end == bytes.size() || bytes[end] == '\0' || bytes[end] == ' ') return true;
  }
  return false;
}

// Part 10 ("DICM" after the preamble), or a bare dataset starting with a group 0002/0008 tag.
Result<Kind> Sniff(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(path, ErrnoText());
  std::string head(kSniffBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (in.bad()) return IoError(path, ErrnoText());
  head.resize(static_cast<std::size_t>(in.gcount()));
  const std::string name = fs::path(path).filename().string();
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (head.size() >= 132 && head.compare(128, 4, "DICM") == 0) {
    if (upper == "DICOMDIR" || ContainsUid(std::string_view(head).substr(132), kDicomDirClass)) {
      return Kind::kDicomDir;
    }
    return Kind::kDicom;
  }
  if (head.size() >= 8) {
    const auto group = static_cast<unsigned>(static_cast<unsigned char>(head[0]) |
                                             (static_cast<unsigned char>(head[1]) << 8));
    if (group == 0x0002 || group == 0x0008) {
      return upper == "DICOMDIR" ? Kind::kDicomDir : Kind::kDicom;
    }
  }
  return Kind::kNotDicom;
}

// Regular files of one command-line path, in path order.
Status CollectFiles(const std::string& arg, std::vector<std::string>& files) {
  std::error_code ec;
  const fs::file_status status = fs::status(arg, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) return IoError(arg, ec.message());
  if (!fs::exists(status)) {
    return Status::Error(ErrorCode::kNotFound, "no such file or directory: " + arg);
  }
  if (!fs::is_directory(status)) {
    files.push_back(arg);
    return Status::Ok();
  }
  std::vector<std::string> found;
  fs::recursive_directory_iterator it(arg, ec);
  if (ec) return IoError(arg, ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::directory_entry& entry = *it;
    std::error_code type_ec;
    if (entry.is_regular_file(type_ec)) found.push_back(entry.path().string());
  }
  if (ec) return IoError(arg, "cannot list folder: " + ec.message());
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
  return Status::Ok();
}

double SlicePosition(const InstanceMeta& m) {
  if (!m.image_position || !m.image_orientation) return 0.0;
  const auto& o = *m.image_orientation;
  const double n[3] = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5],
                       o[0] * o[4] - o[1] * o[3]};
  const auto& p = *m.image_position;
  return p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
}

void SortInstances(ScannedStudy& study) {
  std::map<std::string, std::size_t> series_rank;
  for (const ScannedInstance& instance : study.instances) {
    series_rank.emplace(instance.meta.series_instance_uid, series_rank.size());
  }
  auto key = [&](const ScannedInstance& s) {
    return std::make_tuple(series_rank.at(s.meta.series_instance_uid),
                           !s.meta.instance_number.has_value(), s.meta.instance_number.value_or(0),
                           SlicePosition(s.meta));
  };
  std::stable_sort(study.instances.begin(), study.instances.end(),
                   [&](const ScannedInstance& a, const ScannedInstance& b) {
                     const auto ka = key(a);
                     const auto kb = key(b);
                     return ka != kb ? ka < kb : a.path < b.path;
                   });
}

}  // namespace

Result<std::vector<ScannedStudy>> ScanPaths(const std::vector<std::string>& paths,
                                            ScanReport& report) {
  std::vector<std::string> files;
  for (const std::string& arg : paths) {
    if (Status s = CollectFiles(arg, files); !s.ok()) return s;
  }
  std::vector<ScannedStudy> studies;
  std::map<std::string, std::size_t> study_index;
  std::set<std::string> seen;
  for (const std::string& path : files) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    if (!seen.insert(ec ? path : canonical.string()).second) continue;
    ++report.files_examined;
    Result<Kind> kind = Sniff(path);
    if (!kind.ok()) {
      if (!fs::exists(path, ec)) {
        return Status::Error(ErrorCode::kNotFound, "no such file or directory: " + path);
      }
      return kind.status();
    }
    if (*kind == Kind::kNotDicom) {
      report.skipped.push_back({path, "not DICOM"});
      continue;
    }
    if (*kind == Kind::kDicomDir) {
      report.skipped.push_back({path, "DICOMDIR"});
      continue;
    }
    Result<InstanceMeta> meta = ReadInstanceMeta(path, TruncatedPixelData::kTolerate);
    if (!meta.ok()) {
      report.skipped.push_back({path, "unreadable DICOM: " + meta.status().message()});
      continue;
    }
    if (meta->study_instance_uid.empty()) {
      report.skipped.push_back({path, "no StudyInstanceUID"});
      continue;
    }
    const auto [it, inserted] = study_index.emplace(meta->study_instance_uid, studies.size());
    if (inserted) studies.push_back({meta->study_instance_uid, {}});
    studies[it->second].instances.push_back({path, std::move(meta).value()});
    ++report.instances;
  }
  for (ScannedStudy& study : studies) SortInstances(study);
  return studies;
}

}  // namespace alveo::dicom
