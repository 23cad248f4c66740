// SPDX-License-Identifier: Apache-2.0
// TID 1500 with DCMTK 3.6.7's cmr classes. What 3.6.7 lacks is added on the expanded tree:
// Certainty of Finding (111012) under the hemorrhage evaluation, the measured reasons under each
// Differential Diagnosis/Impression entry, and TID 4019 Algorithm Identification in each
// measurement group (current DICOM puts it there; the 3.6.7 TID 1501 class has no row for it).
#include <algorithm>
#include <map>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/cmr/tid1500.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/codes/umls.h>

#include "core/uid.h"
#include "sr/sr_trees.h"

namespace alveo::sr::internal {
namespace {

using Report = TID1500_MeasurementReport;
using Group = Report::TID1501_Measurements;

constexpr Uint32 kHeaderOnly = 4096;  // leave pixel data on disk when reading image descriptors

void AddImageLibrary(Report& report, const SrDocumentRequest& request, Steps& steps) {
  std::map<std::string, std::vector<const SrEvidence*>> by_series;
  for (const SrEvidence& e : request.evidence) {
    if (!e.file.empty()) by_series[e.series_instance_uid].push_back(&e);
  }
  if (by_series.empty()) return;
  TID1600_ImageLibrary& library = report.getImageLibrary();
  // DCMTK 3.6.7 includes TID 1600 empty; its root container (row 1) must be created first.
  if (!library.hasImageLibrary() && !steps(library.createNewImageLibrary(), "image library"))
    return;
  for (const auto& [series, members] : by_series) {
    if (!steps(library.addImageGroup(), "image library group")) return;
    for (const SrEvidence* e : members) {
      DcmFileFormat file;
      if (!steps(file.loadFile(e->file.c_str(), EXS_Unknown, EGL_noChange, kHeaderOnly),
                 "read analysed image"))
        return;
      if (!steps(
              library.addImageEntry(*file.getDataset(), TID1600_ImageLibrary::withAllDescriptors),
              "image library entry")) {
        return;
      }
    }
  }
  steps(library.moveCommonImageDescriptorsToImageGroups(), "image library descriptors");
}

void AddGroup(Report& report, const MeasurementGroup& group, const SrDocumentRequest& request,
              const SrTemplate& t, bool first, Steps& steps) {
  if (!first &&
      !steps(report.addIndividualMeasurements(OFFalse /*checkEmpty*/), "measurement group"))
    return;
  Group& g = report.getIndividualMeasurements();
  const std::string tracking_uid =
      DeriveUid("alveo-sr-tracking|" + request.sop_instance_uid + "|" + group.tracking_id);
  steps(g.setTrackingIdentifier(group.tracking_id.c_str()), "tracking identifier");
  steps(g.setTrackingUniqueIdentifier(tracking_uid.c_str()), "tracking unique identifier");
  if (group.finding) steps(g.setFinding(ToCode(*group.finding)), "finding");
  steps(g.addFindingSite(ToCode(t.codes.lung), CID244e_Laterality(ToCode(group.laterality))),
        "finding site");
  for (const Measurement& m : group.measurements) {
    const Group::MeasurementValue value(
        NumberText(m.value).c_str(),
        CID7181_AbstractMultiDimensionalImageModelComponentUnits(ToCode(m.unit)));
    steps(g.addMeasurement(CID7469_GenericIntensityAndSizeMeasurements(ToCode(m.name)), value),
          "measurement");
  }
  for (const auto& [name, value] : group.evaluations) {
    steps(g.addQualitativeEvaluation(ToCode(name), ToCode(value)), "group qualitative evaluation");
  }
}

void AddEvaluations(Report& report, const SrContent& c, Steps& steps) {
  steps(report.addQualitativeEvaluation(ToCode(c.hemorrhage), ToCode(c.hemorrhage_value)),
        "hemorrhage evaluation");
  for (const DifferentialItem& d : c.differential) {
    steps(report.addQualitativeEvaluation(CODE_DCM_DifferentialDiagnosisImpression,
                                          ToCode(d.diagnosis)),
          "differential entry");
  }
  for (const std::string& comment : c.comments) {
    steps(report.addQualitativeEvaluation(CODE_DCM_Comment, comment.c_str()), "comment");
  }
}

// Adds `value` as a TEXT child (relationship `type`) of the current node and returns to it.
void AddTextChild(DSRDocumentTree& tree, DSRTypes::E_RelationshipType type,
                  const DSRCodedEntryValue& name, const std::string& value, Steps& steps) {
  if (!steps(tree.addChildContentItem(type, DSRTypes::VT_Text, name), "add text item")) return;
  steps(tree.getCurrentContentItem().setStringValue(value.c_str()), "text value");
  tree.goUp();
}

void AddCertainty(DSRDocumentTree& tree, const SrContent& c, Steps& steps) {
  if (!c.certainty_percent || tree.gotoNamedNode(ToCode(c.hemorrhage)) == 0) return;
  if (!steps(tree.addChildContentItem(DSRTypes::RT_hasProperties, DSRTypes::VT_Num,
                                      CODE_DCM_CertaintyOfFinding),
             "certainty item")) {
    return;
  }
  const DSRNumericMeasurementValue value(NumberText(*c.certainty_percent).c_str(),
                                         DSRCodedEntryValue("%", "UCUM", "percent"));
  steps(tree.getCurrentContentItem().setNumericValue(value), "certainty value");
  tree.goUp();
}

void AddDifferentialReasons(DSRDocumentTree& tree, const SrContent& c, Steps& steps) {
  std::size_t node = tree.gotoNamedNode(CODE_DCM_DifferentialDiagnosisImpression);
  for (const DifferentialItem& d : c.differential) {
    if (node == 0) return steps.Fail("differential entry missing from the expanded tree");
    AddTextChild(tree, DSRTypes::RT_hasProperties, CODE_DCM_Comment, d.reasons, steps);
    node = tree.gotoNextNamedNode(CODE_DCM_DifferentialDiagnosisImpression);
  }
}

void AddAlgorithmIdentification(DSRDocumentTree& tree, const AlgorithmInfo& algorithm,
                                Steps& steps) {
  for (std::size_t node = tree.gotoNamedNode(CODE_DCM_MeasurementGroup); node != 0 && steps.ok();
       node = tree.gotoNextNamedNode(CODE_DCM_MeasurementGroup)) {
    AddTextChild(tree, DSRTypes::RT_hasConceptMod, CODE_DCM_AlgorithmName, algorithm.name, steps);
    AddTextChild(tree, DSRTypes::RT_hasConceptMod, CODE_DCM_AlgorithmVersion, algorithm.version,
                 steps);
    for (const std::string& parameter : algorithm.parameters) {
      AddTextChild(tree, DSRTypes::RT_hasConceptMod, CODE_DCM_AlgorithmParameters, parameter,
                   steps);
    }
  }
}

}  // namespace

void BuildTid1500Tree(DSRDocument& document, const SrDocumentRequest& request, Steps& steps) {
  const SrTemplate& t = *request.tmpl;
  const SrContent& c = request.content;
  Report report(CMR_CID7021::ImagingMeasurementReport);
  steps(report.setLanguage(CID5000_Languages(ToCode(t.language))), "language");
  steps(report.getObservationContext().addDeviceObserver(
            request.device_observer_uid.c_str(), t.device_name.c_str(), t.manufacturer.c_str(),
            t.model_name.c_str()),
        "device observer");
  steps(report.addProcedureReported(
            CID100_QuantitativeDiagnosticImagingProcedures(ToCode(c.procedure))),
        "procedure reported");
  if (request.image_library) AddImageLibrary(report, request, steps);
  for (std::size_t i = 0; i < c.groups.size() && steps.ok(); ++i)
    AddGroup(report, c.groups[i], request, t, i == 0, steps);
  AddEvaluations(report, c, steps);
  if (!steps.ok()) return;
  if (!steps(document.setTreeFromRootTemplate(report, OFTrue /*expandTree*/), "document tree"))
    return;
  DSRDocumentTree& tree = document.getTree();
  AddCertainty(tree, c, steps);
  AddDifferentialReasons(tree, c, steps);
  AddAlgorithmIdentification(tree, c.algorithm, steps);
}

}  // namespace alveo::sr::internal
