// The Whop connector's pure parts: request building from every config key,
// item mapping (every field, nulls, wrong types), page parsing and planning.

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/json/precise_parse.hpp"
#include "connectors/paging/page_driver.hpp"
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

const auto test_now = std::chrono::system_clock::from_time_t(1'800'000'000);

whop_sweep full_sweep(std::int64_t from, std::int64_t to) { return {sweep_kind::full, {from, to}}; }
whop_sweep incremental_sweep(std::int64_t from, std::int64_t to) { return {sweep_kind::incremental, {from, to}}; }

std::optional<std::string> header_of(const paging::page_request& r, std::string_view name) {
  for (const auto& [k, v] : r.http.headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

TEST(WhopOffsetRequest, AnIncrementalRunCarriesEveryParameterOfTheSeed) {
  const whop_source_config cfg = config();
  const offset_people_stream stream(cfg, incremental_sweep(1000, 2000));
  const paging::page_request r = stream.request_at(150);
  EXPECT_TRUE(r.http.url.starts_with("https://api.whop.com/api/v1/people?"));
  EXPECT_EQ(r.http.bearer, &*cfg.source.token);
  EXPECT_EQ(r.position, 150);
  EXPECT_EQ(header_of(r, "Api-Version-Date"), "2026-09-15");
  const auto q = query_of(r.http.url);
  EXPECT_EQ(q.at("account_id"), "biz_abc");
  EXPECT_EQ(q.at("from"), "1000");
  EXPECT_EQ(q.at("to"), std::to_string(2000 + clock_skew_allowance.count())) << "a provider clock ahead is inside";
  EXPECT_EQ(q.at("first"), "50");
  EXPECT_EQ(q.at("offset"), "150");
  EXPECT_EQ(q.at("sort"), "ltv");
  EXPECT_EQ(q.at("direction"), "asc");
  EXPECT_EQ(boost::json::parse(q.at("filters")),
            boost::json::parse(R"([{"field":"ltv","operator":"gt","value":"10"},)"
                               R"({"field":"email","operator":"contains","value":"@example.com"}])"));
}

TEST(WhopOffsetRequest, AFullSweepReadsByAnOrderUpdatesDoNotMove) {
  whop_source_config cfg = config();
  cfg.sort = "last_seen_at";
  cfg.direction = "desc";
  const auto q = query_of(offset_people_stream(cfg, full_sweep(1, 2)).request_at(0).http.url);
  EXPECT_EQ(q.at("sort"), "first_seen_at");
  EXPECT_EQ(q.at("direction"), "asc");
}

TEST(WhopOffsetRequest, AccountIdAndFiltersOnlyWhenConfigured) {
  whop_source_config cfg = config();
  cfg.account_id.reset();
  cfg.filters.clear();
  const auto q = query_of(offset_people_stream(cfg, full_sweep(1, 2)).request_at(0).http.url);
  EXPECT_FALSE(q.contains("account_id"));
  EXPECT_FALSE(q.contains("filters"));
}

TEST(WhopCursorRequest, AFullSweepWalksFirstSeenRangesSideBySide) {
  whop_source_config cfg = config();
  cfg.filters = {{"email", "eq", "a@example.com"}};
  cfg.page_size = 500;
  cfg.source.concurrency = 3;
  cursor_people_stream stream(cfg, full_sweep(0, 0), test_now);
  const auto first = stream.first_requests();
  ASSERT_EQ(first.size(), 3u);
  const auto a = query_of(first[0].http.url), b = query_of(first[1].http.url), c = query_of(first[2].http.url);
  for (const auto& q : {a, b, c}) {
    EXPECT_EQ(q.at("first"), "100") << "the cursor API's limit";
    EXPECT_EQ(q.at("order"), "first_seen_at");
    EXPECT_EQ(q.at("direction"), "asc");
    EXPECT_EQ(q.at("email"), "a@example.com");
    EXPECT_EQ(q.at("account_id"), "biz_abc");
    EXPECT_FALSE(q.contains("after"));
  }
  EXPECT_FALSE(a.contains("first_seen_after")) << "the first range is open below";
  EXPECT_EQ(a.at("first_seen_before"), b.at("first_seen_after"));
  EXPECT_EQ(b.at("first_seen_before"), c.at("first_seen_after"));
  EXPECT_FALSE(c.contains("first_seen_before")) << "the last range is open above";
  EXPECT_EQ(header_of(first[0], "Api-Version-Date"), "2026-09-15");
}

TEST(WhopCursorRequest, AnIncrementalRunReadsPeopleSeenSinceTheWindow) {
  whop_source_config cfg = config();
  cfg.filters.clear();
  cursor_people_stream stream(cfg, incremental_sweep(1'700'000'000, 1'700'003'600), test_now);
  const auto first = stream.first_requests();
  ASSERT_EQ(first.size(), 1u);
  const auto q = query_of(first[0].http.url);
  EXPECT_EQ(q.at("order"), "last_seen_at");
  EXPECT_EQ(q.at("direction"), "asc");
  EXPECT_EQ(q.at("last_seen_after"), "2023-11-14T22:13:20Z");
  EXPECT_FALSE(q.contains("last_seen_before")) << "people updated during the run are read too";
}

TEST(WhopCursorRequest, AFilterWithoutAQueryParameterFailsTheSourceByName) {
  const whop_source_config cfg = config();  // ltv gt 10: the seed's JSON filters only
  cursor_people_stream stream(cfg, full_sweep(0, 0), test_now);
  ASSERT_TRUE(stream.filter_problem());
  EXPECT_NE(stream.filter_problem()->find("ltv gt '10'"), std::string::npos) << *stream.filter_problem();
  EXPECT_THROW(stream.first_requests(), paging::source_failed);
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
  EXPECT_EQ(r.source_key, "prsn_1") << "keyed by the person id, whichever field holds it";
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

// A time no record can hold (year 4050, as the fuzzer sent it, or 10^15 seconds) rejects the item
// with a reason, where it overflowed a time_point.
TEST(WhopItem, ATimeBeyondTheBoundsRejectsTheItem) {
  for (const boost::json::value& at : {boost::json::value("4050-12-04T19:52:09Z"), boost::json::value(1'000'000'000'000'000)}) {
    boost::json::value item = full_item();
    item.as_object()["first_seen_at"] = at;
    const auto result = map_person(item, "biz_abc", std::chrono::system_clock::now());
    ASSERT_TRUE(std::holds_alternative<std::string>(result)) << at;
    EXPECT_NE(std::get<std::string>(result).find("between 1900 and 2200"), std::string::npos) << std::get<std::string>(result);
  }
}

TEST(WhopItem, EveryReadingOfIdAndPersonIdGivesTheSameRecord) {
  boost::json::value swapped = full_item();
  swapped.as_object()["id"] = "prsn_1";
  swapped.as_object()["person_id"] = "user_1";
  const connectors::source_record seed = mapped(full_item()), other = mapped(swapped);
  EXPECT_EQ(other.source_key, seed.source_key);
  EXPECT_EQ(other.identifiers, seed.identifiers);
  EXPECT_EQ(other.attributes, seed.attributes);
}

TEST(WhopItem, TheCurrentApisShapeLandsTheSameRecord) {
  const connectors::source_record current = mapped(parse(R"({
    "id": "prsn_1", "user": {"id": "user_1", "username": "zoe", "name": "Zoë"},
    "name": "Zoë \"Z\" O'Brien\n😀", "email": " Zoe@Example.com ", "phone": "+1 (415) 555-0132",
    "first_seen_at": "2023-11-14T22:13:20Z", "last_seen_at": "2023-11-14T23:13:20.000Z", "purchase_count": 3,
    "has_failed_payment": true, "ltv": 59.970000000000006, "aov": 19.99,
    "first_source": {"campaign": {"id": "cmp_1", "name": "Spring"}, "ad_group": {"id": "adset_1"}},
    "last_source": {"campaign": {"id": "cmp_1", "name": "Spring"}}})"));
  const connectors::source_record seed = mapped(full_item());
  EXPECT_EQ(current.source_key, "prsn_1");
  EXPECT_EQ(current.identifiers, seed.identifiers);
  EXPECT_EQ(current.attributes, seed.attributes);
}

TEST(WhopItem, ValuesAreClassifiedByPrefixWhereverTheyAre) {
  const connectors::source_record r = mapped(parse(R"({
    "id": "prsn_9", "user_ids": ["user_a", "user_b", "user_a"], "first_seen_at": 1, "last_seen_at": 2,
    "purchase_count": 0})"));
  EXPECT_EQ(r.source_key, "prsn_9");
  EXPECT_EQ(r.identifiers, (std::vector<connectors::identifier>{
                               {"whop_user_id", "user_a"}, {"whop_user_id", "user_b"}, {"whop_person_id", "prsn_9"}}));
  const connectors::source_record unknown = mapped(parse(
      R"({"id": "cus_1", "first_seen_at": 1, "last_seen_at": 2, "purchase_count": 0})"));
  EXPECT_EQ(unknown.source_key, "cus_1");
  EXPECT_EQ(unknown.identifiers, (std::vector<connectors::identifier>{{"whop_person_id", "cus_1"}}))
      << "an unknown value never links to PostHog";
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
       "field 'first_seen_at' must be an ISO 8601 time between 1900 and 2200, or unix seconds, got a string"},
      {R"({"id":"u","user":{"username":"x"},"first_seen_at":1,"last_seen_at":2,"purchase_count":0})",
       "user: required field 'id' is missing"},
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

TEST(WhopOffsetPage, PagesArePlannedAheadAndBadItemsDoNotStopThePage) {
  whop_source_config cfg = config();
  cfg.source.concurrency = 3;
  offset_people_stream stream(cfg, full_sweep(1, 2));
  const auto first = stream.first_requests();
  ASSERT_EQ(first.size(), 1u);
  std::string body = R"({"data":[)";
  for (int i = 0; i < 50; ++i) {
    const bool bad = i == 1;
    body += fmt::format(R"({}{{"id":"prsn_{}","first_seen_at":{},"last_seen_at":2,"purchase_count":0}})",
                        i ? "," : "", i, bad ? "\"x\"" : "1");
  }
  body += R"(],"total_count":175})";
  const auto page = stream.parse_page(first[0], ok(body));
  EXPECT_EQ(page.records.size(), 49u);
  ASSERT_EQ(page.rejected.size(), 1u);
  EXPECT_EQ(page.rejected[0].reason, "field 'first_seen_at' must be an ISO 8601 time between 1900 and 2200, or unix seconds, got a string");
  EXPECT_NE(page.rejected[0].payload.find("\"id\":\"prsn_1\""), std::string::npos);
  ASSERT_EQ(page.follow_ups.size(), 3u) << "`concurrency` pages ahead, whatever the total says";
  EXPECT_EQ(page.follow_ups[0].position, 50);
  EXPECT_EQ(page.follow_ups[2].position, 150);

  const auto last = stream.parse_page(page.follow_ups[0], ok(R"({"data":[],"total_count":175})"));
  EXPECT_TRUE(last.follow_ups.empty()) << "a short page ends the sweep";

  paging::sweep_counts counts;
  stream.finish(counts);
  EXPECT_EQ(counts.expected_total, 175);
  EXPECT_EQ(counts.total_problem, paging::announced_total_problem::none);
}

TEST(WhopOffsetPage, AnUnusableTotalIsRecordedAndPlansNothing) {
  const std::vector<std::pair<std::string, paging::announced_total_problem>> cases{
      {"-5", paging::announced_total_problem::negative},
      {"1000000000000", paging::announced_total_problem::beyond_bound},
      {"18446744073709551615", paging::announced_total_problem::beyond_bound},
      {"\"many\"", paging::announced_total_problem::not_an_integer},
      {"12.5", paging::announced_total_problem::not_an_integer}};
  for (const auto& [total, problem] : cases) {
    const whop_source_config cfg = config();
    offset_people_stream stream(cfg, full_sweep(1, 2));
    const auto page = stream.parse_page(stream.first_requests()[0], ok(R"({"data":[],"total_count":)" + total + "}"));
    EXPECT_TRUE(page.follow_ups.empty()) << total;
    paging::sweep_counts counts;
    stream.finish(counts);
    EXPECT_EQ(counts.expected_total, -1) << total;
    EXPECT_EQ(counts.total_problem, problem) << total;
  }
}

TEST(WhopOffsetPage, BrokenPagesAreBadPagesToRetry) {
  const whop_source_config cfg = config();
  offset_people_stream stream(cfg, full_sweep(1, 2));
  const auto request = stream.first_requests()[0];
  for (const char* body : {"{\"data\":[", "<html>", "[]", R"({"total_count":1})", R"({"data":{},"total_count":1})"}) {
    EXPECT_THROW(stream.parse_page(request, ok(body)), paging::bad_page) << body;
  }
}

TEST(WhopCursorPage, TheNextPageFollowsTheCursorInItsOwnChain) {
  whop_source_config cfg = config();
  cfg.filters.clear();
  cfg.source.concurrency = 2;
  cursor_people_stream stream(cfg, full_sweep(0, 0), test_now);
  const auto first = stream.first_requests();
  ASSERT_EQ(first.size(), 2u);
  const auto page = stream.parse_page(first[1], ok(R"({"data":[
      {"id":"prsn_1","user":{"id":"user_1"},"first_seen_at":"2026-01-01T00:00:00Z",
       "last_seen_at":"2026-01-02T00:00:00Z","purchase_count":0}],
      "page_info":{"end_cursor":"abc","has_next_page":true}})"));
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].source_key, "prsn_1");
  ASSERT_EQ(page.follow_ups.size(), 1u);
  EXPECT_EQ(page.follow_ups[0].position, cursor_position(1, 1));
  const auto q = query_of(page.follow_ups[0].http.url);
  EXPECT_EQ(q.at("after"), "abc");
  EXPECT_EQ(q.at("first_seen_after"), query_of(first[1].http.url).at("first_seen_after")) << "the same range";

  const auto last = stream.parse_page(page.follow_ups[0],
                                      ok(R"({"data":[],"page_info":{"end_cursor":null,"has_next_page":false}})"));
  EXPECT_TRUE(last.follow_ups.empty());
}

TEST(WhopCursorPage, BrokenPagesAreBadPagesToRetry) {
  whop_source_config cfg = config();
  cfg.filters.clear();
  cursor_people_stream stream(cfg, full_sweep(0, 0), test_now);
  const auto request = stream.first_requests()[0];
  for (const char* body : {R"({"data":[]})", R"({"data":[],"page_info":[]})", R"({"data":[],"page_info":{}})",
                           R"({"data":[],"page_info":{"has_next_page":true}})",
                           R"({"data":[],"page_info":{"has_next_page":true,"end_cursor":""}})"}) {
    EXPECT_THROW(stream.parse_page(request, ok(body)), paging::bad_page) << body;
  }
}

TEST(WhopStream, AutoDetectsTheApiFromTheFirstPage) {
  whop_source_config cfg = config();
  cfg.filters.clear();
  cfg.source.concurrency = 2;
  {
    people_stream stream(cfg, full_sweep(0, 0), test_now);
    EXPECT_EQ(stream.api(), people_api::detect);
    const auto probe = stream.first_requests();
    ASSERT_EQ(probe.size(), 1u) << "one range probes";
    const auto page = stream.parse_page(
        probe[0], ok(R"({"data":[],"page_info":{"end_cursor":null,"has_next_page":false}})"));
    EXPECT_EQ(stream.api(), people_api::cursor);
    ASSERT_EQ(page.follow_ups.size(), 1u) << "the other range starts once the shape is known";
    EXPECT_TRUE(query_of(page.follow_ups[0].http.url).contains("first_seen_after"));
  }
  {
    people_stream stream(cfg, full_sweep(0, 0), test_now);
    const auto probe = stream.first_requests();
    const auto page = stream.parse_page(probe[0], ok(R"({"data":[
        {"id":"prsn_1","first_seen_at":1,"last_seen_at":2,"purchase_count":0}],"total_count":1})"));
    EXPECT_EQ(stream.api(), people_api::offset);
    EXPECT_TRUE(page.records.empty()) << "the probe's page is set aside";
    ASSERT_EQ(page.follow_ups.size(), 1u);
    EXPECT_EQ(query_of(page.follow_ups[0].http.url).at("offset"), "0") << "the sweep starts over in the seed's API";
  }
}

TEST(WhopPage, ErrorsAreDescribedWithTheProvidersTypeAndMessage) {
  const whop_source_config cfg = config();
  const people_stream stream(cfg, full_sweep(1, 2), test_now);
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
