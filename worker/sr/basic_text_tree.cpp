// SPDX-License-Identifier: Apache-2.0
// Basic Text SR: no NUM or SCOORD items exist in this IOD, so measurements become sentences; the
// evaluations stay coded. Section containers reuse TID 1500's concepts (Imaging Measurements,
// Qualitative Evaluations) rather than the retired Findings/Impressions codes.
#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/codes/umls.h>

#include "sr/sr_trees.h"

namespace alveo::sr::internal {
namespace {

std::string Sentence(const MeasurementGroup& group) {
  std::string text = group.tracking_id + ":";
  for (std::size_t i = 0; i < group.measurements.size(); ++i) {
    const Measurement& m = group.measurements[i];
    text += (i == 0 ? " " : ", ") + m.name.meaning + " " + NumberText(m.value) + " " + m.unit.value;
  }
  for (const auto& [name, value] : group.evaluations)
    text += "; " + name.meaning + ": " + value.meaning;
  return text;
}

// Adds an item after the current one (or below it when `below`), then sets its value.
void Add(DSRDocumentTree& tree, bool below, DSRTypes::E_RelationshipType type,
         DSRTypes::E_ValueType value_type, const DSRCodedEntryValue& name, Steps& steps) {
  const OFCondition added = below ? tree.addChildContentItem(type, value_type, name)
                                  : tree.addContentItem(type, value_type, name);
  steps(added, "add " + std::string(DSRTypes::valueTypeToDefinedTerm(value_type)) + " \"" +
                   name.getCodeMeaning().c_str() + "\" (" +
                   DSRTypes::relationshipTypeToDefinedTerm(type) + ")");
}

void Text(DSRDocumentTree& tree, bool below, DSRTypes::E_RelationshipType type,
          const DSRCodedEntryValue& name, const std::string& value, Steps& steps) {
  Add(tree, below, type, DSRTypes::VT_Text, name, steps);
  if (steps.ok()) steps(tree.getCurrentContentItem().setStringValue(value.c_str()), "text value");
}

void Code(DSRDocumentTree& tree, bool below, DSRTypes::E_RelationshipType type,
          const DSRCodedEntryValue& name, const DSRCodedEntryValue& value, Steps& steps) {
  Add(tree, below, type, DSRTypes::VT_Code, name, steps);
  if (steps.ok()) steps(tree.getCurrentContentItem().setCodeValue(value), "code value");
}

void AddContext(DSRDocumentTree& tree, const SrDocumentRequest& request, Steps& steps) {
  const SrTemplate& t = *request.tmpl;
  Code(tree, true, DSRTypes::RT_hasConceptMod, CODE_DCM_LanguageOfContentItemAndDescendants,
       ToCode(t.language), steps);
  Code(tree, false, DSRTypes::RT_hasObsContext, CODE_DCM_ObserverType, CODE_DCM_Device, steps);
  Add(tree, false, DSRTypes::RT_hasObsContext, DSRTypes::VT_UIDRef, CODE_DCM_DeviceObserverUID,
      steps);
  if (steps.ok())
    steps(tree.getCurrentContentItem().setStringValue(request.device_observer_uid.c_str()),
          "observer uid");
  Text(tree, false, DSRTypes::RT_hasObsContext, CODE_DCM_DeviceObserverName, t.device_name, steps);
  Text(tree, false, DSRTypes::RT_hasObsContext, CODE_DCM_DeviceObserverManufacturer, t.manufacturer,
       steps);
  Text(tree, false, DSRTypes::RT_hasObsContext, CODE_DCM_DeviceObserverModelName, t.model_name,
       steps);
  Code(tree, false, DSRTypes::RT_hasConceptMod, CODE_DCM_ProcedureReported,
       ToCode(request.content.procedure), steps);
  Text(tree, false, DSRTypes::RT_hasConceptMod, CODE_DCM_AlgorithmName,
       request.content.algorithm.name, steps);
  Text(tree, false, DSRTypes::RT_hasConceptMod, CODE_DCM_AlgorithmVersion,
       request.content.algorithm.version, steps);
  for (const std::string& parameter : request.content.algorithm.parameters) {
    Text(tree, false, DSRTypes::RT_hasConceptMod, CODE_DCM_AlgorithmParameters, parameter, steps);
  }
}

void AddMeasurements(DSRDocumentTree& tree, const SrContent& c, Steps& steps) {
  if (c.groups.empty()) return;
  Add(tree, false, DSRTypes::RT_contains, DSRTypes::VT_Container, CODE_DCM_ImagingMeasurements,
      steps);
  for (std::size_t i = 0; i < c.groups.size() && steps.ok(); ++i) {
    Text(tree, i == 0, DSRTypes::RT_contains, CODE_DCM_Finding, Sentence(c.groups[i]), steps);
  }
  tree.goUp();
}

// Basic Text SR allows HAS PROPERTIES only below TEXT and PNAME items (PS3.3 Table A.35.1-2), so
// the certainty and each differential entry's reasons follow their coded item as siblings.
void AddEvaluations(DSRDocumentTree& tree, const SrContent& c, Steps& steps) {
  Add(tree, false, DSRTypes::RT_contains, DSRTypes::VT_Container, CODE_UMLS_QualitativeEvaluations,
      steps);
  Code(tree, true, DSRTypes::RT_contains, ToCode(c.hemorrhage), ToCode(c.hemorrhage_value), steps);
  if (c.certainty_percent) {
    Text(tree, false, DSRTypes::RT_contains, CODE_DCM_CertaintyOfFinding,
         NumberText(*c.certainty_percent) + " %", steps);
  }
  for (const DifferentialItem& d : c.differential) {
    Code(tree, false, DSRTypes::RT_contains, CODE_DCM_DifferentialDiagnosisImpression,
         ToCode(d.diagnosis), steps);
    Text(tree, false, DSRTypes::RT_contains, CODE_DCM_Comment, d.reasons, steps);
  }
  for (const std::string& comment : c.comments)
    Text(tree, false, DSRTypes::RT_contains, CODE_DCM_Comment, comment, steps);
  tree.goUp();
}

}  // namespace

void BuildBasicTextTree(DSRDocument& document, const SrDocumentRequest& request, Steps& steps) {
  DSRDocumentTree& tree = document.getTree();
  if (!steps(tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container,
                                 ToCode(request.tmpl->codes.basic_text_title)),
             "document title")) {
    return;
  }
  AddContext(tree, request, steps);
  AddMeasurements(tree, request.content, steps);
  AddEvaluations(tree, request.content, steps);
}

}  // namespace alveo::sr::internal
