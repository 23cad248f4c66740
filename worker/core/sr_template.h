// SPDX-License-Identifier: Apache-2.0
// An SR template as typed data: output SOP class, codes, wording and the threshold for "suspected",
// loaded once from sr_templates/*.json by the config module (sr_template_loader) and read by the sr
// module. sr_templates/README.md documents every key. Thread-safety: plain values, never mutated
// after loading.
#pragma once

#include <string>

namespace alveo {

// A coded concept: (value, coding scheme designator, code meaning).
struct CodedConcept {
  std::string value;
  std::string scheme;
  std::string meaning;

  bool operator==(const CodedConcept&) const = default;
};

enum class SrOutputClass {
  kComprehensive3d,  // Comprehensive 3D SR (IHE AI Results), TID 1500
  kComprehensive,    // Comprehensive SR, TID 1500
  kEnhanced,         // Enhanced SR, TID 1500
  kBasicText,        // Basic Text SR: the same findings as text and codes, for legacy viewers
};

// Codes the report uses that a site may want to change (structural TID 1500 concepts are fixed by
// the standard and live in the writer).
struct SrCodes {
  CodedConcept procedure_ct;            // Procedure reported for CT
  CodedConcept procedure_xr;            // ... for radiographs
  CodedConcept lung;                    // Finding Site
  CodedConcept right, left, bilateral;  // Laterality values
  CodedConcept ground_glass;            // Finding
  CodedConcept consolidation;           // Finding
  CodedConcept opacity;           // Finding on radiographs (GGO and consolidation not separable)
  CodedConcept abnormal_opacity;  // Finding of the whole-lung pattern group
  CodedConcept diffuse, multifocal, focal;  // Distribution Descriptor values
  CodedConcept central, peripheral;         // Location in Chest values
  CodedConcept present, absent;             // for crazy paving
  CodedConcept pulmonary_hemorrhage;        // the headline qualitative evaluation
  CodedConcept suspected, undetermined;     // its values (and `absent`)
  CodedConcept percent_involved;            // private: percent of the lung (field) involved
  CodedConcept crazy_paving;                // private: no standard concept exists
  CodedConcept basic_text_title;            // document title of the Basic Text rendering

  bool operator==(const SrCodes&) const = default;
};

// The documented private coding scheme of `percent_involved` and `crazy_paving`.
struct SrPrivateScheme {
  std::string designator;  // e.g. 99ALVEO
  std::string name;
  std::string version;
  std::string responsible_organization;

  bool operator==(const SrPrivateScheme&) const = default;
};

// Sentences of the report. Placeholders: {opacity} (whole-lung %), {certainty} (%), {first}
// (the top differential), {reason} (why not analysable).
struct SrWording {
  std::string flagged;
  std::string not_flagged;
  std::string not_analysable;
  std::string disclaimer;       // imaging cannot establish the diagnosis
  std::string radiograph_note;  // radiographs: lower certainty, recommend CT
  std::string key_images_note;  // a few CT slices only

  bool operator==(const SrWording&) const = default;
};

struct SrTemplate {
  std::string id;       // e.g. "alveo-default"
  std::string version;  // part of the SR UID derivation: a new version is a new document
  SrOutputClass output = SrOutputClass::kComprehensive3d;
  CodedConcept language;  // e.g. (en-US, RFC5646, English as used in the United States)
  std::string series_description;
  int series_number = 9901;
  std::string device_name;
  std::string manufacturer;
  std::string model_name;
  // A flagged study reports hemorrhage "suspected" from this certainty (%), "undetermined" below.
  int suspected_min_certainty = 20;
  bool report_not_analysable = true;  // a not-analysable study also gets an SR saying why
  SrPrivateScheme private_scheme;
  SrCodes codes;
  SrWording wording;

  bool operator==(const SrTemplate&) const = default;
};

}  // namespace alveo
