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

}  // namespace
}  // namespace personsync
