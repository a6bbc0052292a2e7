// A person's golden record from its records (docs/design.md, "Golden record"): which
// record wins each field, what is summed, and how properties and attribution
// of several records are merged.

#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "daemon/identity/golden_record.hpp"

namespace personsync::identity {
namespace {

using k = identifier_kind;

struct person {
  std::vector<record_evidence> records;
  std::vector<record_facts> facts;

  record_facts& add(std::string key, std::string source, std::vector<identifier_value> ids, std::int64_t recency) {
    record_evidence r;
    r.key = std::move(key);
    r.source = *provider_named(source);
    r.identifiers = std::move(ids);
    records.push_back(std::move(r));
    record_facts f;
    f.recency = recency;
    facts.push_back(std::move(f));
    return facts.back();
  }

  // Of copies: golden_of moves the texts it takes out of the facts.
  [[nodiscard]] golden_record golden() const {
    std::vector<std::size_t> all;
    for (std::size_t i = 0; i < records.size(); ++i) all.push_back(i);
    std::vector<record_facts> spent = facts;
    return golden_of(all, records, spent);
  }
};

TEST(GoldenRecord, WhopIsTrustedBeforeRecencyForNameEmailAndPhone) {
  person p;
  p.add("posthog/1/a", "posthog", {{k::email, "new@example.com"}, {k::phone, "+15550000001"}}, 900).name = "Newest";
  p.add("whop/biz/old", "whop", {{k::email, "old@example.com"}}, 100).name = "Old Whop";
  p.add("whop/biz/mid", "whop", {{k::phone, "+15550000002"}}, 500).name = "";  // empty: not a name
  const golden_record g = p.golden();
  EXPECT_EQ(g.name, "Old Whop");
  EXPECT_EQ(g.email, "old@example.com");
  EXPECT_EQ(g.phone, "+15550000002");  // the most recent Whop record with a phone
  EXPECT_EQ(g.record_count, 3);
}

TEST(GoldenRecord, EqualRecencyFallsToTheSmallerKey) {
  person p;
  p.add("whop/biz/b", "whop", {{k::email, "b@example.com"}}, 100);
  p.add("whop/biz/a", "whop", {{k::email, "a@example.com"}}, 100);
  EXPECT_EQ(p.golden().email, "a@example.com");
}

TEST(GoldenRecord, CommerceIsSummedOverWhopRecordsAndTimesSpanAllRecords) {
  person p;
  record_facts& a = p.add("whop/biz/a", "whop", {}, 1);
  a.ltv = 30.5;
  a.purchase_count = 2;
  a.has_failed_payment = false;
  a.first_seen = 2'000;
  a.last_seen = 5'000;
  record_facts& b = p.add("whop/biz/b", "whop", {}, 2);
  b.ltv = 9.5;
  b.purchase_count = 3;
  b.has_failed_payment = true;
  b.first_seen = 1'000;
  record_facts& c = p.add("posthog/1/c", "posthog", {}, 3);
  c.ltv = 1000;  // not a Whop record: not summed
  c.last_seen = 9'000;
  const golden_record g = p.golden();
  EXPECT_EQ(g.ltv, 40.0);
  EXPECT_EQ(g.purchase_count, 5);
  EXPECT_EQ(g.aov, 8.0);
  EXPECT_EQ(g.has_failed_payment, true);
  EXPECT_EQ(g.first_seen, 1'000);
  EXPECT_EQ(g.last_seen, 9'000);
}

TEST(GoldenRecord, WithoutWhopFiguresTheyStayUnknown) {
  person p;
  p.add("posthog/1/a", "posthog", {}, 1);
  record_facts& w = p.add("whop/biz/a", "whop", {}, 1);
  w.purchase_count = 0;
  w.ltv = 0;
  const golden_record g = p.golden();
  EXPECT_EQ(g.purchase_count, 0);
  EXPECT_FALSE(g.aov);  // no purchase: no average
  EXPECT_FALSE(g.has_failed_payment);
  EXPECT_FALSE(g.properties);
  EXPECT_FALSE(g.attribution);
  EXPECT_FALSE(g.name);
}

TEST(GoldenRecord, PropertiesAreMergedKeyByKeyTheMostRecentRecordWinning) {
  person one;
  one.add("posthog/1/a", "posthog", {}, 1).properties = R"({"plan": "free"})";
  EXPECT_EQ(one.golden().properties, R"({"plan": "free"})");  // as landed

  person p;
  p.add("posthog/1/new", "posthog", {}, 200).properties = R"({"plan": "pro", "seen": 2})";
  p.add("posthog/1/old", "posthog", {}, 100).properties = R"({"plan": "free", "browser": "Firefox"})";
  p.add("whop/biz/w", "whop", {}, 300).properties = R"({"plan": "whop"})";  // only PostHog's count
  EXPECT_EQ(boost::json::parse(*p.golden().properties),
            boost::json::parse(R"({"plan": "pro", "seen": 2, "browser": "Firefox"})"));
}

TEST(GoldenRecord, AttributionIsTheUnionOfTheWhopRecordsEntriesUnderWhop) {
  person one;
  one.add("whop/biz/a", "whop", {}, 1).attribution = R"({"ads": [{"id": "ad_1"}]})";
  EXPECT_EQ(boost::json::parse(*one.golden().attribution), boost::json::parse(R"({"whop": {"ads": [{"id": "ad_1"}]}})"));

  person p;
  p.add("whop/biz/a", "whop", {}, 1).attribution = R"({"ads": [{"id": "ad_2"}, {"id": "ad_1"}], "campaigns": []})";
  p.add("whop/biz/b", "whop", {}, 2).attribution = R"({"ads": [{"id": "ad_1"}], "campaigns": [{"id": "c_1"}], "odd": 3})";
  const golden_record g = p.golden();
  EXPECT_EQ(boost::json::parse(*g.attribution),
            boost::json::parse(R"({"whop": {"ads": [{"id": "ad_1"}, {"id": "ad_2"}], "campaigns": [{"id": "c_1"}]}})"));
  // The order of the records does not change the value written.
  std::swap(p.records[0], p.records[1]);
  std::swap(p.facts[0], p.facts[1]);
  EXPECT_EQ(p.golden().attribution, g.attribution);
}

}  // namespace
}  // namespace personsync::identity
