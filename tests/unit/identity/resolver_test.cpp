// The resolver on hand-made cases (linking rules, guards, constraints, stable
// ids, events and their causes) and on generated graphs, where invariants must
// hold whatever the input: same output in any order; every live record in
// exactly one person; no link through a blocked or quarantined value; no
// cannot_link violated; redirects to live persons; nothing changes when
// nothing relevant changed.

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "daemon/identity/explain.hpp"
#include "daemon/identity/resolver.hpp"

namespace personsync::identity {
namespace {

using k = identifier_kind;

record_evidence rec(std::string key, std::string source, std::int64_t first_seen, std::vector<identifier_value> ids) {
  record_evidence r;
  r.key = std::move(key);
  r.source = *provider_named(source);
  r.first_seen = first_seen;
  r.identifiers = std::move(ids);
  return r;
}

struct fixture {
  identity_config config = identity_config::defaults();
  value_policy policy{config};

  resolution run(const resolution_input& in) const { return resolve(in, config, policy); }
};

// key -> person id
std::map<std::string, std::string> assignment(const resolution_input& in, const resolution& out) {
  std::map<std::string, std::string> m;
  for (std::size_t i = 0; i < in.records.size(); ++i) {
    if (out.person_of[i]) m[in.records[i].key] = *out.person_of[i];
  }
  return m;
}

// The next sync's input: the same records, each with the person it was given.
resolution_input carried_over(resolution_input in, const resolution& out) {
  std::set<std::string> ids;
  for (std::size_t i = 0; i < in.records.size(); ++i) {
    in.records[i].previous_person = out.person_of[i];
    in.records[i].cause = cause::none;
    if (out.person_of[i]) ids.insert(*out.person_of[i]);
  }
  in.persons.clear();
  std::int64_t t = 0;
  for (const auto& id : ids) in.persons.push_back({id, ++t});
  return in;
}

TEST(Resolver, TheSameHumanAcrossProvidersIsOnePerson) {
  fixture f;
  resolution_input in;
  in.records = {
      rec("whop/biz/user_1", "whop", 10, {{k::whop_user_id, "user_1"}, {k::whop_person_id, "prsn_1"}, {k::email, "ada@example.com"}}),
      rec("posthog/1/aaaa", "posthog", 20, {{k::posthog_distinct_id, "user_1"}, {k::posthog_distinct_id, "anon-9"}}),
      rec("posthog/1/bbbb", "posthog", 30, {{k::posthog_distinct_id, "anon-7"}, {k::phone, "+14155550123"}}),
      rec("whop/biz/user_2", "whop", 40, {{k::whop_user_id, "user_2"}, {k::email, "ada@example.com"}, {k::phone, "+14155550123"}}),
  };
  const resolution out = f.run(in);
  ASSERT_EQ(out.persons.size(), 1u);
  EXPECT_EQ(out.persons[0].records.size(), 4u);
  EXPECT_EQ(out.persons[0].id, derived_person_id("posthog/1/aaaa"));  // from the smallest key: a rebuild reproduces it
  EXPECT_EQ(out.links.size(), 3u);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].kind, event_kind::create);
  EXPECT_EQ(out.events[0].cause, cause::new_record);
}

TEST(Resolver, AValueOnTooManyRecordsIsQuarantinedNotALink) {
  fixture f;
  resolution_input in;
  for (int i = 0; i < 100; ++i) {
    in.records.push_back(rec("whop/biz/u" + std::to_string(1000 + i), "whop", i,
                             {{k::whop_user_id, "u" + std::to_string(1000 + i)}, {k::email, "orders@shared-inbox.example"}}));
  }
  const resolution out = f.run(in);
  EXPECT_EQ(out.persons.size(), 100u);
  ASSERT_EQ(out.quarantined.size(), 1u);
  EXPECT_EQ(out.quarantined[0].value.value, "orders@shared-inbox.example");
  EXPECT_EQ(out.quarantined[0].records, 100);
  EXPECT_TRUE(out.links.empty());

  // Holders outside the area count too: two records here, 30 in the whole landing.
  resolution_input two;
  two.records = {in.records[0], in.records[1]};
  two.records[0].identifiers[1].value = two.records[1].identifiers[1].value = "family@example.com";
  EXPECT_EQ(f.run(two).persons.size(), 1u);
  two.degrees = {{{k::email, "family@example.com"}, 30}};
  EXPECT_EQ(f.run(two).persons.size(), 2u);
}

TEST(Resolver, BlockedValuesAndDisabledKindsNeverLink) {
  fixture f;
  resolution_input in;
  in.records = {rec("whop/b/1", "whop", 1, {{k::email, "test@test.com"}, {k::phone, "+14155550123"}}),
                rec("whop/b/2", "whop", 2, {{k::email, "test@test.com"}, {k::phone, "+14155550123"}})};
  EXPECT_EQ(f.run(in).persons.size(), 1u);  // the phone links them
  f.config.kinds[k::phone].enabled = false;
  EXPECT_EQ(f.run(in).persons.size(), 2u);
  f.config.kinds[k::phone].enabled = true;
  f.policy.block(k::phone, "+14155550123");
  EXPECT_EQ(f.run(in).persons.size(), 2u);
}

TEST(Resolver, AKindThatDoesNotCrossProvidersLinksOnlyWithinOne) {
  fixture f;
  f.config.kinds[k::phone].cross_source = false;
  resolution_input in;
  in.records = {rec("posthog/1/a", "posthog", 1, {{k::phone, "+14155550123"}}),
                rec("whop/b/1", "whop", 2, {{k::phone, "+14155550123"}}),
                rec("whop/b/2", "whop", 3, {{k::phone, "+14155550123"}})};
  const resolution out = f.run(in);
  ASSERT_EQ(out.persons.size(), 2u);
  const auto a = assignment(in, out);
  EXPECT_EQ(a.at("whop/b/1"), a.at("whop/b/2"));
  EXPECT_NE(a.at("whop/b/1"), a.at("posthog/1/a"));
}

TEST(Resolver, CannotLinkRejectsAndMustLinkJoins) {
  fixture f;
  resolution_input in;
  in.records = {rec("whop/b/1", "whop", 1, {{k::email, "x@example.com"}}),
                rec("whop/b/2", "whop", 2, {{k::email, "x@example.com"}}),
                rec("whop/b/3", "whop", 3, {{k::email, "y@example.com"}})};
  in.cannot_link = {{"whop/b/2", "whop/b/1"}};
  in.must_link = {{"whop/b/3", "whop/b/1"}};
  const resolution out = f.run(in);
  const auto a = assignment(in, out);
  EXPECT_NE(a.at("whop/b/1"), a.at("whop/b/2"));
  EXPECT_EQ(a.at("whop/b/1"), a.at("whop/b/3"));
  ASSERT_EQ(out.rejected.size(), 1u);
  EXPECT_NE(out.rejected[0].reason.find("cannot_link"), std::string::npos);

  const auto why = explain_pair(in, out, 0, 1, f.config, f.policy);
  EXPECT_FALSE(why.same_person);
  ASSERT_FALSE(why.apart_because.empty());
  EXPECT_NE(why.apart_because[0].find("cannot_link"), std::string::npos);
  const auto path = explain_pair(in, out, 2, 0, f.config, f.policy);
  EXPECT_TRUE(path.same_person);
  ASSERT_EQ(path.path.size(), 1u);
  EXPECT_FALSE(path.path[0].via);  // the operator's must_link
}

TEST(Resolver, CrossingValuesAreThoseHeldOutsideOnePerson) {
  fixture f;
  f.config.kinds[k::phone].cross_source = false;
  resolution_input in;
  in.records = {rec("whop/b/1", "whop", 1, {{k::email, "x@example.com"}, {k::phone, "+14155550123"}}),
                rec("whop/b/2", "whop", 2, {{k::email, "x@example.com"}}),  // kept apart from 1
                rec("whop/b/3", "whop", 3, {{k::email, "y@example.com"}, {k::whop_user_id, "user_3"}}),
                rec("whop/b/4", "whop", 4, {{k::email, "y@example.com"}}),  // one person with 3
                rec("posthog/1/p", "posthog", 5, {{k::phone, "+14155550123"}, {k::posthog_distinct_id, "user_3"}}),
                rec("whop/b/6", "whop", 6, {{k::email, "z@example.com"}})};  // and others, outside
  in.cannot_link = {{"whop/b/1", "whop/b/2"}};
  in.degrees = {{{k::email, "z@example.com"}, 40}};
  const resolution out = f.run(in);
  // x: two persons; the phone: not across providers; z: quarantined, its other holders elsewhere. y and
  // the user id (held under two kinds) are one person's.
  EXPECT_EQ(out.crossing, (std::vector<identifier_value>{{k::email, "x@example.com"},
                                                         {k::email, "z@example.com"},
                                                         {k::phone, "+14155550123"}}));
  f.policy.block(k::email, "y@example.com");  // blocked, it no longer joins 3 and 4: held by two persons
  const resolution blocked = f.run(in);
  EXPECT_TRUE(std::find(blocked.crossing.begin(), blocked.crossing.end(), identifier_value{k::email, "y@example.com"}) !=
              blocked.crossing.end());
}

TEST(Resolver, ExplainGivesThePathOfLinks) {
  fixture f;
  resolution_input in;
  in.records = {rec("whop/b/1", "whop", 1, {{k::email, "a@example.com"}}),
                rec("whop/b/2", "whop", 2, {{k::email, "a@example.com"}, {k::phone, "+14155550123"}}),
                rec("posthog/1/p", "posthog", 3, {{k::phone, "+14155550123"}, {k::email, "null"}})};
  const resolution out = f.run(in);
  const auto e = explain_pair(in, out, 0, 2, f.config, f.policy);
  ASSERT_TRUE(e.same_person);
  ASSERT_EQ(e.path.size(), 2u);
  EXPECT_EQ(e.path[0].via->kind, k::email);
  EXPECT_EQ(e.path[1].via->kind, k::phone);
  const auto p = explain_person(in, out, *out.person_of[0], f.config, f.policy);
  EXPECT_EQ(p.records.size(), 3u);
  EXPECT_EQ(p.links.size(), 2u);
  ASSERT_EQ(p.unused.size(), 1u);
  EXPECT_EQ(p.unused[0].value.value, "null");
}

TEST(Resolver, ABigComponentIsFrozenNotPublished) {
  fixture f;
  f.config.max_component_size = 3;
  resolution_input in;
  for (int i = 0; i < 5; ++i) {
    in.records.push_back(rec("whop/b/" + std::to_string(i), "whop", i,
                             {{k::phone, "+1415555010" + std::to_string(i)}, {k::phone, "+1415555010" + std::to_string(i + 1)}}));
  }
  in.records.push_back(rec("whop/b/lonely", "whop", 9, {{k::email, "l@example.com"}}));
  const resolution out = f.run(in);
  ASSERT_EQ(out.frozen.size(), 1u);
  EXPECT_EQ(out.frozen[0].records.size(), 5u);
  ASSERT_EQ(out.persons.size(), 1u);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(out.person_of[i]);
}

// An incremental area's record let go of a value that others beyond the area still hold: quarantined
// with its count now while they are too many, and not at all once they are few enough.
TEST(Resolver, AValueLetGoOfKeepsItsQuarantineCountFresh) {
  fixture f;
  f.config.kinds[k::email].max_records = 4;
  resolution_input in;
  in.records = {rec("whop/b/1", "whop", 1, {{k::email, "other@example.com"}})};
  in.degrees = {{{k::email, "shared@example.com"}, 5}};
  const resolution out = f.run(in);
  ASSERT_EQ(out.quarantined.size(), 1u);
  EXPECT_EQ(out.quarantined[0].value.value, "shared@example.com");
  EXPECT_EQ(out.quarantined[0].records, 5);
  in.degrees = {{{k::email, "shared@example.com"}, 4}};
  EXPECT_TRUE(f.run(in).quarantined.empty());
}

// A person of two records: one of them joins a component too big to publish and stays, the other
// leaves on its own. The person keeps what its frozen component holds, with a split to tell it.
TEST(Resolver, AFrozenPersonKeepsWhatItsComponentHoldsAndLosesTheRest) {
  fixture f;
  f.config.max_component_size = 3;
  resolution_input in;
  in.records = {rec("whop/b/a", "whop", 1, {{k::email, "x@example.com"}}),
                rec("whop/b/b", "whop", 2, {{k::email, "x@example.com"}})};
  const resolution first = f.run(in);
  ASSERT_EQ(first.persons.size(), 1u);
  const std::string person = first.persons[0].id;

  resolution_input next = carried_over(in, first);
  next.records[0].identifiers = {{k::email, "x@example.com"}, {k::phone, "+14155550100"}};
  next.records[0].cause = cause::rule;
  next.records[1].identifiers = {{k::email, "y@example.com"}};
  next.records[1].cause = cause::rule;
  for (int i = 0; i < 3; ++i) {
    next.records.push_back(rec("whop/b/n" + std::to_string(i), "whop", 10 + i, {{k::phone, "+14155550100"}}));
    next.records.back().cause = cause::new_record;
  }
  const resolution out = f.run(next);
  ASSERT_EQ(out.frozen.size(), 1u);
  EXPECT_EQ(out.frozen[0].records.size(), 4u);
  EXPECT_EQ(out.person_of[0], person) << "a frozen record stays where it was";
  ASSERT_TRUE(out.person_of[1]);
  EXPECT_NE(*out.person_of[1], person);
  ASSERT_EQ(out.frozen_persons.size(), 1u);
  EXPECT_EQ(out.frozen_persons[0].id, person);
  EXPECT_EQ(out.frozen_persons[0].records, std::vector<std::size_t>{0}) << "its golden record is of what it kept";
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].kind, event_kind::split);
  EXPECT_EQ(out.events[0].before, std::vector<std::string>{person});
  EXPECT_EQ(out.events[0].after, (std::vector<std::string>{person, *out.person_of[1]}));
}

// Two persons, then a new record that carries both their emails.
TEST(Resolver, AMergeKeepsTheLargerPersonsIdAndRedirectsTheOther) {
  fixture f;
  resolution_input in;
  in.records = {rec("whop/b/1", "whop", 1, {{k::email, "a@example.com"}}),
                rec("whop/b/2", "whop", 2, {{k::email, "a@example.com"}}),
                rec("whop/b/3", "whop", 3, {{k::email, "b@example.com"}})};
  const resolution first = f.run(in);
  const auto before = assignment(in, first);
  resolution_input next = carried_over(in, first);
  next.records.push_back(rec("whop/b/4", "whop", 4, {{k::email, "a@example.com"}, {k::email, "b@example.com"}}));
  next.records.back().cause = cause::new_record;
  const resolution out = f.run(next);
  ASSERT_EQ(out.persons.size(), 1u);
  EXPECT_EQ(out.persons[0].id, before.at("whop/b/1"));
  ASSERT_EQ(out.retired.size(), 1u);
  EXPECT_EQ(out.retired[0].id, before.at("whop/b/3"));
  EXPECT_EQ(out.retired[0].successor, before.at("whop/b/1"));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].kind, event_kind::merge);
  EXPECT_EQ(out.events[0].cause, cause::rule);
  EXPECT_EQ(out.events[0].after, std::vector<std::string>{before.at("whop/b/1")});
  EXPECT_EQ(out.events[0].before.size(), 2u);
}

TEST(Resolver, TiesGoToTheOlderPerson) {
  fixture f;
  resolution_input in;
  in.records = {rec("whop/b/1", "whop", 1, {{k::email, "a@example.com"}, {k::phone, "+14155550123"}}),
                rec("whop/b/2", "whop", 2, {{k::email, "a@example.com"}, {k::phone, "+14155550123"}})};
  in.records[0].previous_person = "00000000-0000-5000-8000-00000000000b";
  in.records[1].previous_person = "00000000-0000-5000-8000-00000000000a";
  in.persons = {{"00000000-0000-5000-8000-00000000000a", 200}, {"00000000-0000-5000-8000-00000000000b", 100}};
  const resolution out = f.run(in);
  ASSERT_EQ(out.persons.size(), 1u);
  EXPECT_EQ(out.persons[0].id, "00000000-0000-5000-8000-00000000000b");
}

// A rebuild from scratch gives each group the id derived from its smallest key: an old person holding
// that id keeps it, over a larger one, so that merges and splits leave the ids a rebuild gives.
TEST(Resolver, AMergeOrASplitKeepsTheIdsARebuildWouldGive) {
  fixture f;
  resolution_input in;
  in.records = {rec("whop/b/1", "whop", 1, {{k::email, "a@example.com"}}),
                rec("whop/b/2", "whop", 2, {{k::email, "b@example.com"}}),
                rec("whop/b/3", "whop", 3, {{k::email, "b@example.com"}})};
  resolution_input merged = carried_over(in, f.run(in));  // {1} and {2, 3}
  merged.records[0].identifiers.push_back({k::email, "b@example.com"});
  merged.records[0].cause = cause::rule;
  resolution out = f.run(merged);
  ASSERT_EQ(out.persons.size(), 1u);
  EXPECT_EQ(out.persons[0].id, derived_person_id("whop/b/1")) << "the smaller person, holding the rebuild's id";
  resolution_input scratch = merged;
  for (record_evidence& r : scratch.records) r.previous_person.reset();
  scratch.persons.clear();
  EXPECT_EQ(assignment(scratch, f.run(scratch)), assignment(merged, out));

  // {1, 2, 3} splits into {1} and {2, 3}: {1} keeps the id, and {2, 3} gets the one a rebuild gives it.
  resolution_input split = carried_over(merged, out);
  split.records[0].identifiers = {{k::email, "a@example.com"}};
  split.records[0].cause = cause::rule;
  out = f.run(split);
  ASSERT_EQ(out.persons.size(), 2u);
  const auto a = assignment(split, out);
  EXPECT_EQ(a.at("whop/b/1"), derived_person_id("whop/b/1"));
  EXPECT_EQ(a.at("whop/b/2"), derived_person_id("whop/b/2"));
  scratch = split;
  for (record_evidence& r : scratch.records) r.previous_person.reset();
  scratch.persons.clear();
  EXPECT_EQ(assignment(scratch, f.run(scratch)), a);
}

TEST(Resolver, AReturningRecordGetsItsDeletedPersonBack) {
  fixture f;
  const std::string gone = "00000000-0000-5000-8000-0000000000aa";  // not derived from any key here
  resolution_input in;
  in.records = {rec("whop/b/1", "whop", 1, {{k::email, "a@example.com"}}),
                rec("whop/b/2", "whop", 2, {{k::email, "b@example.com"}})};
  in.records[0].last_person = gone;
  in.records[0].cause = cause::new_record;
  in.deleted_persons = {{gone, 50}};
  in.reserved_ids = {gone, derived_person_id("whop/b/1")};
  resolution out = f.run(in);
  const auto a = assignment(in, out);
  EXPECT_EQ(a.at("whop/b/1"), gone);
  const auto revived = std::find_if(out.persons.begin(), out.persons.end(), [&](const person_result& p) { return p.id == gone; });
  ASSERT_NE(revived, out.persons.end());
  EXPECT_TRUE(revived->revived);
  EXPECT_FALSE(revived->is_new) << "its row exists: published again, not inserted";
  EXPECT_TRUE(out.retired.empty());
  const auto created = std::count_if(out.events.begin(), out.events.end(), [&](const identity_event& e) {
    return e.kind == event_kind::create && e.after == std::vector<std::string>{gone};
  });
  EXPECT_EQ(created, 1);

  // Back into a live person: that person claims it, and the deleted one stays deleted.
  in.records[0].identifiers.push_back({k::email, "b@example.com"});
  in.records[1].previous_person = "00000000-0000-5000-8000-0000000000bb";
  in.persons = {{"00000000-0000-5000-8000-0000000000bb", 10}};
  out = f.run(in);
  ASSERT_EQ(out.persons.size(), 1u);
  EXPECT_EQ(out.persons[0].id, "00000000-0000-5000-8000-0000000000bb");
  EXPECT_FALSE(out.persons[0].revived);

  // Two groups of the same returning person: one takes it back, the other gets a new id.
  in.records[0].identifiers = {{k::email, "a@example.com"}};
  in.records[1].previous_person.reset();
  in.records[1].last_person = gone;
  in.persons.clear();
  out = f.run(in);
  ASSERT_EQ(out.persons.size(), 2u);
  EXPECT_EQ(std::count_if(out.persons.begin(), out.persons.end(), [](const person_result& p) { return p.revived; }), 1);
  EXPECT_NE(out.persons[0].id, out.persons[1].id);
}

TEST(Resolver, AnEmailChangeMovesARecordAndALostLinkSplits) {
  fixture f;
  resolution_input in;
  in.records = {rec("whop/b/1", "whop", 1, {{k::email, "a@example.com"}}),
                rec("posthog/1/p", "posthog", 2, {{k::email, "a@example.com"}}),
                rec("whop/b/2", "whop", 3, {{k::email, "b@example.com"}}),
                rec("posthog/1/q", "posthog", 4, {{k::email, "b@example.com"}})};
  const resolution first = f.run(in);
  const auto before = assignment(in, first);

  resolution_input moved = carried_over(in, first);
  moved.records[0].identifiers = {{k::email, "b@example.com"}};
  moved.records[0].cause = cause::rule;
  const resolution out = f.run(moved);
  const auto after = assignment(moved, out);
  EXPECT_EQ(after.at("whop/b/1"), before.at("whop/b/2"));
  EXPECT_EQ(after.at("posthog/1/p"), before.at("posthog/1/p"));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].kind, event_kind::move);
  EXPECT_EQ(out.events[0].records, std::vector<std::string>{"whop/b/1"});
  EXPECT_EQ(out.events[0].before, std::vector<std::string>{before.at("whop/b/1")});
  EXPECT_EQ(out.events[0].after, std::vector<std::string>{before.at("whop/b/2")});

  resolution_input split = carried_over(in, first);
  split.records[0].identifiers = {{k::email, "c@example.com"}};
  const resolution parted = f.run(split);
  ASSERT_EQ(parted.events.size(), 1u);
  EXPECT_EQ(parted.events[0].kind, event_kind::split);
  EXPECT_EQ(parted.events[0].before, std::vector<std::string>{before.at("whop/b/1")});
  EXPECT_EQ(parted.events[0].after.size(), 2u);
}

TEST(Resolver, DeletionsAndUpstreamMerges) {
  fixture f;
  resolution_input in;
  in.records = {rec("posthog/1/a", "posthog", 1, {{k::posthog_distinct_id, "d1"}}),
                rec("posthog/1/b", "posthog", 2, {{k::posthog_distinct_id, "d2"}}),
                rec("posthog/1/c", "posthog", 3, {{k::posthog_distinct_id, "d3"}})};
  const resolution first = f.run(in);
  const auto before = assignment(in, first);

  resolution_input next = carried_over(in, first);
  // PostHog merged b into a: b vanished, its distinct id moved to a.
  next.records[1].live = false;
  next.records[1].merged_into = "posthog/1/a";
  next.records[1].cause = cause::upstream_merge;
  next.records[0].identifiers.push_back({k::posthog_distinct_id, "d2"});
  // And c was deleted.
  next.records[2].live = false;
  next.records[2].cause = cause::record_deleted;
  const resolution out = f.run(next);
  ASSERT_EQ(out.persons.size(), 1u);
  std::map<std::string, retired_person> retired;
  for (const auto& r : out.retired) retired[r.id] = r;
  EXPECT_EQ(retired.at(before.at("posthog/1/b")).successor, before.at("posthog/1/a"));
  EXPECT_FALSE(retired.at(before.at("posthog/1/c")).successor);
  std::map<event_kind, identity_event> events;
  for (const auto& e : out.events) events.emplace(e.kind, e);
  EXPECT_EQ(events.at(event_kind::merge).cause, cause::upstream_merge);
  EXPECT_EQ(events.at(event_kind::remove).cause, cause::record_deleted);
}

// ── generated graphs ────────────────────────────────────────────────────────

struct generated {
  resolution_input input;
  value_policy policy;
};

resolution_input random_input(std::mt19937_64& rng, std::size_t n) {
  resolution_input in;
  auto pick = [&](int hi) { return std::uniform_int_distribution<int>(0, hi)(rng); };
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<identifier_value> ids;
    const bool whop = pick(1) == 0;
    ids.push_back({whop ? k::whop_user_id : k::posthog_distinct_id, "u" + std::to_string(pick(static_cast<int>(n)))});
    if (pick(2) == 0) ids.push_back({k::email, "e" + std::to_string(pick(static_cast<int>(n / 2))) + "@example.com"});
    if (pick(3) == 0) ids.push_back({k::phone, "+1415555" + std::to_string(1000 + pick(static_cast<int>(n / 2)))});
    if (pick(9) == 0) ids.push_back({k::email, "null"});
    if (pick(12) == 0) ids.push_back({k::email, "shared@example.com"});
    auto r = rec((whop ? "whop/b/" : "posthog/1/") + std::to_string(100000 + i), whop ? "whop" : "posthog", pick(50), ids);
    r.live = pick(15) != 0;
    in.records.push_back(std::move(r));
  }
  for (int c = 0; c < 6; ++c) {
    in.cannot_link.push_back({in.records[pick(static_cast<int>(n - 1))].key, in.records[pick(static_cast<int>(n - 1))].key});
    in.must_link.push_back({in.records[pick(static_cast<int>(n - 1))].key, in.records[pick(static_cast<int>(n - 1))].key});
  }
  return in;
}

void check_invariants(const resolution_input& in, const resolution& out, const identity_config& config,
                      const value_policy& policy) {
  // Every live record in exactly one person (or a frozen component); dead records in none.
  std::map<std::size_t, int> seen;
  for (const auto& p : out.persons) {
    for (std::size_t r : p.records) ++seen[r];
  }
  for (const auto& f : out.frozen) {
    for (std::size_t r : f.records) ++seen[r];
  }
  for (std::size_t i = 0; i < in.records.size(); ++i) {
    EXPECT_EQ(seen[i], in.records[i].live ? 1 : 0) << in.records[i].key;
  }
  // A person a frozen component keeps has exactly the records given to it.
  for (const auto& p : out.frozen_persons) {
    std::vector<std::size_t> given;
    for (std::size_t i = 0; i < in.records.size(); ++i) {
      if (out.person_of[i] == p.id) given.push_back(i);
    }
    std::vector<std::size_t> kept = p.records;
    std::sort(kept.begin(), kept.end());
    EXPECT_EQ(kept, given) << p.id;
  }
  std::set<std::string> ids;
  for (const auto& p : out.persons) EXPECT_TRUE(ids.insert(p.id).second) << "id given twice: " << p.id;
  // No link through a blocked or quarantined value, or across a kind's limit.
  for (const link& l : out.links) {
    if (!l.via) continue;
    EXPECT_FALSE(policy.blocked(l.via->kind, l.via->value)) << l.via->value;
    for (const auto& q : out.quarantined) EXPECT_NE(q.value.value, l.via->value);
    EXPECT_TRUE(in.records[l.a].live && in.records[l.b].live);
  }
  // No cannot_link violated.
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < in.records.size(); ++i) index[in.records[i].key] = i;
  for (const auto& c : in.cannot_link) {
    const auto a = out.person_of[index[c.a]], b = out.person_of[index[c.b]];
    if (c.a != c.b && a && b) {
      EXPECT_NE(*a, *b) << c.a << " / " << c.b;
    }
  }
  // Redirects lead to a person of this output.
  for (const auto& r : out.retired) {
    if (r.successor) {
      EXPECT_TRUE(ids.contains(*r.successor)) << r.id;
    }
  }
  // A value of an enabled kind that is not crossing is held within one person: what lets an incremental
  // resolution leave it unlooked-up.
  const std::set<identifier_value> crossing(out.crossing.begin(), out.crossing.end());
  std::map<std::pair<int, std::string>, std::set<std::string>> holders;  // (space, value) -> persons, "" for none
  for (std::size_t i = 0; i < in.records.size(); ++i) {
    if (!in.records[i].live) continue;
    for (const auto& v : in.records[i].identifiers) {
      if (config.kinds.at(v.kind).enabled && !crossing.contains(v)) {
        holders[{link_space(v.kind), v.value}].insert(out.person_of[i].value_or("record " + in.records[i].key));
      }
    }
  }
  for (const auto& [value, persons] : holders) EXPECT_EQ(persons.size(), 1u) << value.second << " is not crossing";
}

TEST(ResolverGenerated, InvariantsHoldAndOrderDoesNotMatter) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    fixture f;
    f.config.max_component_size = 40;
    f.config.kinds[k::email].max_records = 8;
    const resolution_input in = random_input(rng, 300);
    const resolution out = f.run(in);
    check_invariants(in, out, f.config, f.policy);

    resolution_input shuffled = in;
    std::shuffle(shuffled.records.begin(), shuffled.records.end(), rng);
    std::shuffle(shuffled.cannot_link.begin(), shuffled.cannot_link.end(), rng);
    std::shuffle(shuffled.must_link.begin(), shuffled.must_link.end(), rng);
    for (auto& r : shuffled.records) std::shuffle(r.identifiers.begin(), r.identifiers.end(), rng);
    EXPECT_EQ(assignment(in, out), assignment(shuffled, f.run(shuffled)));

    // The next resolution with nothing changed: the same ids, no events.
    const resolution_input next = carried_over(in, out);
    const resolution again = f.run(next);
    EXPECT_EQ(assignment(in, out), assignment(next, again));
    EXPECT_TRUE(again.events.empty());
    EXPECT_TRUE(again.retired.empty());

    // A change somewhere: invariants still hold and redirects stay valid.
    resolution_input changed = next;
    for (int i = 0; i < 20; ++i) {
      auto& r = changed.records[std::uniform_int_distribution<std::size_t>(0, changed.records.size() - 1)(rng)];
      if (rng() % 3 == 0) {
        r.live = !r.live;
      } else {
        r.identifiers.push_back({k::email, "e" + std::to_string(rng() % 150) + "@example.com"});
      }
    }
    const resolution later = f.run(changed);
    check_invariants(changed, later, f.config, f.policy);
    std::set<std::string> kept;
    for (const auto& p : later.persons) kept.insert(p.id);
    for (const auto& r : later.retired) EXPECT_FALSE(kept.contains(r.id)) << r.id;
  }
}

}  // namespace
}  // namespace personsync::identity
