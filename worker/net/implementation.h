// SPDX-License-Identifier: Apache-2.0
// Alveo's DICOM implementation identity (PS3.7 D.3.3.2), sent in associations and file meta headers.
#pragma once

namespace alveo::net {

// DeriveUid("Alveo DICOM worker implementation class") (core/uid.h); a unit test checks it.
inline constexpr char kImplementationClassUid[] = "2.25.339420029702320720936074502073720949744";
inline constexpr char kImplementationVersionName[] = "ALVEO_0_1";

}  // namespace alveo::net
