// SPDX-License-Identifier: Apache-2.0
// The SR's derived UIDs: same inputs (in any order) give the same UIDs; a new instance, template
// version or algorithm version gives a new SR instance; UIDs are valid 2.25 UIDs.
#include <gtest/gtest.h>

#include "core/uid.h"
#include "sr/sr_report.h"

namespace alveo::sr {
namespace {

SrTemplate Template(const std::string& version) {
  SrTemplate t;
  t.id = "alveo-default";
  t.version = version;
  return t;
}

TEST(SrUidsTest, SameStudyAndInputsInAnyOrderGiveTheSameUids) {
  const SrUids a = DeriveSrUids("1.2.3", {"1.2.3.1", "1.2.3.2", "1.2.3.3"}, Template("1"), "0.4.0 rule-1.1");
  const SrUids b = DeriveSrUids("1.2.3", {"1.2.3.3", "1.2.3.1", "1.2.3.2", "1.2.3.1"}, Template("1"), "0.4.0 rule-1.1");
  EXPECT_EQ(a.sop_instance_uid, b.sop_instance_uid);
  EXPECT_EQ(a.series_instance_uid, b.series_instance_uid);
  EXPECT_NE(a.sop_instance_uid, a.series_instance_uid);
  for (const auto& uid : {a.sop_instance_uid, a.series_instance_uid}) {
    EXPECT_TRUE(IsValidUid(uid)) << uid;
    EXPECT_EQ(uid.rfind("2.25.", 0), 0u) << uid;
  }
}

TEST(SrUidsTest, AnyChangeOfInputsTemplateOrAlgorithmIsANewInstance) {
  const SrUids base = DeriveSrUids("1.2.3", {"1.2.3.1", "1.2.3.2"}, Template("1"), "v1");
  const SrUids more = DeriveSrUids("1.2.3", {"1.2.3.1", "1.2.3.2", "1.2.3.9"}, Template("1"), "v1");
  const SrUids tmpl = DeriveSrUids("1.2.3", {"1.2.3.1", "1.2.3.2"}, Template("2"), "v1");
  const SrUids algo = DeriveSrUids("1.2.3", {"1.2.3.1", "1.2.3.2"}, Template("1"), "v2");
  const SrUids study = DeriveSrUids("1.2.4", {"1.2.3.1", "1.2.3.2"}, Template("1"), "v1");
  EXPECT_NE(base.sop_instance_uid, more.sop_instance_uid);
  EXPECT_EQ(base.series_instance_uid, more.series_instance_uid) << "a re-opened study stays in the SR series";
  EXPECT_NE(base.sop_instance_uid, tmpl.sop_instance_uid);
  EXPECT_NE(base.series_instance_uid, tmpl.series_instance_uid);
  EXPECT_NE(base.sop_instance_uid, algo.sop_instance_uid);
  EXPECT_NE(base.sop_instance_uid, study.sop_instance_uid);
  EXPECT_NE(base.series_instance_uid, study.series_instance_uid);
}

TEST(SrUidsTest, FieldBoundariesCannotBeShifted) {
  // "1.2" + "3.4" must not collide with "1.23" + ".4": fields are separated.
  EXPECT_NE(DeriveSrUids("1.2", {"3.4"}, Template("1"), "v").sop_instance_uid,
            DeriveSrUids("1.23", {".4"}, Template("1"), "v").sop_instance_uid);
}

}  // namespace
}  // namespace alveo::sr
