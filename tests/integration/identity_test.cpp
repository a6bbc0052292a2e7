// Identity resolution end to end: the binary as a subprocess, the simulators
// over loopback, a real PostgreSQL. Published persons match the simulator's
// humans exactly (pair precision and recall 1.0) through varied emails, phone
// formats and Whop ids used as distinct ids, while a junk email shared by a
// hundred humans merges none; PostHog's own merges and splits are followed with
// the right events; an email change moves a record; operators' merges and
// splits survive the next full sync; explain says why.

#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tests/support/deployment.hpp"
#include "tests/support/private_cluster.hpp"

#include <soci/postgresql/soci-postgresql.h>

namespace personsync {
namespace {

using testing::process_result;
using testing::scratch_database;
using testing::sim_fixture;
using testing::sim_options;
using testing::sync_deployment;

// "source/source_key" -> person id, from the consumer view.
std::map<std::string, std::string> published(const scratch_database& db) {
  std::map<std::string, std::string> out;
  const auto session = db.session();
  soci::rowset<soci::row> rows = (session->prepare <<
      "SELECT source || '/' || scope || '/' || source_key, person_id::text FROM personsync.person_sources");
  for (const auto& r : rows) out[r.get<std::string>(0)] = r.get<std::string>(1);
  return out;
}

// "source/scope/source_key" -> human, for every live record the simulators serve.
std::map<std::string, std::string> truth(sim_fixture& sim) {
  std::map<std::string, std::string> out;
  sim.with_sim([&](fakes::simulator& s) {
    for (const auto& p : s.whop().people()) out["whop/biz_sim/" + p.person_id] = p.human_id;
    for (const auto* p : s.posthog().live()) out["posthog/1/" + p->uuid] = p->human_id;
  });
  return out;
}

struct pair_scores {
  double precision, recall;
  std::size_t predicted, actual;
};

// Pairs of records in one person against pairs of records of one human.
pair_scores score(const std::map<std::string, std::string>& person_of, const std::map<std::string, std::string>& human_of) {
  std::map<std::pair<std::string, std::string>, std::size_t> cells;
  std::map<std::string, std::size_t> persons, humans;
  for (const auto& [key, human] : human_of) {
    const auto p = person_of.find(key);
    const std::string person = p == person_of.end() ? "unpublished:" + key : p->second;
    ++cells[{person, human}];
    ++persons[person];
    ++humans[human];
  }
  auto pairs = [](std::size_t n) { return n * (n - 1) / 2; };
  std::size_t both = 0, predicted = 0, actual = 0;
  for (const auto& [cell, n] : cells) both += pairs(n);
  for (const auto& [p, n] : persons) predicted += pairs(n);
  for (const auto& [h, n] : humans) actual += pairs(n);
  return {predicted ? static_cast<double>(both) / predicted : 1.0, actual ? static_cast<double>(both) / actual : 1.0,
          predicted, actual};
}

std::vector<boost::json::object> events(const scratch_database& db, const std::string& kind) {
  std::vector<boost::json::object> out;
  const auto session = db.session();
  soci::rowset<soci::row> rows = (session->prepare <<
      "SELECT array_to_json(before_person_ids)::text, array_to_json(after_person_ids)::text, cause, "
      "  array_to_json(records)::text FROM personsync.identity_events WHERE kind = :k ORDER BY seq", soci::use(kind));
  for (const auto& r : rows) {
    out.push_back({{"before", boost::json::parse(r.get<std::string>(0))},
                   {"after", boost::json::parse(r.get<std::string>(1))},
                   {"cause", r.get<std::string>(2)},
                   {"records", boost::json::parse(r.get<std::string>(3))}});
  }
  return out;
}

boost::json::object run_json(const sync_deployment& d, std::vector<std::string> args) {
  args.push_back("--json");
  const process_result r = d.run(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  boost::system::error_code ec;
  auto v = boost::json::parse(r.out, ec);
  if (ec || !v.is_object()) {
    ADD_FAILURE() << "not JSON: " << r.out << r.err;
    return {};
  }
  return v.as_object();
}

// The seed does not say which of `id` and `person_id` holds the Whop user id, and Whop's
// current cursor API has its own item shape: under both readings of the seed's offset API
// and under the cursor API the same persons, with the same ids and golden records, are
// published, and they are exactly the truth's humans.
TEST(Identity, BothReadingsOfWhopsIdsAndBothApisPublishTheSamePersons) {
  struct served_as {
    const char* name;
    const char* api;
    bool id_is_person;
  };
  const std::vector<served_as> shapes{{"offset, id is the person", "offset", true},
                                      {"offset, id is the user", "offset", false},
                                      {"cursor", "cursor", true}};
  std::map<std::string, std::map<std::string, std::string>> persons_by_shape, golden_by_shape;
  for (const served_as& shape : shapes) {
    SCOPED_TRACE(shape.name);
    scratch_database db;
    fakes::simulator_options o = sim_options(600, 500);
    o.whop.api = shape.api;
    o.whop.id_is_person = shape.id_is_person;
    sim_fixture sim(o);
    sync_deployment d(db, sim);
    d.sync();
    persons_by_shape[shape.name] = published(db);
    const pair_scores scores = score(persons_by_shape[shape.name], truth(sim));
    EXPECT_EQ(scores.precision, 1.0);
    EXPECT_EQ(scores.recall, 1.0);
    const auto session = db.session();
    soci::rowset<soci::row> rows = (session->prepare <<
        "SELECT person_id::text, coalesce(email, '') || '|' || coalesce(phone, '') || '|' || coalesce(ltv::text, '') "
        "FROM personsync.unified_persons");
    for (const auto& r : rows) golden_by_shape[shape.name][r.get<std::string>(0)] = r.get<std::string>(1);
  }
  for (const served_as& shape : shapes) {
    EXPECT_EQ(persons_by_shape[shape.name], persons_by_shape[shapes[0].name])
        << shape.name << ": the same records in the same persons, same ids";
    EXPECT_EQ(golden_by_shape[shape.name], golden_by_shape[shapes[0].name]) << shape.name;
  }
}

TEST(Identity, PublishedPersonsMatchTheSimulatorsHumans) {
  scratch_database db;
  sim_fixture sim(sim_options(1500, 1200));
  sync_deployment d(db, sim);
  d.sync();

  const auto person_of = published(db);
  const auto human_of = truth(sim);
  EXPECT_EQ(person_of.size(), human_of.size()) << "every live record is in exactly one person";
  const pair_scores s = score(person_of, human_of);
  std::printf("pair precision %.6f, recall %.6f (%zu predicted pairs, %zu true pairs, %zu records)\n", s.precision,
              s.recall, s.predicted, s.actual, human_of.size());
  EXPECT_EQ(s.precision, 1.0);
  EXPECT_EQ(s.recall, 1.0);
  EXPECT_GT(s.actual, 1000u) << "the data should hold many cross-record pairs";

  // One person per human, and one unified row per person.
  std::set<std::string> humans;
  for (const auto& [k, h] : human_of) humans.insert(h);
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.unified_persons"), static_cast<long long>(humans.size()));
  // Persons spanning both providers exist, joined through Whop ids used as distinct ids, emails and phones.
  EXPECT_GT(db.count("SELECT count(*) FROM (SELECT person_id FROM personsync.person_sources GROUP BY person_id "
                      "HAVING count(DISTINCT source) = 2) x"), 500);

  // The junk inbox of a hundred humans: quarantined, and its holders stay apart.
  EXPECT_EQ(db.count("SELECT records FROM personsync.quarantined_values WHERE kind = 'email' "
                      "AND value = 'orders@shared-inbox.example'"), 100);
  EXPECT_EQ(db.count("SELECT count(DISTINCT rp.person_id) FROM personsync.record_identifiers ri "
                      "JOIN personsync.record_persons rp USING (record_id) "
                      "WHERE ri.kind = 'email' AND ri.value = 'orders@shared-inbox.example'"), 100);

  // The golden record: Whop's commerce figures summed per person.
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.unified_persons u JOIN ("
                      "  SELECT ps.person_id, sum(r.purchase_count) AS pc FROM personsync.person_sources ps "
                      "  JOIN personsync.source_records r USING (source, scope, source_key) WHERE r.source = 'whop' "
                      "  GROUP BY ps.person_id) w USING (person_id) WHERE u.purchase_count IS DISTINCT FROM w.pc"), 0);
  // Times span the person's records, to the microsecond (the simulators give whole seconds, real
  // PostHog fractions: some are given fractions here, and a full resolution publishes them).
  {
    const auto session = db.session();
    *session << "UPDATE personsync.source_records SET provider_created_at = provider_created_at + "
                "  (record_id % 997 + 1) * interval '1.000001 ms' WHERE record_id % 7 = 0";
  }
  ASSERT_EQ(d.run({"resolve", "--full"}).exit_code, 0);
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.unified_persons u JOIN ("
                      "  SELECT ps.person_id, min(coalesce(r.provider_first_seen_at, r.provider_created_at)) AS first_seen, "
                      "    max(coalesce(r.provider_last_seen_at, r.provider_created_at)) AS last_seen "
                      "  FROM personsync.person_sources ps JOIN personsync.source_records r USING (source, scope, source_key) "
                      "  GROUP BY ps.person_id) m USING (person_id) "
                      "WHERE u.first_seen_at IS DISTINCT FROM m.first_seen OR u.last_seen_at IS DISTINCT FROM m.last_seen"), 0);
  EXPECT_GT(db.count("SELECT count(*) FROM personsync.unified_persons WHERE first_seen_at IS NOT NULL"), 0);
  // Attribution: each list is the union of the person's Whop records' entries, read here from the raw payloads.
  for (const char* list : {"campaigns", "ad_sets", "ads"}) {
    const std::string ids_of = std::string("(SELECT coalesce(array_agg(DISTINCT e->>'id' ORDER BY e->>'id'), '{}') ");
    EXPECT_EQ(db.count("SELECT count(*) FROM personsync.unified_persons u WHERE " + ids_of +
                            "  FROM jsonb_array_elements(coalesce(u.attribution->'whop'->'" + list + "', '[]')) e) "
                            "<> " + ids_of +
                            "  FROM personsync.person_sources ps JOIN personsync.source_records r USING (source, scope, source_key) "
                            "  CROSS JOIN LATERAL jsonb_array_elements(coalesce(r.payload->'" + list + "', '[]')) e "
                            "  WHERE ps.person_id = u.person_id AND r.source = 'whop')"), 0) << list;
  }
  EXPECT_GT(db.count("SELECT count(*) FROM personsync.unified_persons WHERE "
                      "jsonb_array_length(attribution->'whop'->'campaigns') > 1"), 0)
      << "some persons' attribution is a union of several records'";

  // A second sync changes nothing: no event, no new resolution work.
  const long long events_before = db.count("SELECT count(*) FROM personsync.identity_events");
  d.sync({"--full"});
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.identity_events"), events_before);
  EXPECT_EQ(published(db), person_of);
}

// The query schema/README.md gives for "the persons a rebuild would give another id".
std::string rebuild_query_from_the_readme() {
  std::ifstream in(std::string(PERSONSYNC_SOURCE_DIR) + "/schema/README.md");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t comment = text.find("-- persons a rebuild from an empty database would give another id");
  EXPECT_NE(comment, std::string::npos) << "schema/README.md lost its rebuild query";
  if (comment == std::string::npos) return "SELECT NULL::uuid WHERE false";
  return text.substr(comment, text.find("```", comment) - comment);
}

std::set<std::string> ids_of(const scratch_database& db, const std::string& sql) {
  std::set<std::string> out;
  const auto session = db.session();
  // The extension first, on its own; then the SELECT, its last statement, the first to start a line.
  const std::size_t select = sql.find("\nSELECT") + 1;
  *session << sql.substr(0, select);
  soci::rowset<std::string> rows = (session->prepare << "SELECT person_id::text FROM (" +
                                    sql.substr(select, sql.find_last_not_of("; \n") + 1 - select) + ") x");
  for (const std::string& id : rows) out.insert(id);
  return out;
}

// Records deleted upstream and restored (a false delete and its repair) get their person back, with
// nothing else moving; a rebuild from an empty database gives every person the same id but exactly
// those schema/README.md's query names, here a person a record with a smaller key joined later.
TEST(Identity, AReturningRecordGetsItsIdBackAndARebuildKeepsTheIdsTheReadmeSays) {
  scratch_database db;
  sim_fixture sim(sim_options(400, 400));
  sync_deployment d(db, sim);
  d.sync();
  const auto before = published(db);
  std::map<std::string, std::size_t> records_of;  // person -> records
  for (const auto& [key, person] : before) ++records_of[person];

  // Whole persons go: five with one Whop record, five with one PostHog record, and every record of
  // two persons that span both providers.
  std::vector<fakes::whop_person> whop_gone;
  std::vector<fakes::posthog_person> posthog_gone;
  std::set<std::string> gone_persons;
  sim.with_sim([&](fakes::simulator& s) {
    std::map<std::string, std::vector<std::string>> keys_of;  // person -> keys
    for (const auto& [key, person] : before) keys_of[person].push_back(key);
    int whop_only = 0, posthog_only = 0, both = 0;
    for (const auto& [person, keys] : keys_of) {
      const bool one_whop = keys.size() == 1 && keys[0].starts_with("whop/");
      const bool one_posthog = keys.size() == 1 && keys[0].starts_with("posthog/");
      const bool spans = keys.size() == 2 && keys[0].starts_with("posthog/") && keys[1].starts_with("whop/");
      if ((one_whop && whop_only++ < 5) || (one_posthog && posthog_only++ < 5) || (spans && both++ < 2)) {
        gone_persons.insert(person);
        for (const std::string& key : keys) {
          const std::string source_key = key.substr(key.rfind('/') + 1);
          if (key.starts_with("whop/")) {
            for (const auto& w : s.whop().people()) {
              if (w.person_id == source_key) whop_gone.push_back(w);
            }
          } else {
            for (const auto* p : s.posthog().live()) {
              if (p->uuid == source_key) posthog_gone.push_back(*p);
            }
          }
        }
      }
    }
    ASSERT_EQ(gone_persons.size(), 12u);
    for (const auto& w : whop_gone) ASSERT_EQ(s.whop().control({{"op", "delete"}, {"id", w.person_id}}), "");
    for (const auto& p : posthog_gone) ASSERT_EQ(s.posthog().control({{"op", "delete"}, {"uuid", p.uuid}}), "");
  });
  ASSERT_EQ(whop_gone.size(), 7u);
  ASSERT_EQ(posthog_gone.size(), 7u);
  d.sync({"--full"});
  for (const std::string& person : gone_persons) {
    EXPECT_EQ(db.count("SELECT count(*) FROM personsync.persons WHERE status = 'deleted' AND person_id = '" + person + "'"), 1);
  }

  // They come back, as they were.
  sim.with_sim([&](fakes::simulator& s) {
    for (const auto& w : whop_gone) {
      boost::json::object o{{"id", w.id}, {"person_id", w.person_id}, {"first_seen_at", w.first_seen_at},
                            {"last_seen_at", w.last_seen_at}, {"purchase_count", w.purchase_count}, {"human_id", w.human_id}};
      if (w.name) o["name"] = *w.name;
      if (w.email) o["email"] = *w.email;
      if (w.phone) o["phone"] = *w.phone;
      ASSERT_EQ(s.whop().control({{"op", "add"}, {"person", o}}), "");
    }
    for (const auto& p : posthog_gone) {
      boost::json::array ids(p.distinct_ids.begin(), p.distinct_ids.end());
      ASSERT_EQ(s.posthog().control({{"op", "add"},
                                     {"person", {{"uuid", p.uuid}, {"distinct_ids", ids}, {"properties", p.properties},
                                                 {"created_at", p.created_at}, {"human_id", p.human_id}}}}),
                "");
    }
  });
  d.sync({"--full"});
  EXPECT_EQ(published(db), before) << "every record is back in the person it had";
  for (const std::string& person : gone_persons) {
    EXPECT_EQ(db.count("SELECT count(*) FROM personsync.persons WHERE status = 'active' AND person_id = '" + person + "'"), 1);
    EXPECT_EQ(db.count("SELECT count(*) FROM personsync.identity_events WHERE kind = 'create' AND after_person_ids = "
                        "ARRAY['" + person + "']::uuid[]"), 2)
        << "created, deleted, created again";
  }
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.record_last_persons"), 0) << "forgotten once back";

  // A PostHog person with the smallest key of all joins a one-record Whop person through its user id:
  // the person keeps its id, which a rebuild would not give it.
  std::string joined;
  sim.with_sim([&](fakes::simulator& s) {
    for (const auto& w : s.whop().people()) {
      if (joined.empty() && records_of[before.at("whop/biz_sim/" + w.person_id)] == 1) {
        joined = before.at("whop/biz_sim/" + w.person_id);
        ASSERT_EQ(s.posthog().control({{"op", "add"},
                                       {"person", {{"uuid", "00000000-0000-4000-8000-000000000001"},
                                                   {"distinct_ids", boost::json::array{boost::json::value(w.id)}},
                                                   {"human_id", w.human_id}}}}),
                  "");
      }
    }
  });
  d.sync({"--full"});
  const auto kept = published(db);
  EXPECT_EQ(kept.at("posthog/1/00000000-0000-4000-8000-000000000001"), joined);

  const std::set<std::string> named = ids_of(db, rebuild_query_from_the_readme());
  scratch_database rebuilt_db;
  sync_deployment rebuilt(rebuilt_db, sim);
  rebuilt.sync();
  const auto rebuilt_ids = published(rebuilt_db);
  ASSERT_EQ(rebuilt_ids.size(), kept.size());
  std::set<std::string> changed;
  std::size_t unchanged_records = 0;
  for (const auto& [key, person] : kept) {
    if (rebuilt_ids.at(key) == person) {
      ++unchanged_records;
    } else {
      changed.insert(person);
    }
  }
  std::printf("rebuild: %zu of %zu persons got another id, %zu of %zu records kept theirs\n", changed.size(),
              records_of.size(), unchanged_records, kept.size());
  EXPECT_EQ(changed, named) << "exactly the persons schema/README.md's query names";
  EXPECT_EQ(changed, std::set<std::string>{joined});
}

TEST(Identity, ACrashEmptiesTheUnloggedIdentifiersAndTheNextResolutionRebuildsThemUnchanged) {
  testing::private_cluster cluster;
  sim_fixture sim(sim_options(300, 300));
  sync_deployment d(cluster.conninfo(), cluster.password(), sim);
  d.sync();
  const auto query = [&](const std::string& sql) {
    soci::session session(soci::postgresql, cluster.conninfo() + " password=" + cluster.password());
    std::string out;
    session << sql, soci::into(out);
    return out;
  };
  const std::string identifiers = "SELECT count(*)::text || ' ' || md5(string_agg(record_id || kind || value, ',' "
                                  "ORDER BY record_id, kind, value)) FROM personsync.record_identifiers";
  const std::string persons = "SELECT md5(string_agg(p::text, ',' ORDER BY person_id)) FROM personsync.persons p";
  const std::string assignments = "SELECT md5(string_agg(record_id || person_id::text, ',' ORDER BY record_id)) "
                                  "FROM personsync.record_persons";
  const std::string identifiers_before = query(identifiers), persons_before = query(persons),
                    assignments_before = query(assignments);
  ASSERT_NE(identifiers_before.substr(0, 2), "0 ");

  cluster.crash_and_restart();
  EXPECT_EQ(query("SELECT count(*)::text FROM personsync.record_identifiers"), "0") << "reset by recovery";
  EXPECT_EQ(query(assignments), assignments_before) << "assignments are logged";

  const boost::json::object resolved = run_json(d, {"resolve"});
  EXPECT_EQ(resolved.at("mode"), "full") << resolved;
  EXPECT_EQ(query(identifiers), identifiers_before);
  EXPECT_EQ(query(assignments), assignments_before);
  EXPECT_EQ(query(persons), persons_before) << "not a golden record rewritten, not an updated_at moved";
  EXPECT_EQ(query("SELECT count(*)::text FROM personsync.identity_event_log WHERE resolution_id = " +
                  std::to_string(resolved.at("resolution_id").as_int64())),
            "0");
}

TEST(Identity, UpstreamMergeAndSplitAreFollowedWithTheirEvents) {
  scratch_database db;
  auto options = sim_options(300, 300);
  options.posthog.split_delay_requests = 0;
  sim_fixture sim(options);
  sync_deployment d(db, sim);
  d.sync();
  const auto before = published(db);

  // Two product-only persons (one PostHog record each); PostHog merges them.
  std::string older, newer, split_uuid, split_main, whop_id, whop_key;  // whop_key: the Whop person's record key
  long long leaving = 0;
  sim.with_sim([&](fakes::simulator& s) {
    std::vector<const fakes::posthog_person*> lonely;
    for (const auto* p : s.posthog().live()) {
      bool knows_whop = false;
      for (const auto& w : s.whop().people()) knows_whop = knows_whop || w.human_id == p->human_id;
      if (!knows_whop && lonely.size() < 2) lonely.push_back(p);
      // A store customer whose PostHog person holds their Whop id and an anonymous id.
      if (knows_whop && split_uuid.empty() && p->distinct_ids.size() >= 2 && p->distinct_ids[0].starts_with("user_") &&
          !p->properties.contains("email") && !p->properties.contains("$email") && !p->properties.contains("phone") &&
          !p->properties.contains("$phone")) {
        split_uuid = p->uuid;
        split_main = p->distinct_ids[1];
        whop_id = p->distinct_ids[0];
        for (const auto& w : s.whop().people()) {
          if (w.id == whop_id) whop_key = w.person_id;
        }
        leaving = static_cast<long long>(p->distinct_ids.size()) - 1;
      }
    }
    ASSERT_EQ(lonely.size(), 2u);
    older = lonely[0]->created_at <= lonely[1]->created_at ? lonely[0]->uuid : lonely[1]->uuid;
    newer = older == lonely[0]->uuid ? lonely[1]->uuid : lonely[0]->uuid;
    ASSERT_EQ(s.posthog().control({{"op", "merge"}, {"a", older}, {"b", newer}}), "");
  });
  ASSERT_FALSE(split_uuid.empty()) << "no PostHog person to split in the generated data";
  d.sync({"--full"});

  const auto after_merge = published(db);
  const std::string kept = before.at("posthog/1/" + older), gone = before.at("posthog/1/" + newer);
  EXPECT_EQ(after_merge.at("posthog/1/" + older), kept);
  EXPECT_FALSE(after_merge.contains("posthog/1/" + newer));
  const auto merges = events(db, "merge");
  ASSERT_EQ(merges.size(), 1u);
  EXPECT_EQ(merges[0].at("cause").as_string(), "upstream_merge");
  EXPECT_EQ(merges[0].at("after").as_array(), (boost::json::array{boost::json::value(kept)}));
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.person_redirects WHERE old_person_id = '" + gone +
                      "' AND person_id = '" + kept + "'"), 1);

  // PostHog splits the customer's Whop id off their person: the Whop record goes with it, pinned apart.
  const std::string person = after_merge.at("posthog/1/" + split_uuid);
  ASSERT_EQ(after_merge.at("whop/biz_sim/" + whop_key), person);
  sim.with_sim([&](fakes::simulator& s) {
    ASSERT_EQ(s.posthog().control({{"op", "split"}, {"uuid", split_uuid}, {"main_distinct_id", split_main}}), "");
  });
  // An incremental run sees the split-off persons (they are new) but not the ids leaving the old one
  // (updated_after is blind to distinct-id changes): recognizing the split-off uuids, it reads the old
  // person again, and the split is followed at once rather than merged back until the next full sweep.
  d.sync();
  const auto after_incremental = published(db);
  EXPECT_NE(after_incremental.at("whop/biz_sim/" + whop_key), after_incremental.at("posthog/1/" + split_uuid))
      << "followed by the incremental run";
  d.sync({"--full"});
  const auto after_split = published(db);
  EXPECT_NE(after_split.at("whop/biz_sim/" + whop_key), after_split.at("posthog/1/" + split_uuid));
  const auto splits = events(db, "split");
  ASSERT_EQ(splits.size(), 1u);
  EXPECT_EQ(splits[0].at("cause").as_string(), "upstream_split");
  EXPECT_EQ(splits[0].at("before").as_array(), (boost::json::array{boost::json::value(person)}));
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.identity_constraints WHERE kind = 'cannot_link' "
                      "AND cause = 'upstream_split' AND removed_at IS NULL"), leaving)
      << "one pin per split-off person";
}

TEST(Identity, AnEmailChangeMovesTheRecordAndEmitsAMove) {
  scratch_database db;
  sim_fixture sim(sim_options(800, 0));
  sync_deployment d(db, sim);
  d.sync();
  const auto before = published(db);

  // A human with two Whop records joined only by their email, and another customer's email.
  std::string moving, moving_key, staying, target_key, target_email;  // Whop user ids (what control takes), record keys
  sim.with_sim([&](fakes::simulator& s) {
    std::map<std::string, std::vector<const fakes::whop_person*>> by_human;
    for (const auto& p : s.whop().people()) by_human[p.human_id].push_back(&p);
    for (const auto& [h, records] : by_human) {
      const bool no_phone = std::all_of(records.begin(), records.end(), [](auto* p) { return !p->phone || p->phone->empty(); });
      if (records.size() == 2 && no_phone && moving.empty() && records[0]->email && records[1]->email &&
          records[0]->email->find("shared-inbox") == std::string::npos) {
        // Ties between claims on an id go to the cluster with the smallest key: the one that stays has it.
        const bool first_smaller = records[0]->person_id < records[1]->person_id;
        staying = records[first_smaller ? 0 : 1]->person_id;
        moving = records[first_smaller ? 1 : 0]->id;
        moving_key = records[first_smaller ? 1 : 0]->person_id;
      }
    }
    for (const auto& [h, records] : by_human) {  // a target keyed after `staying`: see the tie rule above
      if (records.size() == 1 && target_email.empty() && records[0]->email && records[0]->person_id > staying &&
                 records[0]->email->find('@') != std::string::npos &&
                 records[0]->email->find("shared-inbox") == std::string::npos) {
        target_key = records[0]->person_id;
        target_email = *records[0]->email;
      }
    }
    ASSERT_FALSE(moving.empty());
    ASSERT_FALSE(target_email.empty());
    ASSERT_EQ(s.whop().control({{"op", "change_email"}, {"id", moving}, {"email", target_email}}), "");
  });
  ASSERT_EQ(before.at("whop/biz_sim/" + moving_key), before.at("whop/biz_sim/" + staying));
  d.sync({"--full"});

  const auto after = published(db);
  const std::string from = before.at("whop/biz_sim/" + staying), to = before.at("whop/biz_sim/" + target_key);
  EXPECT_EQ(after.at("whop/biz_sim/" + moving_key), to);
  EXPECT_EQ(after.at("whop/biz_sim/" + staying), from);
  const auto moves = events(db, "move");
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0].at("before").as_array(), (boost::json::array{boost::json::value(from)}));
  EXPECT_EQ(moves[0].at("after").as_array(), (boost::json::array{boost::json::value(to)}));
  EXPECT_EQ(moves[0].at("records").as_array(), (boost::json::array{boost::json::value("whop/biz_sim/" + moving_key)}));
  EXPECT_EQ(moves[0].at("cause").as_string(), "rule");
  // Only the touched components were resolved again.
  EXPECT_LE(db.count("SELECT area_records FROM personsync.identity_runs ORDER BY resolution_id DESC LIMIT 1"), 10);
}

TEST(Identity, OperatorsSplitAndMergeSurviveTheNextFullSync) {
  scratch_database db;
  sim_fixture sim(sim_options(400, 300));
  sync_deployment d(db, sim);
  d.sync();

  // A person with records of both providers.
  std::string person, whop_key, posthog_key;
  {
    const auto session = db.session();
    *session << "SELECT person_id::text, min(CASE WHEN source = 'whop' THEN source || '/' || scope || '/' || source_key END), "
                "min(CASE WHEN source = 'posthog' THEN source || '/' || scope || '/' || source_key END) "
                "FROM personsync.person_sources GROUP BY person_id HAVING count(DISTINCT source) = 2 "
                "ORDER BY person_id LIMIT 1",
        soci::into(person), soci::into(whop_key), soci::into(posthog_key);
  }
  ASSERT_FALSE(person.empty());
  const process_result no_reason = d.run({"split", person, "--records", posthog_key});
  EXPECT_EQ(no_reason.exit_code, 64) << no_reason.out << no_reason.err;

  const auto split = run_json(d, {"split", person, "--records", posthog_key, "--reason", "two people share a laptop",
                                  "--actor", "ops@example.com"});
  ASSERT_FALSE(split.at("constraints").as_array().empty());
  auto now = published(db);
  EXPECT_NE(now.at(whop_key), now.at(posthog_key));
  EXPECT_TRUE(now.at(whop_key) == person || now.at(posthog_key) == person) << "one part keeps the id";

  d.sync({"--full"});
  now = published(db);
  EXPECT_NE(now.at(whop_key), now.at(posthog_key)) << "a manual split survives the next full sync";

  // explain says what keeps them apart, and which constraint to remove.
  const auto why = run_json(d, {"explain", whop_key, posthog_key});
  EXPECT_FALSE(why.at("same_person").as_bool());
  const std::string reasons = boost::json::serialize(why.at("apart_because"));
  EXPECT_NE(reasons.find("cannot_link"), std::string::npos) << reasons;
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.identity_constraints WHERE actor = 'ops@example.com' "
                      "AND reason = 'two people share a laptop' AND kind = 'cannot_link'"),
            static_cast<long long>(split.at("constraints").as_array().size()));

  // A merge against the pin is refused and keeps nothing.
  const process_result refused = d.run({"merge", now.at(whop_key), now.at(posthog_key), "--reason", "no"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("cannot_link"), std::string::npos) << refused.err;
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.identity_constraints WHERE kind = 'must_link' AND removed_at IS NULL"), 0);

  // Unpinned, they are one person again, with the same id.
  std::vector<std::string> unpin{"unpin"};
  for (const auto& id : split.at("constraints").as_array()) unpin.push_back(std::to_string(id.as_int64()));
  unpin.insert(unpin.end(), {"--reason", "wrong call"});
  run_json(d, unpin);
  now = published(db);
  EXPECT_EQ(now.at(whop_key), person);
  EXPECT_EQ(now.at(posthog_key), person);
  const auto joined = run_json(d, {"explain", whop_key, posthog_key});
  EXPECT_TRUE(joined.at("same_person").as_bool());
  EXPECT_FALSE(joined.at("path").as_array().empty());

  // Two unrelated persons merged by hand stay merged through a full sync.
  std::string a, b;
  {
    const auto session = db.session();
    *session << "SELECT min(person_id::text), max(person_id::text) FROM (SELECT person_id FROM personsync.unified_persons "
                "WHERE record_count = 1 ORDER BY person_id LIMIT 2) x",
        soci::into(a), soci::into(b);
  }
  const auto merged = run_json(d, {"merge", a, b, "--reason", "same customer, two accounts"});
  ASSERT_EQ(merged.at("persons").as_array().size(), 1u);
  const std::string survivor(merged.at("persons").as_array()[0].as_string());
  d.sync({"--full"});
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.unified_persons WHERE person_id = '" + survivor +
                      "' AND record_count = 2"), 1);
  const std::string retired = survivor == a ? b : a;
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.person_redirects WHERE old_person_id = '" + retired +
                      "' AND person_id = '" + survivor + "'"), 1);
  const auto manual = events(db, "merge");
  ASSERT_FALSE(manual.empty());
  EXPECT_EQ(manual.back().at("cause").as_string(), "manual");

  // explain of a redirected id answers for the live person.
  const auto explained = run_json(d, {"explain", retired});
  EXPECT_EQ(explained.at("person").as_string(), survivor);
  EXPECT_EQ(explained.at("records").as_array().size(), 2u);
}

TEST(Identity, BlockingAValueSeparatesWhatOnlyItJoined) {
  scratch_database db;
  sim_fixture sim(sim_options(400, 0));
  sync_deployment d(db, sim);
  d.sync();
  std::string email, person;
  {
    const auto session = db.session();
    // An email that alone joins two records of one person.
    *session << "SELECT ri.value, min(rp.person_id::text) FROM personsync.record_identifiers ri "
                "JOIN personsync.record_persons rp USING (record_id) WHERE ri.kind = 'email' "
                "AND NOT EXISTS (SELECT 1 FROM personsync.record_identifiers p WHERE p.record_id = ri.record_id AND p.kind = 'phone') "
                "GROUP BY ri.value HAVING count(*) = 2 ORDER BY ri.value LIMIT 1",
        soci::into(email), soci::into(person);
  }
  ASSERT_FALSE(email.empty());
  const auto blocked = run_json(d, {"block", "  " + email + " ", "--kind", "email", "--reason", "shared family inbox"});
  EXPECT_EQ(db.count("SELECT count(DISTINCT rp.person_id) FROM personsync.record_identifiers ri "
                      "JOIN personsync.record_persons rp USING (record_id) WHERE ri.kind = 'email' AND ri.value = '" + email + "'"), 2);
  const auto explained = run_json(d, {"explain", person});
  EXPECT_NE(boost::json::serialize(explained.at("unused_values")).find("blocked by an operator"), std::string::npos);
  run_json(d, {"unpin", std::to_string(blocked.at("constraints").as_array()[0].as_int64()), "--reason", "not shared"});
  EXPECT_EQ(db.count("SELECT count(DISTINCT rp.person_id) FROM personsync.record_identifiers ri "
                      "JOIN personsync.record_persons rp USING (record_id) WHERE ri.kind = 'email' AND ri.value = '" + email + "'"), 1);
}

}  // namespace
}  // namespace personsync
