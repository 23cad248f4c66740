// SPDX-License-Identifier: Apache-2.0
// What Alveo knows about one received instance: the header attributes that drive study assembly,
// series selection and the API, plus where it came from. No patient identifiers are kept here.
// Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"

namespace alveo {

struct InstanceMeta {
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string transfer_syntax_uid;
  std::string modality;
  std::string body_part_examined;
  std::string study_description;
  std::string series_description;
  std::string protocol_name;
  std::string image_type;     // values joined with '\'
  std::string view_position;  // radiographs: PA, AP, LL, ...
  std::string accession_number;
  std::string study_date;  // DA, YYYYMMDD
  std::string patient_position;  // HFS, FFS, HFP, ...
  std::optional<std::array<double, 3>> image_position;     // (0020,0032)
  std::optional<std::array<double, 6>> image_orientation;  // (0020,0037)
  std::optional<double> slice_thickness;
  std::optional<int> instance_number;
  std::optional<int> acquisition_number;
  std::optional<int> images_in_acquisition;  // (0020,1002)
  std::optional<int> number_of_frames;
  int rows = 0;
  int columns = 0;
};

// Where an instance came from, for the `sender` destination and for audit.
struct Provenance {
  std::string calling_ae;
  std::string peer_host;
  std::uint64_t association_id = 0;
  TimePoint received_at{};
};

// An instance that is durably in the spool.
struct StoredInstance {
  InstanceMeta meta;
  Provenance provenance;
  std::string study_key;
  std::string file;  // path relative to the spool's data folder
  std::uint64_t size_bytes = 0;
};

}  // namespace alveo
