// SPDX-License-Identifier: Apache-2.0
#include "core/error_code.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/status.h"

namespace alveo {
namespace {

TEST(ErrorCodeTest, EveryCodeHasARowWithItsOwnCodeAndUniqueName) {
  std::set<std::string> names;
  for (int i = 0; i < static_cast<int>(ErrorCode::kCount); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const ErrorInfo& info = Describe(code);
    EXPECT_EQ(info.code, code) << "table row " << i << " is out of order";
    EXPECT_FALSE(info.name.empty());
    EXPECT_TRUE(names.insert(std::string(info.name)).second) << info.name;
    EXPECT_GE(info.http_status, 200);
    EXPECT_LT(info.http_status, 600);
  }
}

TEST(ErrorCodeTest, StorageFailuresMapToTheStatusesSendersExpect) {
  // PS3.4 B.2.3: resource problems are 0xA7xx so senders retry; content problems are errors.
  EXPECT_EQ(Describe(ErrorCode::kDiskFull).dimse_status, 0xA700);
  EXPECT_EQ(Describe(ErrorCode::kIoError).dimse_status, 0xA700);
  EXPECT_EQ(Describe(ErrorCode::kSopClassMismatch).dimse_status, 0xA900);
  EXPECT_EQ(Describe(ErrorCode::kUnparseableDataset).dimse_status & 0xF000, 0xC000);
  EXPECT_EQ(Describe(ErrorCode::kInvalidUid).dimse_status & 0xF000, 0xC000);
  EXPECT_EQ(Describe(ErrorCode::kOk).dimse_status, 0x0000);
}

TEST(StatusTest, OkIsCheapAndErrorsCarryTheirMessage) {
  EXPECT_TRUE(Status::Ok().ok());
  const Status error = Status::Error(ErrorCode::kDiskFull, "12 MB free");
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.ToString(), "disk_full: 12 MB free");
  Result<int> value(7);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  Result<int> failed(Status::Error(ErrorCode::kNotFound, "x"));
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace alveo
