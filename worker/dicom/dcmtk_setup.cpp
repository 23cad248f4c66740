// SPDX-License-Identifier: Apache-2.0
#include "dicom/dcmtk_setup.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/oflog/oflog.h>

#include <cstdlib>

namespace alveo::dicom {
namespace {

OFLogger::LogLevel ToDcmtkLevel(log::Level level) {
  switch (level) {
    case log::Level::kTrace: return OFLogger::TRACE_LOG_LEVEL;
    case log::Level::kDebug: return OFLogger::DEBUG_LOG_LEVEL;
    case log::Level::kInfo: return OFLogger::INFO_LOG_LEVEL;
    case log::Level::kWarn: return OFLogger::WARN_LOG_LEVEL;
    case log::Level::kError: return OFLogger::ERROR_LOG_LEVEL;
    case log::Level::kOff: return OFLogger::OFF_LOG_LEVEL;
  }
  return OFLogger::WARN_LOG_LEVEL;
}

}  // namespace

void InitDcmtk(log::Level dcmtk_level) {
  // DCMTK's DUL reads TCP_NODELAY from the environment for every socket it opens (SCP and SCU);
  // without it Nagle's algorithm costs ~40 ms per C-STORE on loopback. Set before any network init.
  setenv("TCP_NODELAY", "1", 1);
  // A reverse DNS lookup per association stalls for seconds where DNS is unreachable; we only need
  // the peer's address.
  dcmDisableGethostbyaddr.set(OFTrue);
  OFLog::configure(ToDcmtkLevel(dcmtk_level));
}

}  // namespace alveo::dicom
