// SPDX-License-Identifier: Apache-2.0
// Internal to the phantom writer (includes DCMTK; no other module may include it): a small dataset
// builder that remembers the first failure, the modules every phantom shares (SOP Common, Patient,
// General Study/Series/Equipment), codec registration and saving in any supported transfer syntax.
// Thread-safety: builders are per dataset; EnsureCodecsRegistered and SaveDataset are thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include "core/status.h"
#include "phantom/phantom_writer.h"

namespace alveo::phantom::dicom {

// Identity of one series, text already encoded in `character_set`.
struct SeriesContext {
  std::string character_set;
  std::string sop_class_uid;
  std::string modality;
  std::string patient_name, patient_id, patient_birth_date, patient_sex, patient_age;
  std::string accession_number, study_id, study_date, study_time, study_description;
  std::string study_instance_uid, series_instance_uid, series_description, body_part;
  std::string frame_of_reference_uid;
  int series_number = 1;
};

class DatasetBuilder {
 public:
  explicit DatasetBuilder(DcmDataset& dataset) : dataset_(dataset) {}

  DatasetBuilder& Text(const DcmTagKey& tag, const std::string& value);
  DatasetBuilder& U16(const DcmTagKey& tag, std::uint16_t value);
  DatasetBuilder& Pixels(const std::uint16_t* data, std::size_t count);
  DatasetBuilder& Pixels8(const std::uint8_t* data, std::size_t count);
  DatasetBuilder& Code(const DcmTagKey& sequence, const std::string& value,
                       const std::string& scheme, const std::string& meaning);
  DatasetBuilder& EmptySequence(const DcmTagKey& sequence);
  // SOP Common, Patient, Patient Study, General Study, General Series, General Equipment.
  DatasetBuilder& Common(const SeriesContext& series, const std::string& sop_instance_uid);

  const Status& status() const { return status_; }

 private:
  void Check(const OFCondition& cond, const DcmTagKey& tag);

  DcmDataset& dataset_;
  Status status_;
};

void EnsureCodecsRegistered();
E_TransferSyntax ToDcmtk(TransferSyntax ts);

// Compresses (if needed) and writes; without meta header the dataset is written raw.
Status SaveDataset(DcmFileFormat& file, TransferSyntax ts, bool meta_header,
                   const std::filesystem::path& path);

// "a\b\c" from numbers, formatted for DS (at most 16 characters each).
std::string DecimalString(double value);

}  // namespace alveo::phantom::dicom
