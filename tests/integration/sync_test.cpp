// personsync sync end to end: the binary as a subprocess, the simulators over
// loopback, a real PostgreSQL. Landing equals the truth; a second sync writes
// no row; changes are counted exactly; a failing provider deletes nothing;
// confirmed absences are soft deletes; hostile text lands byte for byte; a
// second process finds the source busy. Deadlines and stops: sync_stops_test.cpp.

#include <unistd.h>

#include <csignal>
#include <random>
#include <set>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "common/json/precise_parse.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/landing_truth.hpp"
#include "tests/support/private_cluster.hpp"
#include "tests/support/sim_fixture.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/test_cluster.hpp"

#include <soci/postgresql/soci-postgresql.h>

namespace personsync {
namespace {

using testing::expect_same;
using testing::landed;
using testing::posthog_truth;
using testing::process_result;
using testing::scratch_database;
using testing::sim_fixture;
using testing::sim_options;
using testing::sim_options_serving;
using testing::sync_deployment;
using testing::whop_truth;

struct table_writes {
  long long updated = 0;
  long long dead = 0;
};

table_writes writes_to_source_records(const scratch_database& db) {
  const auto session = db.session();
  *session << "SELECT pg_stat_clear_snapshot()";
  table_writes w;
  *session << "SELECT n_tup_upd, n_dead_tup FROM pg_stat_user_tables WHERE schemaname = 'personsync' AND "
              "relname = 'source_records'",
      soci::into(w.updated), soci::into(w.dead);
  return w;
}

TEST(Sync, LandingEqualsTheTruthAndASecondSyncWritesNothing) {
  sim_fixture sim(sim_options());
  scratch_database db;
  sync_deployment d(db, sim);

  const auto first = d.sync();
  EXPECT_EQ(first.at("store").at("status").as_string(), "succeeded");
  EXPECT_EQ(first.at("store").at("inserted").as_int64(), 800);
  EXPECT_EQ(first.at("product").at("inserted").as_int64(), 600);
  expect_same(landed(db, "whop"), whop_truth(sim));
  expect_same(landed(db, "posthog"), posthog_truth(sim));

  const table_writes before = writes_to_source_records(db);
  const auto second = d.sync({"--full"});
  for (const char* source : {"store", "product"}) {
    EXPECT_EQ(second.at(source).at("mode").as_string(), "full");
    EXPECT_EQ(second.at(source).at("updated").as_int64(), 0) << source;
    EXPECT_EQ(second.at(source).at("inserted").as_int64(), 0) << source;
    EXPECT_EQ(second.at(source).at("deleted").as_int64(), 0) << source;
  }
  EXPECT_EQ(second.at("store").at("unchanged").as_int64(), 800);
  const table_writes after = writes_to_source_records(db);
  EXPECT_EQ(after.updated, before.updated) << "an unchanged record makes no row version";
  EXPECT_EQ(after.dead, before.dead);
}

// Into an empty scope, batches are COPY'd straight in: not queued one by one for
// identity, but with a marker that makes the next resolution a full one.
TEST(Sync, AFirstLoadIsCopiedStraightInAndAsksForAFullResolution) {
  sim_fixture sim(sim_options(300, 200));
  scratch_database db;
  sync_deployment d(db, sim);
  const auto first = d.sync({"--no-resolve"});
  EXPECT_EQ(first.at("store").at("inserted").as_int64(), 300);
  EXPECT_EQ(first.at("product").at("inserted").as_int64(), 200);
  const auto session = db.session();
  long long markers = 0, queued_records = 0;
  *session << "SELECT count(*) FILTER (WHERE record_id = 0), count(*) FILTER (WHERE record_id <> 0) "
              "FROM personsync.identity_dirty",
      soci::into(markers), soci::into(queued_records);
  EXPECT_GT(markers, 0);
  EXPECT_EQ(queued_records, 0);
  expect_same(landed(db, "whop"), whop_truth(sim));
  expect_same(landed(db, "posthog"), posthog_truth(sim));

  const process_result resolved = d.run({"resolve"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  EXPECT_NE(resolved.out.find("full"), std::string::npos) << resolved.out;
  long long in_a_person = 0, new_record_events = 0;
  *session << "SELECT count(*) FROM personsync.person_sources", soci::into(in_a_person);
  *session << "SELECT count(*) FROM personsync.identity_events WHERE kind = 'create' AND cause = 'new_record'",
      soci::into(new_record_events);
  EXPECT_EQ(in_a_person, 500);
  EXPECT_GT(new_record_events, 0) << "bulk-loaded records are new records";
}

// Two sources on one scope both start on an empty landing: one copies its batches in,
// the other's COPY meets the same keys and falls back to the upsert, losing nothing.
TEST(Sync, TwoSourcesOnOneEmptyScopeLandEachRecordOnce) {
  sim_fixture sim(sim_options(800, 10));
  scratch_database db;
  sync_deployment d(db, sim, "",
                    "[[whop]]\nname = \"store_again\"\ntoken_env = \"SYNC_TEST_WHOP\"\naccount_id = \"biz_sim\"\n"
                    "base_url = \"" + sim.base_url() + "/api/v1\"\nretry_base_delay = \"5ms\"\n");
  const auto first = d.sync();
  EXPECT_EQ(first.at("store").at("status").as_string(), "succeeded");
  EXPECT_EQ(first.at("store_again").at("status").as_string(), "succeeded");
  EXPECT_EQ(first.at("store").at("inserted").as_int64() + first.at("store_again").at("inserted").as_int64(), 800);
  expect_same(landed(db, "whop"), whop_truth(sim));
}

TEST(Sync, ChangedRecordsAreUpdatedAndCountedExactly) {
  sim_fixture sim(sim_options());
  scratch_database db;
  sync_deployment d(db, sim);
  (void)d.sync();
  sim.with_sim([](fakes::simulator& s) {
    for (int i = 0; i < 5; ++i) {
      s.whop().control(boost::json::object{{"op", "update"}, {"id", s.whop().people()[i * 10].id},
                                           {"fields", {{"name", "Renamed " + std::to_string(i)}}}});
    }
    const auto live = s.posthog().live();
    for (int i = 0; i < 3; ++i) {
      s.posthog().control(boost::json::object{{"op", "update"}, {"uuid", live[i * 7]->uuid},
                                              {"properties", {{"plan", "enterprise"}}}});
    }
  });
  const auto result = d.sync({"--full"});
  EXPECT_EQ(result.at("store").at("updated").as_int64(), 5);
  EXPECT_EQ(result.at("store").at("unchanged").as_int64(), 795);
  EXPECT_EQ(result.at("product").at("updated").as_int64(), 3);
  expect_same(landed(db, "whop"), whop_truth(sim));
  expect_same(landed(db, "posthog"), posthog_truth(sim));

  int rows = 0;
  *db.session() << "SELECT count(*) FROM personsync.sync_runs WHERE status = 'succeeded' AND updated = 5 AND "
                   "source_name = 'store'", soci::into(rows);
  EXPECT_EQ(rows, 1) << "the sync_runs row agrees with the summary";
}

TEST(Sync, ConfirmedAbsencesBecomeSoftDeletesAndMerges) {
  sim_fixture sim(sim_options(100, 300));
  scratch_database db;
  sync_deployment d(db, sim);
  (void)d.sync();
  std::string deleted, a, b;
  sim.with_sim([&](fakes::simulator& s) {
    const auto live = s.posthog().live();
    deleted = live[3]->uuid;
    a = live[10]->uuid;
    b = live[20]->uuid;
    s.posthog().control(boost::json::object{{"op", "delete"}, {"uuid", deleted}});
    s.posthog().control(boost::json::object{{"op", "merge"}, {"a", a}, {"b", b}});
  });
  const auto truth = posthog_truth(sim);
  const std::string kept = truth.contains(a) ? a : b, absorbed = truth.contains(a) ? b : a;

  const auto result = d.sync({"--full"});
  EXPECT_EQ(result.at("product").at("deleted").as_int64(), 2);
  expect_same(landed(db, "posthog"), truth);
  const auto session = db.session();
  std::string merged_into;
  soci::indicator ind;
  *session << "SELECT merged_into FROM personsync.source_records WHERE source_key = :k AND deleted_at IS NOT NULL",
      soci::use(absorbed), soci::into(merged_into, ind);
  EXPECT_EQ(ind, soci::i_ok);
  EXPECT_EQ(merged_into, kept);
  int gone = 0;
  *session << "SELECT count(*) FROM personsync.source_records WHERE source_key = :k AND deleted_at IS NOT NULL "
              "AND merged_into IS NULL", soci::use(deleted), soci::into(gone);
  EXPECT_EQ(gone, 1);
}

long long whop_count(const scratch_database& db, const std::string& where) {
  long long n = 0;
  *db.session() << "SELECT count(*) FROM personsync.source_records WHERE source = 'whop' AND " + where, soci::into(n);
  return n;
}

// The seed's offset API has no retrieve: one sweep's absence only marks a person, the
// next complete sweep that misses it too retires it.
TEST(Sync, AWhopPersonMissingFromOneOffsetSweepIsRetiredOnlyByTheNext) {
  sim_fixture sim(sim_options_serving("offset", 200, 0));
  scratch_database db;
  sync_deployment d(db, sim);
  (void)d.sync({"--full"});
  std::string gone;
  sim.with_sim([&](fakes::simulator& s) {
    gone = s.whop().people()[17].person_id;
    ASSERT_EQ(s.whop().control({{"op", "delete"}, {"id", gone}}), "");
  });
  const auto first = d.sync({"--full"});
  EXPECT_EQ(first.at("store").at("deleted").as_int64(), 0) << "absence from one sweep is no proof";
  EXPECT_EQ(first.at("store").at("marked_absent").as_int64(), 1);
  EXPECT_EQ(whop_count(db, "absent_since_run IS NOT NULL AND deleted_at IS NULL AND source_key = '" + gone + "'"), 1);
  const auto second = d.sync({"--full"});
  EXPECT_EQ(second.at("store").at("deleted").as_int64(), 1);
  EXPECT_EQ(whop_count(db, "deleted_at IS NOT NULL"), 1);
  EXPECT_EQ(whop_count(db, "deleted_at IS NOT NULL AND source_key = '" + gone + "'"), 1);
  EXPECT_EQ(whop_count(db, "absent_since_run IS NOT NULL"), 0);
}

// A total_count that is too small, negative or absurd neither ends the sweep early nor
// sizes anything, and the sweep it announces deletes nothing, saying why.
TEST(Sync, AWrongOrUnusableWhopTotalDeletesNothingAndSaysWhy) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"150", "drifted"}, {"-5", "total_negative"}, {"1000000000000", "total_beyond_bound"}, {"\"many\"", "total_not_an_integer"}};
  for (const auto& [total, reason] : cases) {
    SCOPED_TRACE(total);
    sim_fixture sim(sim_options_serving("offset", 1000, 0));
    scratch_database db;
    sync_deployment d(db, sim);
    (void)d.sync({"--full"});
    sim.with_sim([&](fakes::simulator& s) {
      for (int i = 0; i < 2; ++i) {  // two full sweeps miss them: the offset rule alone would delete them
        ASSERT_EQ(s.whop().control({{"op", "delete"}, {"id", s.whop().people()[i * 100].person_id}}), "");
      }
      ASSERT_EQ(s.whop().settings({{"total_count_override", boost::json::parse(total)}}), "");
    });
    for (int sweep = 0; sweep < 2; ++sweep) {
      const auto result = d.sync({"--full"});
      const auto& store = result.at("store");
      EXPECT_EQ(store.at("status").as_string(), "succeeded");
      EXPECT_EQ(store.at("fetched").as_int64(), 998) << "every page read, whatever the total said";
      // 10 pages and the empty one that ends them, plus at most the pages planned ahead:
      // a total of 10^12 plans nothing, so the sweep ends as soon as the data does.
      EXPECT_LE(store.at("requests").as_int64(), 11 + 8) << "the total sized nothing";
      EXPECT_EQ(store.at("deleted").as_int64(), 0);
      ASSERT_TRUE(store.at("deletes_withheld").is_object());
      EXPECT_EQ(store.at("deletes_withheld").at("reason").as_string(), reason);
    }
    // Memory never depends on the announced total: one more sweep, measured as a process.
    const auto measured = d.run({"sync", "--full", "--source", "store"});
    EXPECT_EQ(measured.exit_code, 0) << measured.err;
    EXPECT_LT(measured.max_rss_kib, 256L * 1024) << "peak RSS, KiB";
    std::string withheld;
    *db.session() << "SELECT deletes_withheld FROM personsync.sync_runs WHERE source_name = 'store' "
                     "ORDER BY run_id DESC LIMIT 1", soci::into(withheld);
    EXPECT_TRUE(withheld.starts_with(reason)) << withheld;
    EXPECT_EQ(whop_count(db, "deleted_at IS NOT NULL"), 0);
  }
}

std::set<std::string> deleted_keys(const scratch_database& db, const std::string& source) {
  std::set<std::string> out;
  const auto session = db.session();
  soci::rowset<std::string> rows = (session->prepare <<
      "SELECT source_key FROM personsync.source_records WHERE source = :s AND deleted_at IS NOT NULL", soci::use(source));
  for (const auto& key : rows) out.insert(key);
  return out;
}

// Churn during a full sweep: Whop people updated (their last_seen_at moves), added and
// deleted, PostHog persons added, merged, split and deleted while the pages are read. No
// record that is still upstream is deleted, in either Whop API, and the next full sweep lands
// the truth (in the offset API, which has no retrieve, the one after it: see below).
TEST(Sync, AFullSweepUnderChurnDeletesNoLiveRecordAndTheNextLandsTheTruth) {
  for (const char* api : {"cursor", "offset"}) {
    SCOPED_TRACE(api);
    sim_fixture sim(sim_options_serving(api, 2000, 2000));
    scratch_database db;
    // The churn below removes up to 20 of Whop's and 30 of PostHog's 2,000 before their page is read
    // (1% and 1.5%): how many depends on how the pages and the churn interleave, and beyond the default
    // 1% tolerance a sweep rightly deletes nothing. This test is about the deletes, so the tolerance
    // sits where no interleaving reaches it (Sync.AWrongOrUnusableWhopTotalDeletesNothingAndSaysWhy
    // tests the tolerance).
    sync_deployment d(db, sim, "drift_tolerance = 0.05\n");
    d.add_whop_setting("drift_tolerance = 0.05");
    (void)d.sync({"--full"});
    std::size_t posthog_before = 0;
    const auto whop_before = whop_truth(sim);
    sim.with_sim([&](fakes::simulator& s) {
      posthog_before = s.posthog().live().size();
      // 2,000 people at 100 a page is about 20 list requests for each provider: a churn every
      // second request updates 4, adds 2, deletes 1 and merges 1 Whop people (2%, 1%, 0.5% and
      // 0.5% over the sweep) and adds 2, deletes 2, merges 1 and splits 1 PostHog persons. Whop's
      // clock runs two minutes ahead of ours, so that the people it updates are seen "in the future".
      ASSERT_EQ(s.whop().settings({{"churn_every", 2}, {"churn_update", 4}, {"churn_add", 2}, {"churn_delete", 1},
                                   {"churn_merge", 1}, {"clock_offset_seconds", 120}}), "");
      ASSERT_EQ(s.posthog().settings({{"churn_every", 2}, {"churn_create", 2}, {"churn_delete", 2},
                                      {"churn_merge", 1}, {"churn_split", 1}}), "");
    });
    const auto during = d.sync({"--full"});
    EXPECT_EQ(during.at("store").at("status").as_string(), "succeeded");
    EXPECT_EQ(during.at("product").at("status").as_string(), "succeeded");
    EXPECT_TRUE(during.at("store").at("deletes_withheld").is_null()) << during.at("store");
    EXPECT_TRUE(during.at("product").at("deletes_withheld").is_null()) << during.at("product");
    EXPECT_NEAR(during.at("store").at("provider_clock_skew_seconds").to_number<double>(), 120.0, 2.0)
        << "the skew Whop's Date header shows is reported";
    sim.with_sim([](fakes::simulator& s) {
      ASSERT_EQ(s.whop().settings({{"churn_every", 0}}), "");
      ASSERT_EQ(s.posthog().settings({{"churn_every", 0}}), "");
    });
    const auto whop_now = whop_truth(sim);
    const auto posthog_now = posthog_truth(sim);
    std::size_t added = 0, gone = 0;
    for (const auto& [key, payload] : whop_now) added += whop_before.contains(key) ? 0 : 1;
    for (const auto& [key, payload] : whop_before) gone += whop_now.contains(key) ? 0 : 1;
    EXPECT_GE(added, 10u) << "people were added during the sweep";
    EXPECT_GE(gone, 10u) << "people were deleted and merged away during the sweep";
    EXPECT_NE(posthog_now.size(), posthog_before) << "the PostHog churn ran";

    // No false delete: whatever the sweep deleted is gone upstream.
    const auto whop_deleted = deleted_keys(db, "whop");
    for (const auto& key : whop_deleted) EXPECT_FALSE(whop_now.contains(key)) << key << " is live at Whop";
    if (std::string_view(api) == "cursor") {
      EXPECT_GT(whop_deleted.size(), 0u) << "people deleted before their page were proved gone by a retrieve";
    } else {
      EXPECT_EQ(whop_deleted.size(), 0u) << "the offset API has no retrieve: one sweep's absence only marks";
      EXPECT_GT(during.at("store").at("marked_absent").as_int64(), 0);
    }
    const auto posthog_deleted = deleted_keys(db, "posthog");
    for (const auto& key : posthog_deleted) EXPECT_FALSE(posthog_now.contains(key)) << key << " is live at PostHog";
    EXPECT_GT(posthog_deleted.size(), 0u) << "persons deleted and merged away during the sweep were retired";

    (void)d.sync({"--full"});
    if (std::string_view(api) == "offset") {
      // Whoever was deleted after its page was read is missed first by this sweep: marked, not
      // yet retired. Everything landed that Whop no longer has is marked, and the next complete
      // sweep retires it.
      for (const auto& [key, payload] : landed(db, "whop")) {
        if (whop_now.contains(key)) continue;
        EXPECT_EQ(whop_count(db, "absent_since_run IS NOT NULL AND source_key = '" + key + "'"), 1) << key;
      }
      (void)d.sync({"--full", "--source", "store"});
    }
    expect_same(landed(db, "whop"), whop_now);
    expect_same(landed(db, "posthog"), posthog_now);
  }
}

TEST(Sync, AProviderFailureMidSweepDeletesNothing) {
  sim_fixture sim(sim_options(100, 1000));
  scratch_database db;
  sync_deployment d(db, sim, "max_retries = 0\n");
  (void)d.sync();
  sim.with_sim([](fakes::simulator& s) {
    const auto live = s.posthog().live();
    for (int i = 0; i < 20; ++i) s.posthog().control(boost::json::object{{"op", "delete"}, {"uuid", live[i * 3]->uuid}});
    // The first pages come through; a later one fails for good.
    s.faults().add({fakes::fault_kind::status_500, 0, 0.35, 1, 0, "/api/projects/"});
  });
  const auto result = d.sync({"--full", "--source", "product"}, cli::exit_failure);
  EXPECT_EQ(result.at("product").at("status").as_string(), "failed");
  EXPECT_GT(result.at("product").at("fetched").as_int64(), 0) << "it failed mid-sweep, not at once";
  EXPECT_EQ(result.at("product").at("deleted").as_int64(), 0);
  int deleted = 0;
  *db.session() << "SELECT count(*) FROM personsync.source_records WHERE deleted_at IS NOT NULL", soci::into(deleted);
  EXPECT_EQ(deleted, 0);
}

TEST(Sync, HostileTextLandsByteForByte) {
  sim_fixture sim(sim_options(10, 10));
  scratch_database db;
  sync_deployment d(db, sim);
  const std::vector<std::string> hostile{
      "O'Brien \"quoted\" '; DROP TABLE source_records; --", "back\\slash\\\\double", "new\nline\r\ncrlf\ttab",
      std::string(10 * 1024, 'x') + "😀", "emoji 😀🎉 and RTL زینب", "percent %s %n {} {{}}"};
  sim.with_sim([&](fakes::simulator& s) {
    for (std::size_t i = 0; i < hostile.size(); ++i) {
      s.whop().control(boost::json::object{
          {"op", "add"},
          {"person", {{"id", "user_hostile_" + std::to_string(i)}, {"name", hostile[i]}, {"email", hostile[i]},
                      {"first_seen_at", 1700000000}, {"last_seen_at",
                       std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() - 5}}}});
    }
  });
  (void)d.sync();
  const auto session = db.session();
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    std::string name, email;
    const std::string key = "prsn_user_hostile_" + std::to_string(i);  // named: soci binds it by reference
    *session << "SELECT name, email FROM personsync.source_records WHERE source_key = :k",
        soci::use(key), soci::into(name), soci::into(email);
    EXPECT_EQ(name, hostile[i]);
    EXPECT_EQ(email, hostile[i]);
  }
}

TEST(Sync, ASecondProcessFindsTheSourceBusy) {
  sim_fixture sim(sim_options(50, 50));
  scratch_database db;
  sync_deployment d(db, sim);
  // Another holder of the source's lock, as a running sync would be.
  const auto holder = db.session();
  *holder << "SELECT pg_advisory_lock(hashtextextended('personsync.sync.personsync.store', 0))";
  const process_result r = d.run({"sync", "--source", "store"});
  EXPECT_EQ(r.exit_code, cli::exit_busy) << r.out << r.err;
  EXPECT_NE(r.out.find("busy"), std::string::npos) << r.out;
  *holder << "SELECT pg_advisory_unlock(hashtextextended('personsync.sync.personsync.store', 0))";
  EXPECT_EQ(d.run({"sync", "--source", "store"}).exit_code, 0);
}

TEST(Sync, KilledAtRandomPointsThenRestartedEndsWithTheTruthAndNoDuplicates) {
  fakes::simulator_options o = sim_options(6000, 4000);
  o.latency = std::chrono::milliseconds(20);  // a full sweep takes several hundred milliseconds
  sim_fixture sim(o);
  scratch_database db;
  sync_deployment d(db, sim);
  std::mt19937 rng(20261122);
  int killed_mid_run = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const auto kill_after = std::chrono::milliseconds(std::uniform_int_distribution<int>(40, 250)(rng));
    testing::running_process sync(d.argv({"sync", "--full"}), d.env());
    std::this_thread::sleep_for(kill_after);
    sync.kill(SIGKILL);
    const process_result r = sync.wait();
    killed_mid_run += r.signal == SIGKILL;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // PostgreSQL notices the dead client
  }
  EXPECT_GE(killed_mid_run, 3) << "the kills landed while syncs were running";

  // PostgreSQL lets go of a dead client's lock as soon as it notices; until then the source is busy.
  process_result finished;
  for (int i = 0; i < 20; ++i) {
    finished = d.run({"sync"});
    if (finished.exit_code != cli::exit_busy) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(finished.exit_code, 0) << finished.out << finished.err;
  expect_same(landed(db, "whop"), whop_truth(sim));
  expect_same(landed(db, "posthog"), posthog_truth(sim));

  const auto session = db.session();
  int rows = 0, keys = 0, running = 0, interrupted = 0;
  *session << "SELECT count(*), count(DISTINCT (source, scope, source_key)) FROM personsync.source_records",
      soci::into(rows), soci::into(keys);
  EXPECT_EQ(rows, 10000);
  EXPECT_EQ(keys, rows) << "no duplicates";
  *session << "SELECT count(*) FILTER (WHERE status = 'running'),"
              " count(*) FILTER (WHERE status = 'interrupted') FROM personsync.sync_runs",
      soci::into(running), soci::into(interrupted);
  EXPECT_EQ(running, 0) << "runs of killed processes are closed by the next one";
  EXPECT_GE(interrupted, 1);
}

using testing::private_cluster;

TEST(Sync, PostgresRestartedMidSyncFailsTheRunCleanlyAndTheNextCompletes) {
  private_cluster cluster;
  fakes::simulator_options o = sim_options(3000, 2000);
  o.latency = std::chrono::milliseconds(15);
  sim_fixture sim(o);
  testing::temp_dir dir;
  const std::string password = cluster.password();
  dir.write("db_password", password, 0600);
  const auto config = dir.write("personsync.toml",
      "[database]\nconninfo = \"host=127.0.0.1 port=" + cluster.value("PGTEST_PORT") + " user=postgres dbname=postgres\"\n"
      "password_file = \"db_password\"\nconnect_timeout = \"3s\"\n[log]\nlevel = \"warn\"\n"
      "[[whop]]\nname = \"store\"\ntoken_env = \"SYNC_TEST_WHOP\"\nbase_url = \"" + sim.base_url() + "/api/v1\"\n"
      "[[posthog]]\nname = \"product\"\ntoken_env = \"SYNC_TEST_POSTHOG\"\nproject_id = 1\nrate_limit = \"none\"\n"
      "page_size = 100\nbase_url = \"" + sim.base_url() + "\"\n");
  const auto argv = [&](const std::string& command) {
    return std::vector<std::string>{testing::personsync_binary().string(), command, "--config", config.string()};
  };
  const testing::process_options env{.env = {{"SYNC_TEST_WHOP", "sim-whop-token"}, {"SYNC_TEST_POSTHOG", "sim-posthog-token"}}};
  ASSERT_EQ(testing::run_process(argv("migrate"), env).exit_code, 0);

  testing::running_process sync(argv("sync"), env);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_NO_THROW(cluster.restart());
  const process_result interrupted = sync.wait();
  EXPECT_EQ(interrupted.signal, 0) << "it ended by itself";
  EXPECT_EQ(interrupted.exit_code, cli::exit_failure) << interrupted.out << interrupted.err;
  EXPECT_NE(interrupted.out.find("failed"), std::string::npos) << interrupted.out;

  const process_result next = testing::run_process(argv("sync"), env);
  ASSERT_EQ(next.exit_code, 0) << next.out << next.err;
  soci::session session(soci::postgresql, "host=127.0.0.1 port=" + cluster.value("PGTEST_PORT") +
                                              " user=postgres dbname=postgres password=" + password);
  int rows = 0;
  session << "SELECT count(*) FROM personsync.source_records WHERE deleted_at IS NULL", soci::into(rows);
  EXPECT_EQ(rows, 5000);
  std::map<std::string, boost::json::value> whop_landed;
  soci::rowset<soci::row> landed_rows = (session.prepare << "SELECT source_key, payload::text FROM personsync.source_records WHERE source = 'whop'");
  boost::system::error_code ec;
  for (const auto& r : landed_rows) whop_landed[r.get<std::string>(0)] = json::parse_precise(r.get<std::string>(1), ec);
  expect_same(whop_landed, whop_truth(sim));
}

TEST(Sync, RefreshLandsOnePersonNow) {
  sim_fixture sim(sim_options(10, 50));
  scratch_database db;
  sync_deployment d(db, sim);
  (void)d.sync();
  std::int64_t id = 0;
  std::string uuid;
  sim.with_sim([&](fakes::simulator& s) {
    const auto* person = s.posthog().live()[4];
    id = person->id;
    uuid = person->uuid;
    s.posthog().control(boost::json::object{{"op", "update"}, {"uuid", uuid}, {"properties", {{"plan", "refreshed"}}}});
  });
  const process_result r = d.run({"refresh", "--source", "product", std::to_string(id)});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(" + uuid + ") updated"), std::string::npos) << r.out;
  std::string plan;
  *db.session() << "SELECT properties->>'plan' FROM personsync.source_records WHERE source_key = :k", soci::use(uuid),
      soci::into(plan);
  EXPECT_EQ(plan, "refreshed");

  const process_result missing = d.run({"refresh", "--source", "product", "999999"});
  EXPECT_EQ(missing.exit_code, cli::exit_failure);
  EXPECT_NE(missing.out.find("PostHog has no person 999999"), std::string::npos) << missing.out;
  EXPECT_EQ(d.run({"refresh", "--source", "store", "1"}).exit_code, cli::exit_usage) << "not a PostHog source";
  EXPECT_EQ(d.run({"refresh", "--source", "product", "abc"}).exit_code, cli::exit_usage);
}

TEST(Sync, UnknownSourceIsAUsageError) {
  sim_fixture sim(sim_options(5, 5));
  scratch_database db;
  sync_deployment d(db, sim);
  const process_result r = d.run({"sync", "--source", "nope"});
  EXPECT_EQ(r.exit_code, cli::exit_usage);
  EXPECT_NE(r.err.find("no source named 'nope'"), std::string::npos);
}

}  // namespace
}  // namespace personsync
