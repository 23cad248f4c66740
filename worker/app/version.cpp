// SPDX-License-Identifier: Apache-2.0
#include "app/version.h"

#include <Poco/Version.h>
#include <boost/version.hpp>
#include <dcmtk/config/osconfig.h>

#include <cstdio>

#ifndef ALVEO_VERSION
#define ALVEO_VERSION "0.0.0"
#endif

namespace alveo::app {

std::string AlveoVersion() { return ALVEO_VERSION; }

std::string LibraryVersions() {
  char poco[32];
  std::snprintf(poco, sizeof poco, "%d.%d.%d", (POCO_VERSION >> 24) & 0xff, (POCO_VERSION >> 16) & 0xff,
                (POCO_VERSION >> 8) & 0xff);
  char boost[32];
  std::snprintf(boost, sizeof boost, "%d.%d.%d", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000,
                BOOST_VERSION % 100);
  return std::string("dcmtk ") + PACKAGE_VERSION + "\nboost " + boost + "\npoco " + poco + "\n";
}

}  // namespace alveo::app
