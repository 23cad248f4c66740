// SPDX-License-Identifier: Apache-2.0
// Small building blocks of the phantom: derived UIDs, character-set encoding, JSON writing, the
// random generator and value noise.
#include <cmath>
#include <set>
#include <string>

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "core/uid.h"
#include "phantom/json_writer.h"
#include "phantom/random.h"
#include "phantom/text_encoding.h"
#include "phantom/value_noise.h"

namespace alveo::phantom {
namespace {

TEST(TextEncodingTest, ConvertsUtf8ToTheCharacterSet) {
  EXPECT_EQ(EncodeText("Müller^Jürgen", "ISO_IR 100").value(), "M\xFCller^J\xFCrgen");
  EXPECT_EQ(EncodeText("Müller^Jürgen", "ISO_IR 192").value(), "Müller^Jürgen");
  EXPECT_EQ(EncodeText("DOE^JOHN", "").value(), "DOE^JOHN");
  EXPECT_FALSE(EncodeText("Müller", "").ok());
  EXPECT_FALSE(EncodeText("Müller", "ISO_IR 6").ok());
  EXPECT_FALSE(EncodeText("山田", "ISO_IR 100").ok());
  EXPECT_FALSE(EncodeText("\xC3", "ISO_IR 192").ok());      // truncated sequence
  EXPECT_FALSE(EncodeText("\xC0\xAF", "ISO_IR 100").ok());  // overlong encoding
  EXPECT_FALSE(EncodeText("abc", "ISO 2022 IR 87").ok());
}

TEST(JsonWriterTest, ProducesParseableJson) {
  JsonWriter w;
  w.BeginObject();
  w.Field("name", "a \"quoted\"\nline\\");
  w.Field("count", 3);
  w.Field("ratio", 0.25);
  w.Field("nan", std::nan(""));
  w.Field("flag", true);
  w.BeginArray("list").Element(1.5).Element(2.0).EndArray();
  w.BeginObject("empty").EndObject();
  w.EndObject();
  Poco::JSON::Parser parser;
  const auto obj = parser.parse(w.str()).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(obj->getValue<std::string>("name"), "a \"quoted\"\nline\\");
  EXPECT_EQ(obj->getValue<int>("count"), 3);
  EXPECT_DOUBLE_EQ(obj->getValue<double>("ratio"), 0.25);
  EXPECT_TRUE(obj->isNull("nan"));
  EXPECT_EQ(obj->getArray("list")->size(), 2u);
}

TEST(RandomTest, SplitMix64IsStableAndNormalHasUnitVariance) {
  SplitMix64 a(42), b(42);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.Next(), b.Next());
  // Reference value of SplitMix64 seeded with 0 (first output).
  EXPECT_EQ(SplitMix64(0).Next(), 0xE220A8397B1DCDAFull);
  SplitMix64 rng(7);
  double sum = 0.0, sum2 = 0.0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double v = rng.Normal();
    sum += v;
    sum2 += v * v;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.02);
}

TEST(ValueNoiseTest, PlaneMatchesThePointwiseNoise) {
  const ValueNoise3D noise(5, 16.0);
  const NoisePlane plane(noise, 37.0, -100.0, 100.0, -80.0, 90.0);
  for (double x = -95.0; x < 95.0; x += 13.7) {
    for (double y = -75.0; y < 85.0; y += 11.3) {
      EXPECT_NEAR(plane.At(x, y), noise.At(x, y, 37.0), 1e-9);
    }
  }
}

}  // namespace
}  // namespace alveo::phantom
