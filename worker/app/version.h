// SPDX-License-Identifier: Apache-2.0
// Version of Alveo and of the libraries it was built against (`alveo version`, /healthz).
#pragma once

#include <string>

namespace alveo::app {

std::string AlveoVersion();
std::string LibraryVersions();  // one "name version" per line

}  // namespace alveo::app
