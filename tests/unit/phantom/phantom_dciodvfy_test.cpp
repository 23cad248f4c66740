// SPDX-License-Identifier: Apache-2.0
// Every IOD the phantom writes passes dicom3tools' dciodvfy with zero errors (skipped when
// /usr/bin/dciodvfy is not installed). Deflated files are not checked: dciodvfy cannot inflate.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "phantom/phantom_writer.h"
#include "unit/phantom/phantom_test_util.h"

namespace alveo::phantom {
namespace {

using testing::DciodvfyErrors;
using testing::ScratchDir;

void ExpectValid(const std::filesystem::path& file) {
  const std::vector<std::string> errors = DciodvfyErrors(file);
  std::string all;
  for (const std::string& e : errors) all += e;
  EXPECT_TRUE(errors.empty()) << file << ":\n" << all;
}

TEST(PhantomDciodvfyTest, CtSeriesVariantsHaveNoErrors) {
  if (!testing::HaveDciodvfy()) GTEST_SKIP() << "dciodvfy not installed";
  struct Variant {
    const char* name;
    PatternKind kind;
    bool prone;
    bool intercept_zero;
    TransferSyntax ts;
    const char* charset;
  };
  const Variant variants[] = {
      {"chest", PatternKind::kDiffuse, false, false, TransferSyntax::kExplicit, ""},
      {"prone-signed", PatternKind::kEffusion, true, true, TransferSyntax::kImplicit, "ISO_IR 100"},
      {"abdomen-jls", PatternKind::kAbdomen, false, false, TransferSyntax::kJpegLs, "ISO_IR 192"},
      {"lossless", PatternKind::kFocal, false, false, TransferSyntax::kJpegLossless, ""},
      {"rle", PatternKind::kNormal, false, true, TransferSyntax::kRle, ""},
      {"lossy", PatternKind::kPeripheral, false, false, TransferSyntax::kJpegExtended, ""},
  };
  for (const Variant& v : variants) {
    ScratchDir dir(v.name);
    CtOptions ct;
    ct.kind = v.kind;
    ct.prone = v.prone;
    ct.slices = 3;
    ct.slice_spacing_mm = 5.0;
    ct.slice_thickness_mm = 5.0;
    WriteOptions w;
    w.intercept_zero = v.intercept_zero;
    w.transfer_syntax = v.ts;
    w.identity.character_set = v.charset;
    if (std::string(v.charset) != "") w.identity.patient_name = "Müller^Jürgen";
    const Result<WriteSummary> s = WriteCtSeries(ct, w, dir.path());
    ASSERT_TRUE(s.ok()) << v.name << ": " << s.status().ToString();
    ExpectValid(dir.path() / s->files[1]);
  }
}

TEST(PhantomDciodvfyTest, RadiographIodsHaveNoErrors) {
  if (!testing::HaveDciodvfy()) GTEST_SKIP() << "dciodvfy not installed";
  struct Variant {
    const char* name;
    RadiographIod iod;
    ViewPosition view;
    Photometric photometric;
    int bits;
    TransferSyntax ts;
  };
  const Variant variants[] = {
      {"dx-pa", RadiographIod::kDx, ViewPosition::kPa, Photometric::kMonochrome2, 12,
       TransferSyntax::kExplicit},
      {"dx-ll-mono1", RadiographIod::kDx, ViewPosition::kLateral, Photometric::kMonochrome1, 12,
       TransferSyntax::kJpegLs},
      {"dx-ap-lossy", RadiographIod::kDx, ViewPosition::kAp, Photometric::kMonochrome2, 12,
       TransferSyntax::kJpegExtended},
      {"cr-pa-mono1", RadiographIod::kCr, ViewPosition::kPa, Photometric::kMonochrome1, 12,
       TransferSyntax::kRle},
      {"cr-ap", RadiographIod::kCr, ViewPosition::kAp, Photometric::kMonochrome2, 16,
       TransferSyntax::kJpegLossless},
      {"sc-8bit", RadiographIod::kSecondaryCapture, ViewPosition::kPa, Photometric::kMonochrome2, 8,
       TransferSyntax::kJpegBaseline},
      {"sc-ll", RadiographIod::kSecondaryCapture, ViewPosition::kLateral, Photometric::kMonochrome1,
       12, TransferSyntax::kImplicit},
  };
  for (const Variant& v : variants) {
    ScratchDir dir(v.name);
    RadiographOptions film;
    film.kind = PatternKind::kEffusion;
    film.columns = 400;
    film.rows = 500;
    film.view = v.view;
    film.bits_stored = v.bits;
    WriteOptions w;
    w.radiograph_iod = v.iod;
    w.photometric = v.photometric;
    w.transfer_syntax = v.ts;
    w.identity.character_set = "ISO_IR 100";
    w.identity.patient_name = "Müller^Jürgen";
    w.identity.patient_age = "054Y";
    const Result<WriteSummary> s = WriteRadiograph(film, w, dir.path());
    ASSERT_TRUE(s.ok()) << v.name << ": " << s.status().ToString();
    ExpectValid(dir.path() / "0001.dcm");
  }
}

}  // namespace
}  // namespace alveo::phantom
