// SPDX-License-Identifier: Apache-2.0
// Internal to the dicom module (includes DCMTK): what each frame of a CT image says about its
// geometry and HU rescale, from the top-level attributes of a single-frame CT Image or from the
// shared / per-frame functional groups of an Enhanced or Legacy Converted Enhanced CT Image.
// Thread-safety: reentrant; reads one dataset.
#pragma once

#include <vector>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdatset.h>

#include "core/status.h"
#include "dicom/ct_layout.h"
#include "dicom/pixel_io.h"
#include "dicom/stored_values.h"

namespace alveo::dicom::internal {

struct CtFrame {
  FrameGeometry geometry;
  HuParams hu;
};

// One entry per frame. kUnsupportedEncoding for a multi-frame image without per-frame functional
// groups (its frames cannot be placed), kInvalidArgument for malformed functional groups.
Result<std::vector<CtFrame>> ReadCtFrames(DcmDataset& dataset, const PixelFormat& format);

// Drops every top-level attribute that decoding pixels no longer needs (headers of hundreds of
// slices stay small while they wait for their turn).
void KeepOnlyPixelModule(DcmDataset& dataset);

}  // namespace alveo::dicom::internal
