// personsync sync end to end when things go wrong around it: every wait has a
// deadline (a DNS server that never answers, a lock another session holds),
// every stop is clean (SIGINT and SIGTERM mid-sweep and during the absence
// checks close the runs and delete nothing; a stalled database path fails the
// run instead of hanging it), and what a sweep met that a
// healthy one does not is counted as the simulator injected it.

#include <csignal>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "daemon/cli/exit_codes.hpp"
#include "tests/support/absence_checks.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/landing_truth.hpp"
#include "tests/support/sim_fixture.hpp"
#include "tests/support/stalling_proxy.hpp"
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
using testing::sync_deployment;
using testing::whop_truth;

// A DNS server that takes a query and never answers holds getaddrinfo for its whole retry budget
// (here 20 s x 3); resolving has the connect timeout's deadline instead, and a timeout is a
// transport error like any other: retried, then the run fails. The binary runs in a mount
// namespace of its own whose /etc/resolv.conf names a silent server on 127.0.0.1:53.
TEST(Sync, AResolverThatNeverAnswersFailsTheRunWithinTheConnectTimeout) {
  boost::asio::io_context io;
  boost::asio::ip::udp::socket silent(io);
  boost::system::error_code ec;
  silent.open(boost::asio::ip::udp::v4(), ec);
  silent.bind({boost::asio::ip::make_address_v4("127.0.0.1"), 53}, ec);
  ASSERT_FALSE(ec) << "this test needs UDP port 53 on 127.0.0.1 free: " << ec.message();

  scratch_database db;
  testing::temp_dir dir;
  const auto resolv = dir.write("resolv.conf", "nameserver 127.0.0.1\noptions timeout:20 attempts:3\n");
  dir.write("db_password", testing::test_cluster::get().password(), 0600);
  const auto config = dir.write(
      "personsync.toml",
      "[database]\nconninfo = \"" + db.conninfo() + "\"\npassword_file = \"db_password\"\n[log]\nlevel = \"warn\"\n"
      "[[whop]]\nname = \"store\"\ntoken_env = \"SYNC_TEST_WHOP\"\naccount_id = \"biz_sim\"\n"
      "base_url = \"http://whop.dns-test.invalid:8080/api/v1\"\nallow_insecure_http = true\n"
      "connect_timeout = \"1s\"\nmax_retries = 1\nretry_base_delay = \"5ms\"\n");
  const testing::process_options env{.env = {{"SYNC_TEST_WHOP", "sim-whop-token"}}, .timeout = std::chrono::seconds(90)};
  ASSERT_EQ(testing::run_process({testing::personsync_binary().string(), "migrate", "--config", config.string()}, env)
                .exit_code, 0);

  const auto started = std::chrono::steady_clock::now();
  const process_result r = testing::run_process(
      {"/usr/bin/unshare", "--mount", "/bin/sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolv.string(),
       testing::personsync_binary().string(), "sync", "--json", "--config", config.string()},
      env);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(r.exit_code, cli::exit_failure) << r.out << r.err;
  EXPECT_LT(took, 10.0) << "two attempts of at most 1 s each, where getaddrinfo alone would wait 60 s";
  EXPECT_NE((r.out + r.err).find("resolving whop.dns-test.invalid: no answer within 1000 ms"), std::string::npos)
      << r.out << r.err;
}

// Another session holding a lock that blocks the landing's writes (a DBA's open transaction) makes
// the run fail within a few lock_timeouts, naming the holder, and closes it `failed`: no writer
// parked for ever behind the lock, no run left `running`.
TEST(Sync, ALockHeldByAnotherSessionFailsTheRunWithinTheLockTimeoutNamingTheHolder) {
  sim_fixture sim(sim_options(300, 0));
  scratch_database db;
  sync_deployment d(db, sim);
  d.add_database_setting("lock_timeout = \"1s\"");
  soci::session holder(soci::postgresql, db.conninfo() + " password=" + testing::test_cluster::get().password() +
                                             " application_name=dba-console");
  holder << "BEGIN";
  holder << "LOCK TABLE personsync.source_records IN SHARE MODE";  // reads go on, writes wait

  const auto started = std::chrono::steady_clock::now();
  const auto result = d.sync({"--source", "store"}, cli::exit_failure);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  holder << "ROLLBACK";
  const auto& store = result.at("store");
  EXPECT_EQ(store.at("status").as_string(), "failed");
  const std::string error(store.at("error").as_string());
  EXPECT_NE(error.find("lock timeout"), std::string::npos) << error;
  EXPECT_NE(error.find("tried 3 times"), std::string::npos) << error;
  EXPECT_NE(error.find("dba-console (pid "), std::string::npos) << error;
  EXPECT_LT(took, 20.0) << "three tries of a 1 s lock wait, not for ever";
  int running = -1;
  *db.session() << "SELECT count(*) FROM personsync.sync_runs WHERE status = 'running'", soci::into(running);
  EXPECT_EQ(running, 0);

  // Once the lock is gone the next run lands everything.
  EXPECT_EQ(d.sync({"--source", "store"}).at("store").at("status").as_string(), "succeeded");
}

// A database path that stalls mid-sweep (a pooler or NAT flow that stops forwarding but keeps
// acknowledging) fails the run within statement_timeout plus its margin instead of parking the writer
// for ever; the failed runs are closed over a new connection, and the next sync lands the truth.
TEST(Sync, ADatabasePathThatStallsFailsTheRunWithinTheStatementDeadline) {
  auto options = sim_options(3000, 3000);
  options.latency = std::chrono::milliseconds(50);  // 30 pages each: a sweep of seconds
  sim_fixture sim(options);
  scratch_database db;
  const testing::test_cluster& cluster = testing::test_cluster::get();
  testing::stalling_proxy proxy(cluster.host, cluster.port);
  sync_deployment d(fmt::format("host=127.0.0.1 port={} user={} dbname={}", proxy.port(), cluster.user, db.name()),
                    cluster.password(), sim);
  d.add_database_setting("statement_timeout = \"1s\"");

  testing::running_process sync(d.argv({"sync", "--json"}), d.env());
  ASSERT_TRUE(testing::eventually(
      [&] { return db.count("SELECT count(*) FROM personsync.source_records") > 0; }, std::chrono::seconds(30)))
      << "the sweep should have started landing";
  ASSERT_GT(proxy.go_silent(), 0);
  const auto stalled = std::chrono::steady_clock::now();
  const process_result r = sync.wait(std::chrono::seconds(30));
  EXPECT_LT(std::chrono::steady_clock::now() - stalled, std::chrono::seconds(10)) << "2 s of silence and a look";
  EXPECT_EQ(r.exit_code, cli::exit_failure) << r.out << r.err;
  EXPECT_NE(r.err.find("PostgreSQL has sent nothing for"), std::string::npos) << r.err;
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'running'"), 0);
  EXPECT_GE(db.count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'failed'"), 1);

  sim.with_sim([](fakes::simulator& s) { s.set_latency(std::chrono::milliseconds(0)); });
  (void)d.sync({"--full"});
  expect_same(landed(db, "whop"), whop_truth(sim));
  expect_same(landed(db, "posthog"), posthog_truth(sim));
}

// `sync` stops on SIGINT and on SIGTERM as `run` does: requests cancelled, the open batch committed
// or rolled back, its runs closed `cancelled`, out within 10 s with 128 + the signal; the next sync
// lands the truth.
TEST(Sync, SigintAndSigtermStopASyncWithinTenSecondsAndCloseItsRuns) {
  auto options = sim_options(20000, 20000);
  options.latency = std::chrono::milliseconds(100);  // 200 pages each, four at a time: a sweep of seconds
  sim_fixture sim(options);
  scratch_database db;
  sync_deployment d(db, sim);
  const auto count = [&](const std::string& sql) {
    long long n = -1;
    *db.session() << sql, soci::into(n);
    return n;
  };
  for (const int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal == SIGINT ? "SIGINT" : "SIGTERM");
    const long long landed_before = count("SELECT count(*) FROM personsync.source_records");
    testing::running_process sync(d.argv({"sync", "--full"}), d.env());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'running'") < 2 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // mid-sweep
    ASSERT_EQ(count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'running'"), 2);

    const auto sent = std::chrono::steady_clock::now();
    sync.kill(signal);
    const process_result r = sync.wait(std::chrono::seconds(15));
    EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(10));
    EXPECT_EQ(r.signal, 0) << "it ended by itself";
    EXPECT_EQ(r.exit_code, 128 + signal) << r.out << r.err;
    EXPECT_EQ(count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'running'"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'cancelled'"),
              signal == SIGINT ? 2 : 4);
    EXPECT_LT(count("SELECT count(*) FROM personsync.source_records"), 40000) << "stopped before the end";
    EXPECT_GE(count("SELECT count(*) FROM personsync.source_records"), landed_before);
  }
  sim.with_sim([](fakes::simulator& s) { s.set_latency(std::chrono::milliseconds(0)); });
  (void)d.sync({"--full"});
  expect_same(landed(db, "whop"), whop_truth(sim));
  expect_same(landed(db, "posthog"), posthog_truth(sim));
}

// A stop while the absence checks retrieve the persons a full sweep missed cancels those retrieves
// too: out within 10 s, the run closed `cancelled` (not left `running`), and nothing deleted.
TEST(Sync, AStopDuringTheAbsenceChecksCancelsThemAndDeletesNothing) {
  sim_fixture sim(sim_options(0, 1000));
  scratch_database db;
  sync_deployment d(db, sim);
  (void)d.sync();
  const std::set<std::string> gone = testing::delete_posthog_persons(sim, 300);
  ASSERT_EQ(gone.size(), 300u);
  sim.with_sim([](fakes::simulator& s) {
    s.set_latency(std::chrono::milliseconds(100));  // 300 retrieves four at a time: about 8 s of checks
  });
  testing::running_process sync(d.argv({"sync", "--full", "--source", "product"}), d.env());
  ASSERT_TRUE(testing::eventually([&] { return testing::retrieved_any(sim, gone); }, std::chrono::seconds(30)))
      << "the absence checks should have started";
  const auto sent = std::chrono::steady_clock::now();
  sync.kill(SIGTERM);
  const process_result r = sync.wait(std::chrono::seconds(15));
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r.out << r.err;
  long long running = -1, cancelled = -1, deleted = -1;
  *db.session() << "SELECT count(*) FROM personsync.sync_runs WHERE status = 'running'", soci::into(running);
  *db.session() << "SELECT count(*) FROM personsync.sync_runs WHERE status = 'cancelled'", soci::into(cancelled);
  *db.session() << "SELECT count(*) FROM personsync.source_records WHERE deleted_at IS NOT NULL", soci::into(deleted);
  EXPECT_EQ(running, 0);
  EXPECT_EQ(cancelled, 1);
  EXPECT_EQ(deleted, 0) << "a cancelled check deletes nothing";
}

// What the page driver counts that a healthy sweep does not have reaches `sync --json` and sync_runs,
// each kind as the simulator injected it; the run still succeeds, every page retried.
TEST(Sync, SweepAnomaliesAreReportedAsTheSimulatorInjectedThem) {
  sim_fixture sim(sim_options(300, 0));
  scratch_database db;
  sync_deployment d(db, sim);
  sim.with_sim([](fakes::simulator& s) {
    s.faults().add({fakes::fault_kind::malformed_json, 2, 0.0, 1, 0, "/api/v1/people"});
    s.faults().add({fakes::fault_kind::close_mid_body, 1, 0.0, 1, 0, "/api/v1/people"});
  });
  const auto result = d.sync({"--source", "store"});
  const auto& store = result.at("store");
  EXPECT_EQ(store.at("status").as_string(), "succeeded");
  const boost::json::object expected{{"bad_page", 2},  {"transport_error", 1}, {"duplicate", 0},
                                     {"shortfall", 0}, {"drift", 0},           {"replaced_character", 0}};
  EXPECT_EQ(store.at("anomalies").as_object(), expected) << store;
  std::string stored;
  *db.session() << "SELECT anomalies::text FROM personsync.sync_runs WHERE source_name = 'store'", soci::into(stored);
  EXPECT_EQ(boost::json::parse(stored).as_object(), expected) << stored;
}

}  // namespace
}  // namespace personsync
