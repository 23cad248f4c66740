// SPDX-License-Identifier: Apache-2.0
#include "app/phantom_command.h"

#include <array>
#include <charconv>
#include <exception>
#include <functional>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>
#include <string_view>

#include "phantom/phantom_writer.h"

namespace alveo::app {
namespace {

using phantom::CtOptions;
using phantom::RadiographOptions;
using phantom::WriteOptions;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

struct Cli {
  std::string modality = "CT";
  std::string out;
  bool help = false;
  CtOptions ct;
  RadiographOptions film;
  WriteOptions write;
  std::set<std::string, std::less<>> given;
};

Status Bad(const std::string& why) { return Status::Error(ErrorCode::kInvalidArgument, why); }

template <typename T>
Status ParseNumber(const std::string& text, T& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec != std::errc() || ptr != end) return Bad("'" + text + "' is not a valid number");
  return Status::Ok();
}

Status SetKind(Cli& c, const std::string& v) {
  const auto kind = phantom::ParseKind(v);
  if (!kind) return Bad("unknown kind '" + v + "'");
  c.ct.kind = c.film.kind = *kind;
  return Status::Ok();
}

Status SetModality(Cli& c, const std::string& v) {
  if (v == "CR") c.write.radiograph_iod = phantom::RadiographIod::kCr;
  if (v == "DX") c.write.radiograph_iod = phantom::RadiographIod::kDx;
  if (v == "SC") c.write.radiograph_iod = phantom::RadiographIod::kSecondaryCapture;
  if (v != "CT" && v != "CR" && v != "DX" && v != "SC") return Bad("must be CT, CR, DX or SC");
  c.modality = v;
  return Status::Ok();
}

Status SetSeed(Cli& c, const std::string& v) {
  if (Status s = ParseNumber(v, c.ct.seed); !s.ok()) return s;
  c.film.seed = c.ct.seed;
  return Status::Ok();
}

Status SetRows(Cli& c, const std::string& v) {
  if (Status s = ParseNumber(v, c.ct.rows); !s.ok()) return s;
  c.film.rows = c.ct.rows;
  return Status::Ok();
}

Status SetCols(Cli& c, const std::string& v) {
  if (Status s = ParseNumber(v, c.ct.columns); !s.ok()) return s;
  c.film.columns = c.ct.columns;
  return Status::Ok();
}

Status SetNoise(Cli& c, const std::string& v) {
  double n = 0.0;
  if (Status s = ParseNumber(v, n); !s.ok()) return s;
  c.ct.noise_hu = n;
  c.film.noise = n;
  return Status::Ok();
}

Status SetView(Cli& c, const std::string& v) {
  const auto view = phantom::ParseView(v);
  if (!view) return Bad("must be PA, AP or LL");
  c.film.view = *view;
  return Status::Ok();
}

Status SetPhotometric(Cli& c, const std::string& v) {
  if (v != "MONOCHROME1" && v != "MONOCHROME2") return Bad("must be MONOCHROME1 or MONOCHROME2");
  c.write.photometric =
      v == "MONOCHROME1" ? phantom::Photometric::kMonochrome1 : phantom::Photometric::kMonochrome2;
  return Status::Ok();
}

Status SetSyntax(Cli& c, const std::string& v) {
  const auto ts = phantom::ParseTransferSyntax(v);
  if (!ts) return Bad("unknown transfer syntax '" + v + "'");
  c.write.transfer_syntax = *ts;
  return Status::Ok();
}

Status NoMeta(Cli& c) {
  c.write.meta_header = false;
  if (!c.given.count("transfer-syntax"))
    c.write.transfer_syntax = phantom::TransferSyntax::kImplicit;
  return Status::Ok();
}

using Apply = std::function<Status(Cli&, const std::string&)>;

struct Flag {
  std::string_view name;
  std::string_view value;  // empty: a switch
  std::string_view help;
  Apply apply;
};

Apply Text(std::string Cli::*field) {
  return [field](Cli& c, const std::string& v) {
    c.*field = v;
    return Status::Ok();
  };
}
Apply Identity(std::string phantom::DicomIdentity::*field) {
  return [field](Cli& c, const std::string& v) {
    c.write.identity.*field = v;
    return Status::Ok();
  };
}
template <typename Struct, typename T>
Apply Number(Struct Cli::*part, T Struct::*field) {
  return [part, field](Cli& c, const std::string& v) { return ParseNumber(v, c.*part.*field); };
}
Apply Switch(std::function<void(Cli&)> set) {
  return [set](Cli& c, const std::string&) {
    set(c);
    return Status::Ok();
  };
}

const std::vector<Flag>& Flags() {
  static const std::vector<Flag> flags{
      {"kind", "KIND", "normal|diffuse|peripheral|focal|effusion|abdomen (default normal)",
       SetKind},
      {"modality", "MOD", "CT, or a chest film as CR, DX (For Presentation) or SC (default CT)",
       SetModality},
      {"out", "DIR", "output folder (created); gets NNNN.dcm files and truth.json (required)",
       Text(&Cli::out)},
      {"seed", "N", "random seed; same seed => identical pixels and UIDs (default 1)", SetSeed},
      {"rows", "R", "image rows (default CT 512, film 2500)", SetRows},
      {"cols", "C", "image columns (default CT 512, film 2000)", SetCols},
      {"noise", "X", "CT: noise in HU at 1 mm (default 20); film: relative noise (default 1)",
       SetNoise},
      {"slices", "N", "CT: number of slices (default 300)", Number(&Cli::ct, &CtOptions::slices)},
      {"slice-spacing", "MM", "CT: distance between slice centres (default 1.0)",
       Number(&Cli::ct, &CtOptions::slice_spacing_mm)},
      {"thickness", "MM", "CT: slice thickness (default = spacing; e.g. 5 or 7 for thick slices)",
       Number(&Cli::ct, &CtOptions::slice_thickness_mm)},
      {"fov", "MM", "CT: reconstruction diameter; pixel spacing = fov / cols (default 360)",
       Number(&Cli::ct, &CtOptions::field_of_view_mm)},
      {"prone", "", "CT: patient prone (HFP; gravity ventral, image flipped like scanners do)",
       Switch([](Cli& c) { c.ct.prone = true; })},
      {"intercept-zero", "",
       "CT: signed 16-bit stored HU with RescaleIntercept 0 "
       "(default unsigned 12-bit, intercept -1024)",
       Switch([](Cli& c) { c.write.intercept_zero = true; })},
      {"view", "V", "film: PA (upright), AP (supine) or LL (left lateral) (default PA)", SetView},
      {"photometric", "P", "film: MONOCHROME2 (default) or MONOCHROME1 (inverted)", SetPhotometric},
      {"bits", "N", "film: bits stored, 8..16 (default 12)",
       Number(&Cli::film, &RadiographOptions::bits_stored)},
      {"field-width", "MM", "film: width of the image; pixel spacing = width / cols (default 350)",
       Number(&Cli::film, &RadiographOptions::field_width_mm)},
      {"sc-modality", "MOD", "film: Modality of a Secondary Capture, e.g. OT or CR (default OT)",
       [](Cli& c, const std::string& v) {
         c.write.sc_modality = v;
         return Status::Ok();
       }},
      {"transfer-syntax", "TS",
       "explicit (default), implicit, deflated, jpeg-lossless (process 14 "
       "SV1), jpeg-ls, rle, jpeg-baseline (8-bit only), jpeg-extended "
       "(lossy 12-bit)",
       SetSyntax},
      {"no-meta", "",
       "write raw datasets without the Part 10 meta header (implicit VR unless "
       "--transfer-syntax explicit)",
       [](Cli& c, const std::string&) { return NoMeta(c); }},
      {"study-uid", "UID", "Study Instance UID (default derived from the seed)",
       Identity(&phantom::DicomIdentity::study_instance_uid)},
      {"patient-name", "NAME",
       "Patient's Name, UTF-8, e.g. \"Müller^Jürgen\" (default PHANTOM^CHEST)",
       Identity(&phantom::DicomIdentity::patient_name)},
      {"patient-id", "ID", "Patient ID (default PHANTOM-<seed>)",
       Identity(&phantom::DicomIdentity::patient_id)},
      {"patient-age", "AGE", "Patient's Age, e.g. 054Y or 006Y (default not written)",
       Identity(&phantom::DicomIdentity::patient_age)},
      {"patient-sex", "SEX", "M, F or O (default O)",
       Identity(&phantom::DicomIdentity::patient_sex)},
      {"birth-date", "DATE", "Patient's Birth Date YYYYMMDD (default 19700101)",
       Identity(&phantom::DicomIdentity::patient_birth_date)},
      {"accession", "ACC", "Accession Number, at most 16 characters (default derived)",
       Identity(&phantom::DicomIdentity::accession_number)},
      {"study-date", "DATE", "Study Date YYYYMMDD (default 20240102)",
       Identity(&phantom::DicomIdentity::study_date)},
      {"study-time", "TIME", "Study Time HHMMSS (default 101500)",
       Identity(&phantom::DicomIdentity::study_time)},
      {"charset", "CS",
       "Specific Character Set: \"ISO_IR 6\", \"ISO_IR 100\" (Latin-1) or "
       "\"ISO_IR 192\" (UTF-8) (default none = ASCII)",
       Identity(&phantom::DicomIdentity::character_set)},
      {"write-labels", "",
       "also write the truth label maps (CT: labels.raw + opacity.raw uint8 "
       "in instance order; film: labels.pgm + opacity.pgm)",
       Switch([](Cli& c) { c.write.write_labels = true; })},
      {"threads", "N", "worker threads (default: one per core)",
       Number(&Cli::write, &WriteOptions::threads)},
      {"help", "", "this text", Switch([](Cli& c) { c.help = true; })},
  };
  return flags;
}

void PrintHelp(std::ostream& out) {
  out << "usage: alveo phantom --kind KIND --modality CT|CR|DX|SC --out DIR [options]\n"
         "Writes a synthetic chest CT series or chest radiograph with known ground truth\n"
         "(truth.json) for tests and benchmarks. Flags take --flag VALUE or --flag=VALUE.\n\n";
  for (const Flag& f : Flags()) {
    std::ostringstream left;
    left << "  --" << f.name;
    if (!f.value.empty()) left << ' ' << f.value;
    out << std::left << std::setw(26) << left.str() << f.help << "\n";
  }
  out << "\nExit status: 0 written, 1 write failed, 2 bad arguments.\n";
}

const Flag* FindFlag(std::string_view name) {
  for (const Flag& f : Flags()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// Returns the flag the error is about ("" if none) in `flag`.
Status Parse(const std::vector<std::string>& args, Cli& cli, std::string& flag) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string word = args[i];
    if (word == "-h") word = "--help";
    if (word.rfind("--", 0) != 0) return Bad("unexpected argument '" + word + "'");
    const std::size_t eq = word.find('=');
    flag = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const Flag* f = FindFlag(flag);
    if (f == nullptr) return Bad("unknown flag (see --help)");
    std::string value;
    if (eq != std::string::npos) {
      if (f->value.empty()) return Bad("takes no value");
      value = word.substr(eq + 1);
    } else if (!f->value.empty()) {
      if (i + 1 >= args.size()) return Bad("needs a value " + std::string(f->value));
      value = args[++i];
    }
    if (Status s = f->apply(cli, value); !s.ok()) return s;
    cli.given.insert(flag);
  }
  flag.clear();
  return Status::Ok();
}

// Flags that only make sense for the other modality are rejected rather than ignored.
Status CheckModalityFlags(const Cli& cli, std::string& flag) {
  struct Scoped {
    std::string_view flag;
    bool ct;
  };
  static constexpr std::array<Scoped, 11> kScoped{{{"slices", true},
                                                   {"slice-spacing", true},
                                                   {"thickness", true},
                                                   {"fov", true},
                                                   {"prone", true},
                                                   {"intercept-zero", true},
                                                   {"view", false},
                                                   {"photometric", false},
                                                   {"bits", false},
                                                   {"field-width", false},
                                                   {"sc-modality", false}}};
  const bool ct = cli.modality == "CT";
  for (const Scoped& s : kScoped) {
    if (s.ct == ct || cli.given.count(s.flag) == 0) continue;
    flag = s.flag;
    return Bad(s.ct ? "only for --modality CT" : "only for radiographs (--modality CR, DX or SC)");
  }
  if (cli.out.empty()) {
    flag = "out";
    return Bad("is required");
  }
  return Status::Ok();
}

int Usage(std::ostream& err, const std::string& flag, const Status& s) {
  err << "alveo phantom: " << (flag.empty() ? "" : "--" + flag + ": ") << s.message() << "\n";
  return kExitUsage;
}

// Writer errors about arguments start with the flag name ("transfer-syntax: ...").
int Report(std::ostream& err, const Status& s) {
  if (s.code() == ErrorCode::kInvalidArgument) {
    err << "alveo phantom: --" << s.message() << "\n";
    return kExitUsage;
  }
  err << "alveo phantom: " << s.ToString() << "\n";
  return kExitFailed;
}

int Run(const Cli& cli, std::ostream& out, std::ostream& err) {
  const bool ct = cli.modality == "CT";
  const Result<phantom::WriteSummary> written =
      ct ? phantom::WriteCtSeries(cli.ct, cli.write, cli.out)
         : phantom::WriteRadiograph(cli.film, cli.write, cli.out);
  if (!written.ok()) return Report(err, written.status());
  std::ostringstream line;
  line << "alveo phantom: " << written->modality << " "
       << phantom::KindName(ct ? cli.ct.kind : cli.film.kind) << " ";
  if (ct) {
    line << cli.ct.slices << " x " << cli.ct.columns << "x" << cli.ct.rows;
  } else {
    line << phantom::ViewName(cli.film.view) << " " << cli.film.columns << "x" << cli.film.rows;
  }
  line << " -> " << cli.out << " (" << phantom::TransferSyntaxName(cli.write.transfer_syntax)
       << (cli.write.meta_header ? "" : ", no meta") << ", " << std::fixed << std::setprecision(2)
       << written->seconds << " s) study " << written->study_instance_uid;
  out << line.str() << "\n";
  return kExitOk;
}

}  // namespace

int RunPhantomCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Cli cli;
  std::string flag;
  if (Status s = Parse(args, cli, flag); !s.ok()) return Usage(err, flag, s);
  if (cli.help) {
    PrintHelp(out);
    return kExitOk;
  }
  if (Status s = CheckModalityFlags(cli, flag); !s.ok()) return Usage(err, flag, s);
  try {
    return Run(cli, out, err);
  } catch (const std::exception& e) {
    err << "alveo phantom: " << e.what() << "\n";
    return kExitFailed;
  }
}

int RunPhantomCommand(const std::vector<std::string>& args) {
  return RunPhantomCommand(args, std::cout, std::cerr);
}

}  // namespace alveo::app
