// SPDX-License-Identifier: Apache-2.0
// Orthanc's "short" tag JSON into InstanceMeta: the fields the filter and the SR UIDs need.
#include "plugins/orthanc/orthanc_tags.h"

#include <gtest/gtest.h>

#include <string>

namespace alveo::orthanc_plugin {
namespace {

constexpr char kAnswer[] = R"({
  "0a1b-2c": {
    "0008,0008": "ORIGINAL\\PRIMARY\\AXIAL", "0008,0016": "1.2.840.10008.5.1.4.1.1.2",
    "0008,0018": "1.2.3.4.1", "0020,000d": "1.2.3", "0020,000e": "1.2.3.4", "0008,0060": "CT",
    "0018,0015": "CHEST", "0008,1030": "CT THORAX", "0008,103e": "Lung 1mm", "0018,1030": "Chest routine",
    "0020,0013": " 7 ", "0028,0010": "512", "0028,0011": "512", "0008,1140": [{"0008,1150": "x"}]
  },
  "3d4e": {
    "0008,0016": "1.2.840.10008.5.1.4.1.1.88.34", "0008,0018": "2.25.9", "0008,0060": "SR"
  }
})";

TEST(OrthancTagsTest, ParsesTheStudyAnswer) {
  Result<std::map<std::string, ShortTags>> parsed = ParseStudyInstancesTags(kAnswer);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->size(), 2u);
  const InstanceMeta ct = InstanceMetaFromShortTags(parsed->at("0a1b-2c"));
  EXPECT_EQ(ct.sop_class_uid, "1.2.840.10008.5.1.4.1.1.2");
  EXPECT_EQ(ct.sop_instance_uid, "1.2.3.4.1");
  EXPECT_EQ(ct.study_instance_uid, "1.2.3");
  EXPECT_EQ(ct.series_instance_uid, "1.2.3.4");
  EXPECT_EQ(ct.modality, "CT");
  EXPECT_EQ(ct.body_part_examined, "CHEST");
  EXPECT_EQ(ct.study_description, "CT THORAX");
  EXPECT_EQ(ct.series_description, "Lung 1mm");
  EXPECT_EQ(ct.protocol_name, "Chest routine");
  EXPECT_EQ(ct.image_type, "ORIGINAL\\PRIMARY\\AXIAL");
  EXPECT_EQ(ct.instance_number, 7);
  EXPECT_EQ(ct.rows, 512);
  EXPECT_EQ(ct.columns, 512);
  EXPECT_FALSE(IsStructuredReport(ct));
  const InstanceMeta sr = InstanceMetaFromShortTags(parsed->at("3d4e"));
  EXPECT_TRUE(IsStructuredReport(sr));
  EXPECT_EQ(sr.rows, 0);
  EXPECT_FALSE(sr.instance_number.has_value());
}

TEST(OrthancTagsTest, BadNumbersAndAnswersAreHandled) {
  const InstanceMeta meta = InstanceMetaFromShortTags({{"0028,0010", "abc"}, {"0020,0013", "+12"}});
  EXPECT_EQ(meta.rows, 0);
  EXPECT_EQ(meta.instance_number, 12);
  EXPECT_FALSE(ParseStudyInstancesTags("[1, 2]").ok());
  EXPECT_FALSE(ParseStudyInstancesTags("{").ok());
  EXPECT_FALSE(ParseStudyInstancesTags(R"({"ab": 3})").ok());
}

}  // namespace
}  // namespace alveo::orthanc_plugin
