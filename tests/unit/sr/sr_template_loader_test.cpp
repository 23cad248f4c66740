// SPDX-License-Identifier: Apache-2.0
// The SR template loader (config/sr_template_loader.h): the shipped templates load, and a template
// that misses a key, has an unknown one, a malformed code or a private code outside the documented
// private scheme is refused naming the dotted key.
#include "config/sr_template_loader.h"

#include <string>

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "unit/sr/sr_test_util.h"

namespace alveo::sr::testing {
namespace {

std::string DefaultJson() {
  const std::optional<std::string> text =
      alveo::testing::ReadFile(std::string(ALVEO_SOURCE_DIR) + "/sr_templates/default.json");
  EXPECT_TRUE(text.has_value());
  return text.value_or("");
}

// default.json with `from` replaced by `to` (which must occur).
std::string Edited(const std::string& from, const std::string& to) {
  std::string text = DefaultJson();
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The error message of parsing `json`, which must fail with kConfigInvalid.
std::string Refusal(const std::string& json) {
  const Result<SrTemplate> parsed = config::ParseSrTemplate(json);
  EXPECT_FALSE(parsed.ok());
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), ErrorCode::kConfigInvalid);
  return parsed.status().message();
}

TEST(SrTemplateLoaderTest, ShippedTemplatesLoad) {
  const SrTemplate def = LoadTemplate("default");
  EXPECT_EQ(def.id, "alveo-default");
  EXPECT_EQ(def.output, SrOutputClass::kComprehensive3d);
  EXPECT_EQ(def.suspected_min_certainty, 20);
  EXPECT_EQ(def.series_number, 9901);
  EXPECT_EQ(def.private_scheme.designator, "99ALVEO");
  EXPECT_EQ(def.codes.percent_involved,
            (CodedConcept{"ALV0001", "99ALVEO", "Percent of lung involved"}));
  EXPECT_EQ(def.codes.crazy_paving, (CodedConcept{"ALV0002", "99ALVEO", "Crazy paving"}));
  EXPECT_EQ(def.codes.pulmonary_hemorrhage,
            (CodedConcept{"78144005", "SCT", "Pulmonary hemorrhage"}));
  EXPECT_EQ(def.codes.ground_glass, (CodedConcept{"112120", "DCM", "Ground glass opacity"}));

  const SrTemplate text = LoadTemplate("basic-text");
  EXPECT_EQ(text.output, SrOutputClass::kBasicText);
  EXPECT_EQ(text.series_number, 9902);
  // The text variant says the same things with the same codes.
  EXPECT_EQ(text.codes, def.codes);
  EXPECT_EQ(text.wording, def.wording);
}

TEST(SrTemplateLoaderTest, EveryKeyIsRequired) {
  EXPECT_NE(Refusal(Edited("\"suspected_min_certainty\": 20,", ""))
                .find("suspected_min_certainty: required"),
            std::string::npos);
  EXPECT_NE(Refusal(Edited("\"output\": \"comprehensive_3d\",", "")).find("output: required"),
            std::string::npos);
  EXPECT_NE(Refusal(Edited("\"report_not_analysable\": true,", ""))
                .find("report_not_analysable: required"),
            std::string::npos);
  EXPECT_NE(Refusal(Edited(", \"number\": 9901", "")).find("series.number: required"),
            std::string::npos);
  EXPECT_NE(
      Refusal(Edited("\"disclaimer\"", "\"disclaimers\"")).find("wording.disclaimer: required"),
      std::string::npos);
  EXPECT_NE(
      Refusal(
          Edited(
              "\"focal\": {\"value\": \"87017008\", \"scheme\": \"SCT\", \"meaning\": \"Focal\"},",
              ""))
          .find("codes.focal: required"),
      std::string::npos);
}

TEST(SrTemplateLoaderTest, UnknownKeysAndBadValuesAreNamed) {
  EXPECT_NE(Refusal(Edited("\"id\":", "\"colour\": \"red\", \"id\":")).find("colour"),
            std::string::npos);
  EXPECT_NE(Refusal(Edited("\"suspected_min_certainty\": 20", "\"suspected_min_certainty\": 101"))
                .find("suspected_min_certainty"),
            std::string::npos);
  EXPECT_NE(
      Refusal(Edited("\"output\": \"comprehensive_3d\"", "\"output\": \"pdf\"")).find("output"),
      std::string::npos);
  EXPECT_NE(Refusal(Edited("\"value\": \"39607008\"", "\"value\": \"39607008390000000\""))
                .find("codes.lung.value"),
            std::string::npos);
  EXPECT_NE(Refusal(Edited("\"Alveo lung opacity report\"", "\"" + std::string(65, 'x') + "\""))
                .find("series.description: must be at most 64 characters"),
            std::string::npos);
  EXPECT_TRUE(config::ParseSrTemplate(
                  Edited("\"Alveo lung opacity report\"", "\"" + std::string(64, 'x') + "\""))
                  .ok());
  EXPECT_NE(Refusal(Edited("\"meaning\": \"Lung\"", "\"meaning\": \"Lung\\\\Pulmo\""))
                .find("codes.lung.meaning"),
            std::string::npos);
}

TEST(SrTemplateLoaderTest, PrivateCodesMustUseTheDocumentedScheme) {
  const std::string message = Refusal(
      Edited("\"ALV0002\", \"scheme\": \"99ALVEO\"", "\"ALV0002\", \"scheme\": \"99OTHER\""));
  EXPECT_NE(message.find("codes.crazy_paving.scheme: must be the private scheme \"99ALVEO\""),
            std::string::npos)
      << message;
}

TEST(SrTemplateLoaderTest, FileErrorsNameThePath) {
  const Result<SrTemplate> missing = config::LoadSrTemplateFile("/nonexistent/site.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kConfigInvalid);
  EXPECT_NE(missing.status().message().find("/nonexistent/site.json"), std::string::npos);
}

}  // namespace
}  // namespace alveo::sr::testing
