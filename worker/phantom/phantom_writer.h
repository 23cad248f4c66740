// SPDX-License-Identifier: Apache-2.0
// Writes phantoms as DICOM files (DCMTK inside, none in this header): a CT Image series streamed
// slice by slice, or one CR / DX For Presentation / Secondary Capture radiograph, plus truth.json
// (and optionally raw label maps) in the same folder. UIDs are derived from the seed unless given.
// Thread-safety: the Write* functions are reentrant; they use worker threads internally.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "phantom/ct_phantom.h"
#include "phantom/radiograph_phantom.h"

namespace alveo::phantom {

enum class TransferSyntax {
  kExplicit,      // 1.2.840.10008.1.2.1 Explicit VR Little Endian
  kImplicit,      // 1.2.840.10008.1.2 Implicit VR Little Endian
  kDeflated,      // 1.2.840.10008.1.2.1.99 Deflated Explicit VR Little Endian
  kJpegLossless,  // 1.2.840.10008.1.2.4.70 JPEG Lossless, process 14, selection value 1
  kJpegLs,        // 1.2.840.10008.1.2.4.80 JPEG-LS Lossless
  kRle,           // 1.2.840.10008.1.2.5 RLE Lossless
  kJpegBaseline,  // 1.2.840.10008.1.2.4.50 JPEG Baseline (8-bit data only)
  kJpegExtended,  // 1.2.840.10008.1.2.4.51 JPEG Extended (lossy, 12-bit)
};
std::string_view TransferSyntaxName(TransferSyntax ts);  // CLI spelling: "explicit", "jpeg-ls", ...
std::optional<TransferSyntax> ParseTransferSyntax(std::string_view text);
bool IsLossless(TransferSyntax ts);

enum class RadiographIod { kCr, kDx, kSecondaryCapture };
enum class Photometric { kMonochrome2, kMonochrome1 };

// Patient/study attributes. Text is UTF-8 and is converted to `character_set`.
struct DicomIdentity {
  std::string patient_name = "PHANTOM^CHEST";
  std::string patient_id;  // empty: "PHANTOM-<seed>"
  std::string patient_birth_date = "19700101";
  std::string patient_sex = "O";
  std::string patient_age;       // AS such as "054Y"; empty: not written
  std::string accession_number;  // empty: derived from the seed
  std::string study_date = "20240102";
  std::string study_time = "101500";
  std::string study_instance_uid;  // empty: derived from the seed and the phantom's content
  std::string character_set;       // "", "ISO_IR 6", "ISO_IR 100" or "ISO_IR 192"
};

struct WriteOptions {
  DicomIdentity identity;
  TransferSyntax transfer_syntax = TransferSyntax::kExplicit;
  bool meta_header =
      true;  // false: raw dataset without the Part 10 header (implicit/explicit only)
  bool write_labels =
      false;        // CT: labels.raw + opacity.raw (uint8); film: labels.pgm + opacity.pgm
  int threads = 0;  // <= 0: one per core
  bool intercept_zero =
      false;  // CT: signed 16-bit stored HU, RescaleIntercept 0 (else 12-bit -1024)
  RadiographIod radiograph_iod = RadiographIod::kDx;
  std::string sc_modality = "OT";  // Modality of a Secondary Capture film
  Photometric photometric = Photometric::kMonochrome2;
};

struct WriteSummary {
  std::filesystem::path directory;
  std::vector<std::string> files;  // DICOM file names in instance order
  std::string modality;
  std::string sop_class_uid;
  std::string study_instance_uid;
  std::string series_instance_uid;
  double seconds = 0.0;
};

// kInvalidArgument naming the option when a combination cannot be written (e.g. jpeg-baseline with
// 12-bit data, compression without the meta header, an unknown character set).
Status ValidateWriteOptions(const WriteOptions& options, bool ct, int bits_stored);

// Creates `directory` if needed and writes <NNNN>.dcm files and truth.json into it.
Result<WriteSummary> WriteCtSeries(const CtOptions& ct, const WriteOptions& options,
                                   const std::filesystem::path& directory);
Result<WriteSummary> WriteRadiograph(const RadiographOptions& film, const WriteOptions& options,
                                     const std::filesystem::path& directory);

}  // namespace alveo::phantom
