// SPDX-License-Identifier: Apache-2.0
#include "classifier/series_selection.h"

#include <gtest/gtest.h>

#include <memory>

namespace alveo::classifier {
namespace {

class SelectionTest : public ::testing::Test {
 protected:
  InstanceMeta& Ct(const std::string& series, int index, double spacing, double thickness,
                   const std::string& image_type = "ORIGINAL\\PRIMARY\\AXIAL") {
    auto meta = std::make_unique<InstanceMeta>();
    meta->sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
    meta->modality = "CT";
    meta->series_instance_uid = series;
    meta->sop_instance_uid = series + "." + std::to_string(index);
    meta->image_type = image_type;
    meta->rows = meta->columns = 512;
    meta->image_orientation = std::array<double, 6>{1, 0, 0, 0, 1, 0};
    meta->image_position = std::array<double, 3>{0, 0, -index * spacing};
    meta->slice_thickness = thickness;
    storage_.push_back(std::move(meta));
    return *storage_.back();
  }
  InstanceMeta& Film(const std::string& view) {
    auto meta = std::make_unique<InstanceMeta>();
    meta->sop_class_uid = "1.2.840.10008.5.1.4.1.1.1.1";
    meta->modality = "DX";
    meta->view_position = view;
    meta->rows = meta->columns = 2048;
    storage_.push_back(std::move(meta));
    return *storage_.back();
  }
  std::vector<const InstanceMeta*> All() const {
    std::vector<const InstanceMeta*> all;
    for (const auto& m : storage_) all.push_back(m.get());
    return all;
  }
  std::vector<std::unique_ptr<InstanceMeta>> storage_;
};

TEST_F(SelectionTest, PrefersTheThinAxialVolumeOverThickAndDerivedSeries) {
  for (int i = 0; i < 60; ++i) Ct("thick", i, 5.0, 7.0);
  for (int i = 0; i < 300; ++i) Ct("thin", i, 1.0, 1.0);
  for (int i = 0; i < 300; ++i) Ct("mpr", i, 1.0, 1.0, "DERIVED\\SECONDARY\\REFORMATTED");
  Ct("scout", 0, 1.0, 1.0, "ORIGINAL\\PRIMARY\\LOCALIZER");
  const Selection s = SelectForAnalysis(All());
  ASSERT_TRUE(s.ct.has_value());
  EXPECT_EQ(s.ct->series_instance_uid, "thin");
  EXPECT_EQ(s.ct->instances.size(), 300u);
  EXPECT_NEAR(s.ct->slice_spacing_mm, 1.0, 1e-9);
  EXPECT_FALSE(s.ct->key_images);
  // Ordered along the slice normal whatever the input order.
  EXPECT_LT(storage_[s.ct->instances.front()]->image_position->at(2),
            storage_[s.ct->instances.back()]->image_position->at(2));
}

TEST_F(SelectionTest, OnlyThickSlicesAreNotAnalysable) {
  for (int i = 0; i < 30; ++i) Ct("thick", i, 8.0, 8.0);
  const Selection s = SelectForAnalysis(All());
  EXPECT_FALSE(s.ct.has_value());
  EXPECT_EQ(s.reason, NotAnalysableReason::kSlicesTooThick);
}

TEST_F(SelectionTest, AFewSlicesAreKeyImages) {
  for (int i = 0; i < 3; ++i) Ct("key", i, 10.0, 1.25);
  const Selection s = SelectForAnalysis(All());
  ASSERT_TRUE(s.ct.has_value());
  EXPECT_TRUE(s.ct->key_images);
}

TEST_F(SelectionTest, AVolumeWithSlicesMissingIsAnIncompleteSeries) {
  for (int i = 0; i < 40; ++i) {
    if (i < 15 || i >= 25) Ct("gappy", i, 2.5, 2.5);  // 10 slices (25 mm) missing in the middle
  }
  const Selection s = SelectForAnalysis(All());
  EXPECT_FALSE(s.ct.has_value());
  EXPECT_EQ(s.reason, NotAnalysableReason::kIncompleteSeries);
  EXPECT_NE(s.detail.find("28 mm gap"), std::string::npos) << s.detail;
}

TEST_F(SelectionTest, ASingleMissingSliceIsTolerated) {
  for (int i = 0; i < 40; ++i) {
    if (i != 20) Ct("one-missing", i, 2.5, 2.5);
  }
  const Selection s = SelectForAnalysis(All());
  ASSERT_TRUE(s.ct.has_value()) << s.detail;
  EXPECT_NEAR(s.ct->max_gap_mm, 5.0, 1e-9);
}

TEST_F(SelectionTest, ReformatsOnlyHaveNoUsableSeries) {
  for (int i = 0; i < 30; ++i) Ct("mpr", i, 1.0, 1.0, "DERIVED\\SECONDARY\\MPR");
  const Selection s = SelectForAnalysis(All());
  EXPECT_EQ(s.reason, NotAnalysableReason::kNoUsableSeries);
}

TEST_F(SelectionTest, FrontalFilmIsChosenAndALateralAloneIsNotAnalysable) {
  Film("LL");
  Film("AP");
  Film("PA");
  const Selection s = SelectForAnalysis(All());
  ASSERT_TRUE(s.radiograph.has_value());
  EXPECT_EQ(s.radiograph->view, "PA");
  storage_.clear();
  Film("LL");
  const Selection lateral = SelectForAnalysis(All());
  EXPECT_FALSE(lateral.radiograph.has_value());
  EXPECT_EQ(lateral.reason, NotAnalysableReason::kNonFrontalView);
}

}  // namespace
}  // namespace alveo::classifier
