// SPDX-License-Identifier: Apache-2.0
// Umbrella header of the image-kernel module (namespace alveo::kernels): thresholds and mask
// logic, connected components, hole filling, distance transforms, morphology, smoothing,
// resampling and the 2-D radiograph kernels. Thread-safety: every kernel is a pure function (or
// mutates only its argument). Ownership: results are returned by value.
#pragma once

#include "classifier/kernels/components.h"
#include "classifier/kernels/distance.h"
#include "classifier/kernels/fill_holes.h"
#include "classifier/kernels/float_volume.h"
#include "classifier/kernels/image2d_ops.h"
#include "classifier/kernels/mask_ops.h"
#include "classifier/kernels/morphology.h"
#include "classifier/kernels/resample.h"
#include "classifier/kernels/smoothing.h"
