// SPDX-License-Identifier: Apache-2.0
#include "http/study_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <ctime>

namespace alveo::http {

std::string IsoTime(TimePoint t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  const auto ms = ToUnixMillis(t) % 1000;
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms));
  return text;
}

ResultHeadline HeadlineOf(const std::string& result_json) {
  ResultHeadline headline;
  if (result_json.empty()) return headline;
  try {
    Poco::JSON::Parser parser;
    const auto object = parser.parse(result_json).extract<Poco::JSON::Object::Ptr>();
    headline.status = object->optValue<std::string>("status", "");
    headline.certainty = object->optValue<double>("certainty", 0.0);
    if (const auto differential = object->getArray("differential"); differential && differential->size() > 0) {
      if (const auto first = differential->getObject(0)) headline.top_differential = first->optValue<std::string>("meaning", "");
    }
  } catch (const Poco::Exception&) {
    headline = {};  // never fail the API on a bad stored document
  }
  return headline;
}

Poco::JSON::Object::Ptr StudyToJson(const StudySummary& study) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("study_key", study.study_key);
  json->set("study_instance_uid", study.study_instance_uid);
  json->set("state", std::string(PhaseName(study.phase)));
  json->set("version", study.version);
  json->set("instance_count", static_cast<Poco::UInt64>(study.instance_count));
  json->set("series_count", static_cast<Poco::UInt64>(study.series_count));
  Poco::JSON::Array::Ptr modalities = new Poco::JSON::Array;
  for (const auto& modality : study.modalities) modalities->add(modality);
  json->set("modalities", modalities);
  json->set("accession_number", study.accession_number);
  json->set("study_date", study.study_date);
  json->set("first_received", IsoTime(study.first_received));
  json->set("last_received", IsoTime(study.last_received));
  json->set("completed_at", study.completed_at ? Poco::Dynamic::Var(IsoTime(*study.completed_at)) : Poco::Dynamic::Var());
  json->set("completion_reason", study.completion_reason
                                     ? Poco::Dynamic::Var(std::string(CompletionReasonName(*study.completion_reason)))
                                     : Poco::Dynamic::Var());
  json->set("processed_at", study.processed_at ? Poco::Dynamic::Var(IsoTime(*study.processed_at)) : Poco::Dynamic::Var());
  json->set("detail", study.detail);
  const ResultHeadline headline = HeadlineOf(study.result_json);
  json->set("result_status", headline.status.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(headline.status));
  json->set("certainty", headline.status.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(headline.certainty));
  json->set("top_differential",
            headline.top_differential.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(headline.top_differential));
  return json;
}

Poco::JSON::Object::Ptr StudyDetailToJson(const StudySummary& study) {
  Poco::JSON::Object::Ptr json = StudyToJson(study);
  if (study.result_json.empty()) {
    json->set("result", Poco::Dynamic::Var());
  } else {
    try {
      Poco::JSON::Parser parser;
      json->set("result", parser.parse(study.result_json));
    } catch (const Poco::Exception&) {
      json->set("result", Poco::Dynamic::Var());  // never fail the API on a bad stored document
    }
  }
  return json;
}

Poco::JSON::Object::Ptr DeliveryToJson(const DeliveryView& d) {
  const auto optional_time = [](const std::optional<TimePoint>& t) {
    return t ? Poco::Dynamic::Var(IsoTime(*t)) : Poco::Dynamic::Var();
  };
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("id", d.id);
  json->set("destination", d.destination);
  json->set("ae_title", d.address.ae_title);
  json->set("host", d.address.host);
  json->set("port", d.address.port);
  json->set("sop_instance_uid", d.sop_instance_uid);
  json->set("study_key", d.study_key);
  json->set("state", d.state);
  json->set("attempts", d.attempts);
  json->set("created_at", IsoTime(d.created_at));
  json->set("next_attempt_at", optional_time(d.next_attempt_at));
  json->set("finished_at", optional_time(d.finished_at));
  json->set("last_error", d.last_error);
  return json;
}

Poco::JSON::Object::Ptr ErrorToJson(const Status& status) {
  Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  error->set("code", std::string(Describe(status.code()).name));
  error->set("message", status.message());
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object;
  json->set("error", error);
  return json;
}

}  // namespace alveo::http
