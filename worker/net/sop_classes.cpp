// SPDX-License-Identifier: Apache-2.0
#include "net/sop_classes.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <set>
#include <string>

namespace alveo::net {

const std::vector<NamedUid>& DefaultStorageSopClasses() {
  static const std::vector<NamedUid> kClasses{
      {UID_CTImageStorage, "CT Image Storage"},
      {UID_EnhancedCTImageStorage, "Enhanced CT Image Storage"},
      {UID_LegacyConvertedEnhancedCTImageStorage, "Legacy Converted Enhanced CT Image Storage"},
      {UID_ComputedRadiographyImageStorage, "Computed Radiography Image Storage"},
      {UID_DigitalXRayImageStorageForPresentation, "Digital X-Ray Image Storage - For Presentation"},
      {UID_DigitalXRayImageStorageForProcessing, "Digital X-Ray Image Storage - For Processing"},
      {UID_SecondaryCaptureImageStorage, "Secondary Capture Image Storage"},
      {UID_MultiframeGrayscaleByteSecondaryCaptureImageStorage,
       "Multi-frame Grayscale Byte Secondary Capture Image Storage"},
      {UID_MultiframeGrayscaleWordSecondaryCaptureImageStorage,
       "Multi-frame Grayscale Word Secondary Capture Image Storage"},
      {UID_MultiframeTrueColorSecondaryCaptureImageStorage,
       "Multi-frame True Color Secondary Capture Image Storage"},
      {UID_BasicTextSRStorage, "Basic Text SR Storage"},
      {UID_EnhancedSRStorage, "Enhanced SR Storage"},
      {UID_ComprehensiveSRStorage, "Comprehensive SR Storage"},
      {UID_Comprehensive3DSRStorage, "Comprehensive 3D SR Storage"},
      {UID_XRayRadiationDoseSRStorage, "X-Ray Radiation Dose SR Storage"},
      {UID_KeyObjectSelectionDocumentStorage, "Key Object Selection Document Storage"},
      {UID_GrayscaleSoftcopyPresentationStateStorage, "Grayscale Softcopy Presentation State Storage"},
  };
  return kClasses;
}

const std::vector<NamedUid>& AcceptedTransferSyntaxes() {
  static const std::vector<NamedUid> kSyntaxes{
      {UID_LittleEndianExplicitTransferSyntax, "Explicit VR Little Endian"},
      {UID_LittleEndianImplicitTransferSyntax, "Implicit VR Little Endian"},
      {UID_DeflatedExplicitVRLittleEndianTransferSyntax, "Deflated Explicit VR Little Endian"},
      {UID_JPEGProcess14SV1TransferSyntax, "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1)"},
      {UID_JPEGProcess14TransferSyntax, "JPEG Lossless, Non-Hierarchical (Process 14)"},
      {UID_JPEGLSLosslessTransferSyntax, "JPEG-LS Lossless"},
      {UID_JPEGLSLossyTransferSyntax, "JPEG-LS Lossy (Near-Lossless)"},
      {UID_RLELosslessTransferSyntax, "RLE Lossless"},
      {UID_JPEGProcess1TransferSyntax, "JPEG Baseline (Process 1)"},
      {UID_JPEGProcess2_4TransferSyntax, "JPEG Extended (Process 2 & 4)"},
  };
  return kSyntaxes;
}

std::vector<const char*> AbstractSyntaxesToAccept(bool accept_all_storage_classes) {
  std::vector<const char*> uids{UID_VerificationSOPClass};
  std::set<std::string> seen{UID_VerificationSOPClass};
  for (const auto& sop : DefaultStorageSopClasses()) {
    if (seen.insert(sop.uid).second) uids.push_back(sop.uid);
  }
  if (accept_all_storage_classes) {
    for (int i = 0; i < numberOfDcmAllStorageSOPClassUIDs; ++i) {
      if (seen.insert(dcmAllStorageSOPClassUIDs[i]).second) uids.push_back(dcmAllStorageSOPClassUIDs[i]);
    }
  }
  return uids;
}

}  // namespace alveo::net
