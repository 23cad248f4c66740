// SPDX-License-Identifier: Apache-2.0
// Process-wide DCMTK setup done once by the composition root before any thread starts: its logger
// level and its log records routed into Alveo's log (category dicom), no reverse DNS lookups of
// peers, TCP_NODELAY on its sockets, codec registration.
// Thread-safety: call InitDcmtk() once from main before starting threads.
#pragma once

#include "core/log.h"

namespace alveo::dicom {

void InitDcmtk(log::Level dcmtk_level);

}  // namespace alveo::dicom
