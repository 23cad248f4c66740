// SPDX-License-Identifier: Apache-2.0
// Internal to the sr module: the content trees of the two document kinds, built into a DSRDocument,
// and the step checker they share. Thread-safety: reentrant.
#pragma once

#include <string>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmsr/dsrdoc.h>

#include "core/sr_template.h"
#include "sr/sr_document.h"

namespace alveo::sr::internal {

// Runs DCMTK calls in sequence and keeps the first failure with what was being done.
class Steps {
 public:
  bool operator()(const OFCondition& condition, const std::string& what) {
    if (ok_ && condition.bad()) {
      ok_ = false;
      error_ = what + ": " + condition.text();
    }
    return ok_;
  }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  void Fail(std::string error) {
    if (ok_) error_ = std::move(error);
    ok_ = false;
  }

 private:
  bool ok_ = true;
  std::string error_;
};

DSRCodedEntryValue ToCode(const CodedConcept& concept_value);
// Numbers as SR Numeric Value (DS): at most 16 characters, no exponent.
std::string NumberText(double value);

// TID 1500 Imaging Measurement Report with DCMTK's cmr classes, then our additions on the expanded
// tree (certainty of the finding, reasons of the differential, algorithm identification per group).
void BuildTid1500Tree(DSRDocument& document, const SrDocumentRequest& request, Steps& steps);

// Basic Text SR: the same findings as TEXT and CODE items under the same title.
void BuildBasicTextTree(DSRDocument& document, const SrDocumentRequest& request, Steps& steps);

}  // namespace alveo::sr::internal
