// SPDX-License-Identifier: Apache-2.0
// Instance metadata from Orthanc's tag JSON (the "short" form: "gggg,eeee" -> string, multiple
// values joined by '\'), as returned by GET /studies/{id}/instances-tags?short. Lets the plugin
// apply the study filter and derive the SR's UIDs before it downloads any pixel data. Only the
// fields the filter, the UID derivation and the instance selection use are filled. Thread-safety:
// pure functions.
#pragma once

#include <map>
#include <string>

#include "core/instance.h"
#include "core/status.h"

namespace alveo::orthanc_plugin {

// One instance's tags: tag key ("0008,0060", lower-case hex as Orthanc writes it) -> value.
using ShortTags = std::map<std::string, std::string>;

InstanceMeta InstanceMetaFromShortTags(const ShortTags& tags);

// Parses the whole answer of /studies/{id}/instances-tags?short: Orthanc instance ID -> tags.
// Values that are not strings (sequences, binary) are left out.
Result<std::map<std::string, ShortTags>> ParseStudyInstancesTags(const std::string& json_text);

// True for Structured Report documents (SOP Class 1.2.840.10008.5.1.4.1.1.88.*): never inputs.
bool IsStructuredReport(const InstanceMeta& meta);

}  // namespace alveo::orthanc_plugin
