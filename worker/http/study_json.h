// SPDX-License-Identifier: Apache-2.0
// JSON views of API values (Poco::JSON), kept apart from the server plumbing. Internal to http/.
#pragma once

#include <Poco/JSON/Object.h>

#include "core/ports.h"
#include "core/status.h"
#include "core/study_types.h"

namespace alveo::http {

// The headline of a stored result document: status ("" when none), certainty, top differential.
struct ResultHeadline {
  std::string status;
  double certainty = 0;
  std::string top_differential;
};
ResultHeadline HeadlineOf(const std::string& result_json);

// The list view: the summary plus the result headline (result_status, certainty, top_differential).
Poco::JSON::Object::Ptr StudyToJson(const StudySummary& study);
// StudyToJson plus "result": the classifier's result document (README "Classification result").
Poco::JSON::Object::Ptr StudyDetailToJson(const StudySummary& study);
Poco::JSON::Object::Ptr DeliveryToJson(const DeliveryView& delivery);
Poco::JSON::Object::Ptr ErrorToJson(const Status& status);
std::string IsoTime(TimePoint t);

}  // namespace alveo::http
