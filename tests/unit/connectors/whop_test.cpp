// The Whop connector's pure parts: request building from every config key,
// item mapping (every field, nulls, wrong types), page parsing and planning.

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <gtest/gtest.h>

#include "common/json/precise_parse.hpp"
#include "connectors/whop/whop_item.hpp"
#include "connectors/whop/whop_stream.hpp"

namespace personsync::whop {
namespace {

using namespace std::chrono_literals;

whop_source_config config() {
  whop_source_config cfg;
  cfg.source.name = "store";
  cfg.source.base_url = "https://api.whop.com/api/v1";
  cfg.source.token.emplace("tok");
  cfg.account_id = "biz_abc";
  cfg.page_size = 50;
  cfg.sort = "ltv";
  cfg.direction = "asc";
  cfg.filters = {{"ltv", "gt", "10"}, {"email", "contains", "@example.com"}};
  return cfg;
}

std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  for (const auto& p : boost::urls::parse_uri(url)->params()) out[p.key] = p.value;
  return out;
}

TEST(WhopRequest, CarriesEveryParameterOfTheSeed) {
  const whop_source_config cfg = config();
  const whop_offset_stream stream(cfg, {1000, 2000});
  const paging::page_request r = stream.request_at(150);
  EXPECT_TRUE(r.http.url.starts_with("https://api.whop.com/api/v1/people?"));
  EXPECT_EQ(r.http.bearer, &*cfg.source.token);
  EXPECT_EQ(r.position, 150);
  const auto q = query_of(r.http.url);
  EXPECT_EQ(q.at("account_id"), "biz_abc");
  EXPECT_EQ(q.at("from"), "1000");
  EXPECT_EQ(q.at("to"), "2000");
  EXPECT_EQ(q.at("first"), "50");
  EXPECT_EQ(q.at("offset"), "150");
  EXPECT_EQ(q.at("sort"), "ltv");
  EXPECT_EQ(q.at("direction"), "asc");
  EXPECT_EQ(boost::json::parse(q.at("filters")),
            boost::json::parse(R"([{"field":"ltv","operator":"gt","value":"10"},)"
                               R"({"field":"email","operator":"contains","value":"@example.com"}])"));
}

TEST(WhopRequest, AccountIdAndFiltersOnlyWhenConfigured) {
  whop_source_config cfg = config();
  cfg.account_id.reset();
  cfg.filters.clear();
  const auto q = query_of(whop_offset_stream(cfg, {1, 2}).request_at(0).http.url);
  EXPECT_FALSE(q.contains("account_id"));
  EXPECT_FALSE(q.contains("filters"));
}

TEST(WhopWindow, FullAndIncremental) {
  whop_source_config cfg = config();
  const auto now = std::chrono::system_clock::from_time_t(1'800'000'000);
  const time_window full = full_sweep_window(cfg, now);
  EXPECT_EQ(full.to, 1'800'000'000);
  EXPECT_EQ(full.to - full.from, 366 * 86400);
  const time_window inc = incremental_window(cfg, 1'799'990'000, now);
  EXPECT_EQ(inc.from, 1'799'990'000 - 3600);
  EXPECT_EQ(inc.to, 1'800'000'000);
}

boost::json::value parse(std::string_view text) {
  boost::system::error_code ec;
  return json::parse_precise(text, ec);
}

boost::json::value full_item() {
  return parse(R"({
    "id": "user_1", "person_id": "prsn_1", "name": "Zoë \"Z\" O'Brien\n😀", "email": " Zoe@Example.com ",
    "phone": "+1 (415) 555-0132", "first_seen_at": 1700000000, "last_seen_at": 1700003600, "purchase_count": 3,
    "has_failed_payment": true, "ltv": 59.970000000000006, "aov": 19.99,
    "campaigns": [{"id": "cmp_1", "name": "Spring", "thumbnail_url": null}],
    "ad_sets": [{"id": "adset_1"}], "ads": []
  })");
}

connectors::source_record mapped(const boost::json::value& item) {
  auto result = map_person(item, "biz_abc", std::chrono::system_clock::now());
  if (auto* reason = std::get_if<std::string>(&result)) ADD_FAILURE() << *reason;
  return std::get<connectors::source_record>(std::move(result));
}

TEST(WhopItem, EveryFieldLands) {
  const connectors::source_record r = mapped(full_item());
  EXPECT_EQ(r.source, "whop");
  EXPECT_EQ(r.scope, "biz_abc");
  EXPECT_EQ(r.source_key, "user_1");
  EXPECT_EQ(r.identifiers, (std::vector<connectors::identifier>{{"whop_user_id", "user_1"},
                                                                {"whop_person_id", "prsn_1"},
                                                                {"email", " Zoe@Example.com "},
                                                                {"phone", "+1 (415) 555-0132"}}));
  const auto& a = r.attributes;
  EXPECT_EQ(a.at("name").as_string(), "Zoë \"Z\" O'Brien\n😀");
  EXPECT_EQ(a.at("first_seen_at").as_int64(), 1700000000);
  EXPECT_EQ(a.at("last_seen_at").as_int64(), 1700003600);
  EXPECT_EQ(a.at("purchase_count").as_int64(), 3);
  EXPECT_EQ(a.at("has_failed_payment").as_bool(), true);
  EXPECT_EQ(a.at("ltv").as_double(), 59.970000000000006);
  EXPECT_EQ(a.at("aov").as_double(), 19.99);
  EXPECT_EQ(a.at("campaigns").as_array().size(), 1u);
  EXPECT_EQ(a.at("ad_sets").at(0).at("name"), nullptr);
  EXPECT_TRUE(a.at("ads").as_array().empty());
  EXPECT_EQ(parse(r.payload), full_item()) << "the payload is the item, whole";
}

TEST(WhopItem, NullsAndAbsentOptionalFieldsAreNotErrors) {
  const connectors::source_record r = mapped(parse(R"({
    "id": "user_2", "person_id": "prsn_2", "name": null, "email": null, "phone": null,
    "first_seen_at": 1, "last_seen_at": 2, "purchase_count": 0})"));
  EXPECT_EQ(r.identifiers.size(), 2u) << "no email or phone identifier for nulls";
  EXPECT_TRUE(r.attributes.at("name").is_null());
  EXPECT_TRUE(r.attributes.at("ltv").is_null());
  EXPECT_TRUE(r.attributes.at("has_failed_payment").is_null());
  EXPECT_TRUE(r.attributes.at("campaigns").as_array().empty());
}

TEST(WhopItem, ContractViolationsAreRejectedWithTheirReason) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"person_id":"p","first_seen_at":1,"last_seen_at":2,"purchase_count":0})", "required field 'id' is missing"},
      {R"({"id":7,"person_id":"p","first_seen_at":1,"last_seen_at":2,"purchase_count":0})",
       "field 'id' must be a string, got an integer"},
      {R"({"id":"u","person_id":"p","first_seen_at":"yesterday","last_seen_at":2,"purchase_count":0})",
       "field 'first_seen_at' must be an integer, got a string"},
      {R"({"id":"u","person_id":"p","first_seen_at":1,"last_seen_at":2,"purchase_count":1.5})",
       "field 'purchase_count' must be an integer, got a float"},
      {R"({"id":"u","person_id":"p","first_seen_at":1,"last_seen_at":2,"purchase_count":0,"email":42})",
       "field 'email' must be a string or null, got an integer"},
      {R"({"id":"u","person_id":"p","first_seen_at":1,"last_seen_at":2,"purchase_count":0,"ltv":"9.99"})",
       "field 'ltv' must be a number, got a string"},
      {R"({"id":"u","person_id":"p","first_seen_at":1,"last_seen_at":2,"purchase_count":0,"has_failed_payment":"no"})",
       "field 'has_failed_payment' must be a boolean, got a string"},
      {R"({"id":"u","person_id":"p","first_seen_at":1,"last_seen_at":2,"purchase_count":0,"ads":[{"name":"x"}]})",
       "ads[0]: required field 'id' is missing"},
      {R"({"id":"u","person_id":"p","first_seen_at":1,"last_seen_at":2,"purchase_count":0,"campaigns":{}})",
       "field 'campaigns' must be an array, got an object"},
      {R"("just a string")", "an item must be an object, got a string"},
  };
  for (const auto& [json, reason] : cases) {
    const auto result = map_person(parse(json), "biz", std::chrono::system_clock::now());
    ASSERT_TRUE(std::holds_alternative<std::string>(result)) << json;
    EXPECT_EQ(std::get<std::string>(result), reason) << json;
  }
}

net::http_response ok(std::string body) { return {200, {}, std::move(body)}; }

TEST(WhopPage, FirstPagePlansTheRestAndBadItemsDoNotStopThePage) {
  const whop_source_config cfg = config();
  whop_offset_stream stream(cfg, {1, 2});
  const auto first = stream.first_requests();
  ASSERT_EQ(first.size(), 1u);
  const auto page = stream.parse_page(first[0], ok(R"({"data":[
      {"id":"a","person_id":"p","first_seen_at":1,"last_seen_at":2,"purchase_count":0},
      {"id":"b","person_id":"p","first_seen_at":"x","last_seen_at":2,"purchase_count":0},
      {"id":"c","person_id":"p","first_seen_at":1,"last_seen_at":2,"purchase_count":0}],"total_count":175})"));
  EXPECT_EQ(page.records.size(), 2u);
  ASSERT_EQ(page.rejected.size(), 1u);
  EXPECT_EQ(page.rejected[0].reason, "field 'first_seen_at' must be an integer, got a string");
  EXPECT_NE(page.rejected[0].payload.find("\"id\":\"b\""), std::string::npos);
  ASSERT_EQ(page.follow_ups.size(), 3u);  // offsets 50, 100, 150
  EXPECT_EQ(page.follow_ups[0].position, 50);
  EXPECT_EQ(page.follow_ups[2].position, 150);

  const auto later = stream.parse_page(page.follow_ups[0], ok(R"({"data":[],"total_count":175})"));
  EXPECT_TRUE(later.follow_ups.empty()) << "only the first page plans";

  paging::sweep_counts counts;
  counts.records = 170;
  stream.finish(counts);
  EXPECT_EQ(counts.expected_total, 175);
  EXPECT_EQ(counts.shortfall, 5u);
}

TEST(WhopPage, BrokenPagesAreBadPagesToRetry) {
  const whop_source_config cfg = config();
  whop_offset_stream stream(cfg, {1, 2});
  const auto request = stream.first_requests()[0];
  for (const char* body : {"{\"data\":[", "<html>", "[]", R"({"total_count":1})", R"({"data":{},"total_count":1})",
                           R"({"data":[],"total_count":"many"})", R"({"data":[]})"}) {
    EXPECT_THROW(stream.parse_page(request, ok(body)), paging::bad_page) << body;
  }
}

TEST(WhopPage, ErrorsAreDescribedWithTheProvidersTypeAndMessage) {
  const whop_source_config cfg = config();
  const whop_offset_stream stream(cfg, {1, 2});
  EXPECT_EQ(stream.describe_error({401, {}, R"({"error":{"type":"unauthorized","message":"Invalid key."}})"}),
            "unauthorized: Invalid key.");
  EXPECT_EQ(stream.describe_error({502, {}, "<html>bad gateway</html>"}), "unexpected error body (24 bytes)");
}

}  // namespace
}  // namespace personsync::whop

namespace personsync::json {
namespace {

TEST(PreciseJson, DoublesRoundTripExactly) {
  // Values on which Boost.JSON 1.81's own parser is one unit in the last place off.
  for (const char* text : {"100.84342357161341", "400.31660039365477", "20.019237532381478", "1e-310", "5e-324",
                           "1.7976931348623157e308", "0.1", "-0.0"}) {
    boost::system::error_code ec;
    const boost::json::value v = parse_precise(text, ec);
    ASSERT_FALSE(ec) << text;
    EXPECT_EQ(v.as_double(), std::strtod(text, nullptr)) << text;
    EXPECT_EQ(parse_precise(boost::json::serialize(v), ec).as_double(), v.as_double()) << "serialize, parse again";
  }
}

TEST(PreciseJson, EverythingElseParsesAsUsual) {
  boost::system::error_code ec;
  const auto v = parse_precise(R"({"a":[1,-2,18446744073709551615,true,null,"x\u00e9\n"],"b":{}})", ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(v, boost::json::parse(R"({"a":[1,-2,18446744073709551615,true,null,"xé\n"],"b":{}})"));
  parse_precise("{\"a\":", ec);
  EXPECT_TRUE(ec);
  parse_precise("{} trailing", ec);
  EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace personsync::json
