// SPDX-License-Identifier: Apache-2.0
// ParsePluginConfig: defaults, every key, and one clear error per problem (named by its key).
#include "plugins/orthanc/plugin_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace alveo::orthanc_plugin {
namespace {

bool HasError(const ParsedConfig& parsed, const std::string& fragment) {
  return std::any_of(parsed.errors.begin(), parsed.errors.end(),
                     [&](const std::string& error) { return error.find(fragment) != std::string::npos; });
}

std::string Errors(const ParsedConfig& parsed) {
  std::string text;
  for (const std::string& error : parsed.errors) text += error + "\n";
  return text;
}

TEST(PluginConfigTest, MissingMemberGivesDefaults) {
  const ParsedConfig parsed = ParsePluginConfig(R"({"Name": "PACS"})");
  ASSERT_TRUE(parsed.errors.empty()) << Errors(parsed);
  EXPECT_TRUE(parsed.config.enabled);
  EXPECT_EQ(parsed.config.sr_template, "default");
  EXPECT_EQ(parsed.config.ae_title, "ALVEO");
  EXPECT_EQ(parsed.config.threads, 0);
  EXPECT_EQ(parsed.config.nice, 10);
  EXPECT_TRUE(parsed.config.forward_to_modalities.empty());
  EXPECT_EQ(parsed.config.study_filter, StudyFilterSettings{});
}

TEST(PluginConfigTest, ReadsEveryKey) {
  const ParsedConfig parsed = ParsePluginConfig(R"({
    "DicomModalities": {"pacs": ["PACS", "127.0.0.1", 104], "viewer": {"AET": "VIEW", "Host": "10.0.0.2", "Port": 11112}},
    "Alveo": {"Enabled": false, "SrTemplate": "basic-text", "AeTitle": "ALVEO_OR", "Threads": 2, "Nice": 0,
              "StudyFilter": {"modalities": ["CT"], "include_patterns": ["CHEST"], "analyse_unlabelled": false},
              "ForwardToModalities": ["pacs", "viewer"], "ForwardRetrySeconds": 5, "ForwardMaxAttempts": 3}})");
  ASSERT_TRUE(parsed.errors.empty()) << Errors(parsed);
  EXPECT_FALSE(parsed.config.enabled);
  EXPECT_EQ(parsed.config.sr_template, "basic-text");
  EXPECT_EQ(parsed.config.ae_title, "ALVEO_OR");
  EXPECT_EQ(parsed.config.threads, 2);
  EXPECT_EQ(parsed.config.nice, 0);
  EXPECT_EQ(parsed.config.study_filter.modalities, std::vector<std::string>{"CT"});
  EXPECT_EQ(parsed.config.study_filter.include_patterns, std::vector<std::string>{"CHEST"});
  EXPECT_FALSE(parsed.config.study_filter.analyse_unlabelled);
  EXPECT_EQ(parsed.config.forward_to_modalities, (std::vector<std::string>{"pacs", "viewer"}));
  EXPECT_EQ(parsed.config.forward_retry_seconds, 5);
  EXPECT_EQ(parsed.config.forward_max_attempts, 3);
}

TEST(PluginConfigTest, EachProblemIsNamed) {
  const ParsedConfig parsed = ParsePluginConfig(R"({"Alveo": {
    "Enabled": "yes", "Colour": 1, "AeTitle": "A_TITLE_LONGER_THAN_16", "Threads": -1, "Nice": 25,
    "StudyFilter": {"modalities": ["ct scanner!"], "include_patterns": ["(unclosed"], "exclude": []},
    "ForwardToModalities": ["nowhere", 3], "ForwardRetrySeconds": 1.5}})");
  EXPECT_TRUE(HasError(parsed, "Alveo.Enabled must be true or false")) << Errors(parsed);
  EXPECT_TRUE(HasError(parsed, "unknown key Alveo.Colour")) << Errors(parsed);
  EXPECT_TRUE(HasError(parsed, "Alveo.AeTitle:")) << Errors(parsed);
  EXPECT_TRUE(HasError(parsed, "Alveo.Threads is -1, out of range [0, 256]")) << Errors(parsed);
  EXPECT_TRUE(HasError(parsed, "Alveo.Nice is 25, out of range [0, 19]")) << Errors(parsed);
  EXPECT_TRUE(HasError(parsed, "Alveo.StudyFilter.modalities[0]")) << Errors(parsed);
  EXPECT_TRUE(HasError(parsed, "Alveo.StudyFilter.include_patterns[0]")) << Errors(parsed);
  EXPECT_TRUE(HasError(parsed, "Alveo.StudyFilter.exclude")) << Errors(parsed);
  EXPECT_TRUE(HasError(parsed, "\"nowhere\", which is not in Orthanc's DicomModalities")) << Errors(parsed);
  EXPECT_TRUE(HasError(parsed, "Alveo.ForwardToModalities[1] must be a non-empty string")) << Errors(parsed);
  EXPECT_TRUE(HasError(parsed, "Alveo.ForwardRetrySeconds must be an integer")) << Errors(parsed);
}

TEST(PluginConfigTest, UsesOrthancsTemporaryDirectory) {
  EXPECT_EQ(ParsePluginConfig(R"({"TemporaryDirectory": "/srv/orthanc-tmp"})").config.temp_parent, "/srv/orthanc-tmp");
  EXPECT_EQ(ParsePluginConfig(R"({"Alveo": {}})").config.temp_parent, "");
}

TEST(PluginConfigTest, ModalitiesKeptInOrthancsDatabaseAreNotChecked) {
  const ParsedConfig parsed =
      ParsePluginConfig(R"({"DicomModalitiesInDatabase": true, "Alveo": {"ForwardToModalities": ["later"]}})");
  ASSERT_TRUE(parsed.errors.empty()) << Errors(parsed);
  EXPECT_EQ(parsed.config.forward_to_modalities, std::vector<std::string>{"later"});
}

TEST(PluginConfigTest, NotAnObject) {
  EXPECT_TRUE(HasError(ParsePluginConfig(R"({"Alveo": [1]})"), "must be a JSON object"));
  EXPECT_TRUE(HasError(ParsePluginConfig(R"({"Alveo": {"StudyFilter": 3}})"), "Alveo.StudyFilter must be a JSON object"));
  EXPECT_FALSE(ParsePluginConfig("not json").errors.empty());
}

// The sample configuration shipped in deploy/orthanc loads without an error.
TEST(PluginConfigTest, ShippedSampleIsValid) {
  std::ifstream file(std::string(ALVEO_SOURCE_DIR) + "/deploy/orthanc/orthanc.json");
  ASSERT_TRUE(file) << "deploy/orthanc/orthanc.json missing";
  std::ostringstream text;
  text << file.rdbuf();
  const ParsedConfig parsed = ParsePluginConfig(text.str());
  EXPECT_TRUE(parsed.errors.empty()) << Errors(parsed);
}

}  // namespace
}  // namespace alveo::orthanc_plugin
