// The PostHog connector's pure parts: requests, person mapping, page walking
// (next, short pages, planning by total, the origin check), errors.

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <gtest/gtest.h>

#include "common/json/precise_parse.hpp"
#include "connectors/paging/page_driver.hpp"
#include "connectors/posthog/person_item.hpp"
#include "connectors/posthog/persons_stream.hpp"

namespace personsync::posthog {
namespace {

posthog_source_config config(std::size_t concurrency = 1) {
  posthog_source_config cfg;
  cfg.source.name = "product";
  cfg.source.base_url = "https://eu.posthog.com";
  cfg.source.token.emplace("phx");
  cfg.source.concurrency = concurrency;
  cfg.project_id = 42;
  cfg.page_size = 2;
  return cfg;
}

std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  for (const auto& p : boost::urls::parse_uri(url)->params()) out[p.key] = p.value;
  return out;
}

std::string person(const std::string& uuid, const std::string& extra = "") {
  return R"({"id":1,"uuid":")" + uuid + R"(","distinct_ids":["d-)" + uuid + R"("],"properties":{},"created_at":"2026-01-01T00:00:00Z")" + extra + "}";
}

net::http_response page(const std::string& results, const std::string& next, std::int64_t count) {
  return {200, {}, R"({"results":[)" + results + R"(],"next":)" + next + R"(,"count":)" + std::to_string(count) + "}"};
}

TEST(PosthogRequest, FirstPageAsksForTheTotalAndCarriesFilters) {
  posthog_source_config cfg = config();
  cfg.filter.email = "a@b.c";
  cfg.filter.properties = R"([{"key":"plan","value":"pro"}])";
  persons_stream stream(cfg, std::string("2026-11-01T00:00:00Z"));
  const auto first = stream.first_requests();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(first[0].http.url.starts_with("https://eu.posthog.com/api/projects/42/persons/?"));
  const auto q = query_of(first[0].http.url);
  EXPECT_EQ(q.at("limit"), "2");
  EXPECT_EQ(q.at("offset"), "0");
  EXPECT_EQ(q.at("include_total"), "true");
  EXPECT_EQ(q.at("updated_after"), "2026-11-01T00:00:00Z");
  EXPECT_EQ(q.at("email"), "a@b.c");
  EXPECT_EQ(q.at("properties"), R"([{"key":"plan","value":"pro"}])");
  EXPECT_FALSE(stream.complete_sweep()) << "an incremental or filtered sweep cannot find deletes";
  EXPECT_TRUE(persons_stream(config()).complete_sweep());
}

TEST(PosthogPage, FollowsNextThroughShortPagesUntilNull) {
  const posthog_source_config cfg = config();
  persons_stream stream(cfg);
  const auto first = stream.first_requests()[0];
  // A short page (1 of 2) with `next` set: rows dropped in hydration, more to come.
  const auto p1 = stream.parse_page(first, page(person("u1"), R"("https://eu.posthog.com/api/projects/42/persons/?limit=2&offset=2")", 1));
  EXPECT_EQ(p1.records.size(), 1u);
  ASSERT_EQ(p1.follow_ups.size(), 1u);
  EXPECT_EQ(p1.follow_ups[0].position, 2);
  EXPECT_EQ(p1.follow_ups[0].http.url, "https://eu.posthog.com/api/projects/42/persons/?limit=2&offset=2");
  const auto p2 = stream.parse_page(p1.follow_ups[0], page(person("u2") + "," + person("u3"), "null", 2));
  EXPECT_TRUE(p2.follow_ups.empty());
}

TEST(PosthogPage, SideBySidePagesArePlannedAheadUntilNextIsNullWhateverTheCount) {
  const posthog_source_config cfg = config(4);
  persons_stream stream(cfg);
  const std::string next = R"("https://eu.posthog.com/api/projects/42/persons/?limit=2&offset=2")";
  // A count of 10^12 plans nothing beyond `concurrency` pages: memory never depends on it.
  const auto p1 = stream.parse_page(stream.first_requests()[0], page(person("a") + "," + person("b"), next, 1'000'000'000'000));
  ASSERT_EQ(p1.follow_ups.size(), 4u);  // offsets 2, 4, 6, 8
  EXPECT_EQ(p1.follow_ups[3].position, 8);
  EXPECT_FALSE(query_of(p1.follow_ups[0].http.url).contains("include_total"));
  const auto second = stream.parse_page(p1.follow_ups[0], page(person("c") + "," + person("d"), next, 2));
  ASSERT_EQ(second.follow_ups.size(), 1u) << "one more page planned for each answered with more to come";
  EXPECT_EQ(second.follow_ups[0].position, 10);
  const auto last = stream.parse_page(p1.follow_ups[3], page(person("i"), "null", 1));
  EXPECT_TRUE(last.follow_ups.empty()) << "`next` null ends the sweep";
  const auto third = stream.parse_page(p1.follow_ups[1], page(person("e") + "," + person("f"), next, 2));
  EXPECT_TRUE(third.follow_ups.empty()) << "nothing is planned beyond the last page";

  paging::sweep_counts counts;
  stream.finish(counts);
  EXPECT_EQ(counts.expected_total, -1);
  EXPECT_EQ(counts.total_problem, paging::announced_total_problem::beyond_bound);
}

TEST(PosthogPage, ACountThatIsThePagesLengthIsNoTotal) {
  const posthog_source_config cfg = config();
  persons_stream stream(cfg);
  const std::string next = R"("https://eu.posthog.com/api/projects/42/persons/?limit=2&offset=2")";
  (void)stream.parse_page(stream.first_requests()[0], page(person("a") + "," + person("b"), next, 2));
  paging::sweep_counts counts;
  stream.finish(counts);
  EXPECT_EQ(counts.expected_total, -1) << "the real server sends the page's length unless include_total is honoured";
  EXPECT_EQ(counts.total_problem, paging::announced_total_problem::none);
}

TEST(PosthogPage, NextToAnotherOriginIsRefused) {
  const posthog_source_config cfg = config();
  persons_stream stream(cfg);
  for (const char* next : {R"("https://evil.example.com/api/projects/42/persons/?offset=2")",
                           R"("http://eu.posthog.com/api/projects/42/persons/?offset=2")",
                           R"("https://eu.posthog.com:8443/api/projects/42/persons/?offset=2")"}) {
    try {
      (void)stream.parse_page(stream.first_requests()[0], page(person("a") + "," + person("b"), next, 2));
      ADD_FAILURE() << "followed " << next;
    } catch (const paging::source_failed& e) {
      EXPECT_NE(std::string(e.what()).find("refusing to follow `next`"), std::string::npos);
      EXPECT_NE(std::string(e.what()).find("https://eu.posthog.com:443"), std::string::npos);
    }
  }
}

TEST(PosthogPage, BrokenPagesAreBadPagesAndBadPersonsAreRejected) {
  const posthog_source_config cfg = config();
  persons_stream stream(cfg);
  const auto first = stream.first_requests()[0];
  for (const char* body : {"not json", R"({"next":null})", R"({"results":{},"next":null})", R"({"results":[],"next":3})"}) {
    EXPECT_THROW((void)stream.parse_page(first, {200, {}, body}), paging::bad_page) << body;
  }
  const auto p = stream.parse_page(first, page(person("ok") + R"(,{"uuid":"x","distinct_ids":[1]},{"distinct_ids":[]})", "null", 3));
  EXPECT_EQ(p.records.size(), 1u);
  ASSERT_EQ(p.rejected.size(), 2u);
  EXPECT_EQ(p.rejected[0].reason, "distinct_ids[0] must be a string, got an integer");
  EXPECT_EQ(p.rejected[1].reason, "required field 'uuid' is missing");
}

// created_at lands in a timestamptz column as PostHog wrote it: a value PostgreSQL would refuse
// rejects its item, where it failed the whole batch's COPY (and every run after).
TEST(PosthogPage, ACreatedAtThatIsNoTimeRejectsItsPersonOnly) {
  const posthog_source_config cfg = config();
  persons_stream stream(cfg);
  std::string persons = person("ok");
  for (const char* bad : {"banana", "2026-02-30T00:00:00Z", "4050-01-01T00:00:00Z"}) {
    std::string item = person(std::string("bad-") + bad);
    item.replace(item.find("2026-01-01T00:00:00Z"), 20, bad);
    persons += "," + item;
  }
  const auto p = stream.parse_page(stream.first_requests()[0], page(persons, "null", 4));
  ASSERT_EQ(p.records.size(), 1u);
  ASSERT_EQ(p.rejected.size(), 3u);
  EXPECT_EQ(p.rejected[0].reason, "field 'created_at' must be an ISO 8601 time between 1900 and 2200, got a string");
}

TEST(PosthogPage, UnstorableCharactersAreReplacedAndCounted) {
  const posthog_source_config cfg = config();
  persons_stream stream(cfg);
  const auto p = stream.parse_page(stream.first_requests()[0],
                                   page(person("u1", R"(,"name":"a\u0000b")"), "null", 1));
  ASSERT_EQ(p.records.size(), 1u);
  EXPECT_EQ(p.replaced_characters, 1u);
  EXPECT_EQ(p.records[0].attributes.at("name").as_string(), "a\xEF\xBF\xBD" "b");
}

TEST(PosthogPerson, IdentifiersAndAttributes) {
  boost::system::error_code ec;
  const auto item = json::parse_precise(R"({"id":7,"uuid":"u-7","name":"Ada","distinct_ids":["user_1","anon-2"],
      "properties":{"$email":" Ada@Example.com","phone":"+1 415 555 0132","plan":"pro","deep":{"a":[1,{"b":2.5}]}},
      "created_at":"2026-01-02T03:04:05Z"})", ec);
  const auto mapped = map_person(item, "42", std::chrono::system_clock::now());
  ASSERT_TRUE(std::holds_alternative<connectors::source_record>(mapped)) << std::get<std::string>(mapped);
  const auto& r = std::get<connectors::source_record>(mapped);
  EXPECT_EQ(r.source, "posthog");
  EXPECT_EQ(r.scope, "42");
  EXPECT_EQ(r.source_key, "u-7");
  EXPECT_EQ(r.identifiers, (std::vector<connectors::identifier>{{"posthog_distinct_id", "user_1"},
                                                                {"posthog_distinct_id", "anon-2"},
                                                                {"email", " Ada@Example.com"},
                                                                {"phone", "+1 415 555 0132"}}));
  EXPECT_EQ(r.attributes.at("id").as_int64(), 7);
  EXPECT_EQ(r.attributes.at("created_at").as_string(), "2026-01-02T03:04:05Z");
  EXPECT_EQ(r.attributes.at("properties").at("deep").at("a").at(1).at("b").as_double(), 2.5);
  EXPECT_EQ(json::parse_precise(r.payload, ec), item);
}

TEST(PosthogErrors, AreDescribedByTypeCodeAndDetail) {
  EXPECT_EQ(describe_posthog_error({401, {}, R"({"type":"authentication_error","code":"authentication_failed",)"
                                                R"("detail":"Personal API key found in request is invalid.","attr":null})"}),
            "authentication_error (authentication_failed): Personal API key found in request is invalid.");
  EXPECT_EQ(describe_posthog_error({500, {}, "<html>"}), "unexpected error body (6 bytes)");
}

}  // namespace
}  // namespace personsync::posthog
