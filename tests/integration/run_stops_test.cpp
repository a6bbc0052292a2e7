// `personsync run` stopped by SIGINT or SIGTERM in each phase a run goes
// through after fetching and landing (those are in run_test.cpp): during a full
// sweep's absence checks, and during the identity resolution that follows the
// runs. Each stop exits 0 within 10 s on its own (not by the 9 s abandonment),
// leaves no run `running`, deletes nothing it could not prove, and what
// follows completes to the truth.

#include <csignal>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/absence_checks.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/landing_truth.hpp"

namespace personsync {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::scratch_database;
using testing::sim_fixture;
using testing::sim_options;
using testing::sync_deployment;

// Sends `signal` and checks the stop: out by itself within 10 s with 0, no run left running.
testing::process_result expect_clean_stop(testing::running_process& daemon, int signal, const scratch_database& db) {
  const auto sent = std::chrono::steady_clock::now();
  daemon.kill(signal);
  const testing::process_result r = daemon.wait(15s);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 10s);
  EXPECT_EQ(r.signal, 0) << "it ended by itself";
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("did not stop within"), std::string::npos) << "stopped, not abandoned: " << r.err;
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'running'"), 0);
  return r;
}

class RunStops : public ::testing::TestWithParam<int> {};

// The daemon's first run of the source takes up the full sweep a killed `sync --full` left in
// its checkpoint; a stop while that sweep's absence checks ask for the vanished persons cancels
// them, closes the run `cancelled` and deletes nothing.
TEST_P(RunStops, DuringTheAbsenceChecks) {
  const int signal = GetParam();
  sim_fixture sim(sim_options(0, 1000));
  scratch_database db;
  sync_deployment d(db, sim, "", "[schedule]\njitter = \"0s\"\n[http]\nport = 0\n");
  (void)d.sync();
  const std::set<std::string> gone = testing::delete_posthog_persons(sim, 300);
  sim.with_sim([](fakes::simulator& s) { s.set_latency(100ms); });  // 300 retrieves four at a time: ~8 s

  {
    testing::running_process killed(d.argv({"sync", "--full", "--source", "product"}), d.env());
    ASSERT_TRUE(eventually([&] { return testing::retrieved_any(sim, gone); }, 60s))
        << "the sync to be killed never reached its absence checks";
    killed.kill(SIGKILL);
    killed.wait(10s);
  }
  // Its sessions end when the server notices; until then the source is busy for the daemon (tried again
  // 30 s later), which is not what this test is about.
  ASSERT_TRUE(eventually([&] {
    return db.count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'personsync'"
                    " AND datname = current_database()") == 0;
  }, 30s)) << "the killed sync's sessions outlived it";
  const std::size_t before_daemon = testing::requests_so_far(sim);
  testing::running_process daemon(d.argv({"run"}), d.env());
  if (!eventually([&] { return testing::retrieved_any(sim, gone, before_daemon); }, 60s)) {
    daemon.kill(SIGKILL);
    std::string runs;
    *db.session() << "SELECT coalesce(string_agg(format('%s %s %s %s %s', run_id, source_name, mode, status,"
                     " coalesce(error, '')), '; ' ORDER BY run_id), 'none') FROM personsync.sync_runs",
        soci::into(runs);
    FAIL() << "the daemon should take up the interrupted full sweep and check its absences; runs: " << runs
           << "; it said: " << daemon.wait(5s).err;
  }
  expect_clean_stop(daemon, signal, db);
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.source_records WHERE deleted_at IS NOT NULL"), 0)
      << "a cancelled check deletes nothing";
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.sync_runs WHERE source_name = 'product'"
                     " AND status = 'cancelled'"), 1);
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'interrupted'"), 1)
      << "the killed sync's run, closed by the daemon";

  sim.with_sim([](fakes::simulator& s) { s.set_latency(0ms); });
  (void)d.sync({"--full"});
  testing::expect_same(testing::landed(db, "posthog"), testing::posthog_truth(sim));
}

// A stop while the resolution after the first runs holds the identity lock ends the resolution
// at its next step (or cancels its statement): nothing of it committed, its queue kept, and the
// next resolution resolves everything.
TEST_P(RunStops, DuringTheIdentityResolution) {
  const int signal = GetParam();
  sim_fixture sim(sim_options(15000, 15000));
  scratch_database db;
  sync_deployment d(db, sim, "", "[schedule]\njitter = \"0s\"\n[http]\nport = 0\n");
  const std::string resolving =
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
      " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
      " AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('personsync identity', 0)";
  testing::running_process daemon(d.argv({"run"}), d.env());
  ASSERT_TRUE(eventually([&] { return db.count(resolving) > 0; }, 60s)) << "no resolution seen under way";
  const long long resolutions_before = db.count("SELECT count(*) FROM personsync.identity_runs");
  const testing::process_result stopped = expect_clean_stop(daemon, signal, db);
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.identity_runs"), resolutions_before) << "nothing of it committed";
  EXPECT_NE(stopped.err.find("identity resolution stopped"), std::string::npos) << stopped.err;

  testing::process_options env = d.env();
  env.timeout = 180s;  // a full resolution of 30,000 records on a loaded runner
  const testing::process_result resolved = testing::run_process(d.argv({"resolve"}), env);
  EXPECT_EQ(resolved.exit_code, 0) << resolved.out << resolved.err;
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.person_sources"),
            db.count("SELECT count(*) FROM personsync.source_records WHERE deleted_at IS NULL"))
      << "the next resolution took up the kept queue";
}

INSTANTIATE_TEST_SUITE_P(Signals, RunStops, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) { return info.param == SIGINT ? "sigint" : "sigterm"; });

}  // namespace
}  // namespace personsync
