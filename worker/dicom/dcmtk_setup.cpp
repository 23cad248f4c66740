// SPDX-License-Identifier: Apache-2.0
#include "dicom/dcmtk_setup.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/oflog/appender.h>
#include <dcmtk/oflog/logger.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/oflog/spi/logevent.h>

#include <cstdlib>
#include <string>
#include <string_view>

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

log::Level FromDcmtkLevel(dcmtk::log4cplus::LogLevel level) {
  if (level >= OFLogger::ERROR_LOG_LEVEL) return log::Level::kError;
  if (level >= OFLogger::WARN_LOG_LEVEL) return log::Level::kWarn;
  if (level >= OFLogger::INFO_LOG_LEVEL) return log::Level::kInfo;
  if (level >= OFLogger::DEBUG_LOG_LEVEL) return log::Level::kDebug;
  return log::Level::kTrace;
}

// DCMTK's own log records become Alveo log lines (category dicom, the logger's name in front), so
// journald and log.file get one format. DCMTK 3.6.7's VR checker cannot check the character
// repertoire of UTF-8 (and other multi-byte) values and says so on every such read; that says
// nothing about the data, so it is debug, not warn.
class AlveoAppender : public dcmtk::log4cplus::Appender {
 public:
  ~AlveoAppender() override { destructorImpl(); }
  void close() override {}

 protected:
  void append(const dcmtk::log4cplus::spi::InternalLoggingEvent& event) override {
    const std::string message(event.getMessage().c_str());
    log::Level level = FromDcmtkLevel(event.getLogLevel());
    if (std::string_view(message).find("VR checker does not support") != std::string_view::npos) {
      level = log::Level::kDebug;
    }
    if (!log::Enabled(log::Category::kDicom, level)) return;
    log::Write(log::Category::kDicom, level, std::string(event.getLoggerName().c_str()) + ": " + message);
  }
};

}  // namespace

void InitDcmtk(log::Level dcmtk_level) {
  // DCMTK's DUL reads TCP_NODELAY from the environment for every socket it opens (SCP and SCU);
  // without it Nagle's algorithm costs ~40 ms per C-STORE on loopback. Set before any network init.
  setenv("TCP_NODELAY", "1", 1);
  // A reverse DNS lookup per association stalls for seconds where DNS is unreachable; we only need
  // the peer's address.
  dcmDisableGethostbyaddr.set(OFTrue);
  OFLog::configure(ToDcmtkLevel(dcmtk_level));
  dcmtk::log4cplus::Logger root = dcmtk::log4cplus::Logger::getRoot();
  root.removeAllAppenders();
  root.addAppender(dcmtk::log4cplus::SharedAppenderPtr(new AlveoAppender()));
}

}  // namespace alveo::dicom
