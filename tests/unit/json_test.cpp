// Shared text helpers: storable JSON text and name-based UUIDs.

#include <gtest/gtest.h>

#include "common/json/precise_parse.hpp"
#include "common/json/storable_text.hpp"
#include "common/uuid.hpp"

namespace personsync {
namespace {

std::pair<std::string, std::size_t> storable(std::string text) {
  const std::size_t n = json::make_storable(text);
  return {text, n};
}

TEST(StorableText, ReplacesWhatPostgresCannotStoreAndCountsIt) {
  EXPECT_EQ(storable(R"({"a":"x\u0000y"})"), std::make_pair(std::string(R"({"a":"x\ufffdy"})"), std::size_t{1}));
  EXPECT_EQ(storable(R"(["\ud800"])"), std::make_pair(std::string(R"(["\ufffd"])"), std::size_t{1})) << "lone high";
  EXPECT_EQ(storable(R"(["\udc00x"])"), std::make_pair(std::string(R"(["\ufffdx"])"), std::size_t{1})) << "lone low";
  EXPECT_EQ(storable(R"(["\ud800\u0041"])"), std::make_pair(std::string(R"(["\ufffd\u0041"])"), std::size_t{1}));
  EXPECT_EQ(storable("[\"a\xff" "b\"]"), std::make_pair(std::string("[\"a\xEF\xBF\xBD" "b\"]"), std::size_t{1}));
  EXPECT_EQ(storable("[\"\xC0\xAF\"]").second, 2u) << "an overlong encoding is two bad bytes";
}

TEST(StorableText, LeavesValidTextAlone) {
  for (const std::string& text : {std::string(R"({"a":"\ud83d\ude00 ok"})"), std::string(R"(["\\u0000 is text"])"),
                                 std::string("[\"Zo\xC3\xAB \xF0\x9F\x98\x80\"]"), std::string(R"({"k\u0001":1})")}) {
    EXPECT_EQ(storable(text), std::make_pair(text, std::size_t{0})) << text;
  }
}

TEST(StorableText, TheResultParses) {
  std::string text = "{\"a\":\"\\u0000\",\"b\":\"\\udfff\",\"c\":\"\xfe\"}";
  json::make_storable(text);
  boost::system::error_code ec;
  const auto v = json::parse_precise(text, ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(v.at("a").as_string(), "\xEF\xBF\xBD");
  EXPECT_EQ(v.at("c").as_string(), "\xEF\xBF\xBD");
}

TEST(PreciseJson, DeeplyNestedDocumentsParse) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "{\"n\":";
  text += "1";
  for (int i = 0; i < 40; ++i) text += "}";
  boost::system::error_code ec;
  json::parse_precise(text, ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST(Uuid5, MatchesReferenceValues) {
  // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
  EXPECT_EQ(uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  // PostHog's split-off namespace with "<team_id>:<distinct_id>", by the same reference.
  EXPECT_EQ(uuid5("932979b4-65c3-4424-8467-0b66ec27bc22", "1:anon-distinct-42"), "dbdb9e34-6a71-563b-93e1-386d518badb0");
}

TEST(Uuid, CanonicalTextAndBytesRoundTripAndNothingElseParses) {
  const uuid_bytes bytes = parse_uuid("0E5C8D4A-1b2c-4D3E-8f90-A1B2C3D4E5F6");
  EXPECT_EQ(bytes.front(), 0x0e);
  EXPECT_EQ(bytes.back(), 0xf6);
  EXPECT_EQ(uuid_text(bytes), "0e5c8d4a-1b2c-4d3e-8f90-a1b2c3d4e5f6");
  for (const char* bad : {"", "0e5c8d4a1b2c4d3e8f90a1b2c3d4e5f6", "{0e5c8d4a-1b2c-4d3e-8f90-a1b2c3d4e5f6}",
                          "0e5c8d4a-1b2c-4d3e-8f90-a1b2c3d4e5fg", "0e5c8d4a-1b2c-4d3e-8f90a-1b2c3d4e5f6"}) {
    EXPECT_THROW(parse_uuid(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace personsync
