// SPDX-License-Identifier: Apache-2.0
// Test helpers for the phantom tests: a scratch folder per test, reading written DICOM files back
// with DCMTK (decompressing any transfer syntax the writer produces) and parsing truth.json.
// Thread-safety: test-only; each helper touches only its own files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "support/scratch_dir.h"

namespace alveo::phantom::testing {

using alveo::testing::ScratchDir;  // tests/support/scratch_dir.h

// One image read back: stored values (sign-extended) plus the attributes needed to interpret them.
struct ReadImage {
  bool ok = false;
  std::string error;
  bool has_meta_header = false;
  std::string transfer_syntax_uid;
  std::string sop_class_uid, sop_instance_uid, study_uid, series_uid, modality;
  std::string photometric, image_type, view_position, body_part, charset;
  std::string patient_name_raw;   // bytes as stored
  std::string patient_name_utf8;  // after DCMTK's character set conversion
  int rows = 0, columns = 0, bits_allocated = 0, bits_stored = 0, pixel_representation = 0;
  int instance_number = 0, images_in_acquisition = 0;
  double slope = 1.0, intercept = 0.0;
  std::vector<double> image_position;
  std::vector<std::int32_t> stored;
};

ReadImage ReadDicom(const std::filesystem::path& file);

// Parses a JSON file; throws on malformed JSON.
Poco::JSON::Object::Ptr ReadJson(const std::filesystem::path& file);

// Lines of `dciodvfy <file>` output that start with "Error"; empty when dciodvfy is missing.
std::vector<std::string> DciodvfyErrors(const std::filesystem::path& file);
bool HaveDciodvfy();

}  // namespace alveo::phantom::testing
