// SPDX-License-Identifier: Apache-2.0
#include "plugins/orthanc/orthanc_tags.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <charconv>
#include <optional>

namespace alveo::orthanc_plugin {
namespace {

std::string Get(const ShortTags& tags, const char* key) {
  const auto found = tags.find(key);
  return found == tags.end() ? std::string() : found->second;
}

// An IS/US value ("512", " 60 "); nullopt when absent or not an integer.
std::optional<int> GetInt(const ShortTags& tags, const char* key) {
  std::string text = Get(tags, key);
  const auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return std::nullopt;
  const auto last = text.find_last_not_of(' ');
  text = text.substr(first, last - first + 1);
  if (!text.empty() && text.front() == '+') text.erase(0, 1);
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

InstanceMeta InstanceMetaFromShortTags(const ShortTags& tags) {
  InstanceMeta meta;
  meta.sop_class_uid = Get(tags, "0008,0016");
  meta.sop_instance_uid = Get(tags, "0008,0018");
  meta.study_instance_uid = Get(tags, "0020,000d");
  meta.series_instance_uid = Get(tags, "0020,000e");
  meta.modality = Get(tags, "0008,0060");
  meta.body_part_examined = Get(tags, "0018,0015");
  meta.study_description = Get(tags, "0008,1030");
  meta.series_description = Get(tags, "0008,103e");
  meta.protocol_name = Get(tags, "0018,1030");
  meta.image_type = Get(tags, "0008,0008");
  meta.view_position = Get(tags, "0018,5101");
  meta.accession_number = Get(tags, "0008,0050");
  meta.study_date = Get(tags, "0008,0020");
  meta.instance_number = GetInt(tags, "0020,0013");
  meta.number_of_frames = GetInt(tags, "0028,0008");
  meta.rows = GetInt(tags, "0028,0010").value_or(0);
  meta.columns = GetInt(tags, "0028,0011").value_or(0);
  return meta;
}

Result<std::map<std::string, ShortTags>> ParseStudyInstancesTags(const std::string& json_text) {
  Poco::JSON::Object::Ptr root;
  try {
    root = Poco::JSON::Parser().parse(json_text).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    return Status::Error(ErrorCode::kInvalidArgument, "instances-tags answer is not a JSON object: " + e.displayText());
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kInvalidArgument, std::string("instances-tags answer is not a JSON object: ") + e.what());
  }
  if (!root) return Status::Error(ErrorCode::kInvalidArgument, "instances-tags answer is not a JSON object");
  std::map<std::string, ShortTags> instances;
  for (const auto& [instance_id, value] : *root) {
    Poco::JSON::Object::Ptr tags_json;
    try {
      tags_json = value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
      return Status::Error(ErrorCode::kInvalidArgument, "instances-tags: instance " + instance_id + " has no tag object");
    }
    ShortTags& tags = instances[instance_id];
    if (!tags_json) continue;
    for (const auto& [tag, tag_value] : *tags_json) {
      if (tag_value.isString()) tags.emplace(tag, tag_value.extract<std::string>());
    }
  }
  return instances;
}

bool IsStructuredReport(const InstanceMeta& meta) {
  return meta.sop_class_uid.rfind("1.2.840.10008.5.1.4.1.1.88.", 0) == 0;
}

}  // namespace alveo::orthanc_plugin
