// SPDX-License-Identifier: Apache-2.0
// Builders for stored-instance values used by the study tests (no files, no DCMTK).
#pragma once

#include <string>

#include "core/instance.h"
#include "core/uid.h"

namespace alveo::study::testing {

inline constexpr char kCt[] = "1.2.840.10008.5.1.4.1.1.2";
inline constexpr char kCr[] = "1.2.840.10008.5.1.4.1.1.1";

inline StoredInstance CtSlice(const std::string& study, const std::string& series, int index, double spacing = 1.0,
                              std::uint64_t association = 1) {
  StoredInstance instance;
  instance.meta.sop_class_uid = kCt;
  instance.meta.study_instance_uid = study;
  instance.meta.series_instance_uid = series;
  instance.meta.sop_instance_uid = series + "." + std::to_string(index + 1);
  instance.meta.modality = "CT";
  instance.meta.body_part_examined = "CHEST";
  instance.meta.image_type = "ORIGINAL\\PRIMARY\\AXIAL";
  instance.meta.image_orientation = std::array<double, 6>{1, 0, 0, 0, 1, 0};
  instance.meta.image_position = std::array<double, 3>{-200, -200, -index * spacing};
  instance.meta.instance_number = index + 1;
  instance.meta.acquisition_number = 1;
  instance.meta.rows = 512;
  instance.meta.columns = 512;
  instance.study_key = StudyKeyFor(study);
  instance.provenance.association_id = association;
  instance.file = "studies/" + instance.study_key + "/" + InstanceKeyFor(instance.meta.sop_instance_uid) + ".dcm";
  return instance;
}

inline StoredInstance Radiograph(const std::string& study, const std::string& sop, std::uint64_t association = 1) {
  StoredInstance instance;
  instance.meta.sop_class_uid = kCr;
  instance.meta.study_instance_uid = study;
  instance.meta.series_instance_uid = study + ".1";
  instance.meta.sop_instance_uid = sop;
  instance.meta.modality = "CR";
  instance.meta.body_part_examined = "CHEST";
  instance.meta.view_position = "PA";
  instance.meta.rows = 2048;
  instance.meta.columns = 2048;
  instance.study_key = StudyKeyFor(study);
  instance.provenance.association_id = association;
  instance.file = "studies/" + instance.study_key + "/" + InstanceKeyFor(sop) + ".dcm";
  return instance;
}

}  // namespace alveo::study::testing
