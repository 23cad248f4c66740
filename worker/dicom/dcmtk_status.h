// SPDX-License-Identifier: Apache-2.0
// The one place where DCMTK's OFCondition becomes an alveo::Status (module, code and text kept in
// the message). Only the dicom, net and sr modules include this header.
#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/ofstd/ofcond.h>

#include <string>

#include "core/status.h"

namespace alveo::dicom {

inline Status FromCondition(const OFCondition& cond, ErrorCode code, const std::string& context) {
  if (cond.good()) return Status::Ok();
  return Status::Error(code, context + ": " + cond.text() + " (module " +
                                 std::to_string(cond.module()) + ", code " +
                                 std::to_string(cond.code()) + ")");
}

}  // namespace alveo::dicom
