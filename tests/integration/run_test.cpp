// `personsync run` end to end: the binary as a subprocess under a test notify
// socket, the simulators over loopback, a real PostgreSQL. READY arrives once
// the database is current; scheduled runs land and resolve; /metrics agrees
// with the sync_runs table; /healthz and /readyz answer; the watchdog is fed;
// SIGHUP with an invalid file keeps the old config and with a valid one
// reloads; SIGTERM exits 0 within 10 s, also in the middle of a large sync,
// after which the next run completes to the truth; /readyz follows PostgreSQL.

#include <csignal>
#include <fstream>
#include <iterator>
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/deployment.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/notify_socket.hpp"
#include "tests/support/private_cluster.hpp"

namespace personsync {
namespace {

using namespace std::chrono_literals;
using testing::scratch_database;
using testing::sim_fixture;
using testing::sim_options;
using testing::eventually;
using testing::sync_deployment;

// The value of one sample in the text format, or -1.
double sample(const std::string& metrics, const std::string& series) {
  const auto at = metrics.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + series.size() + 2));
}

std::uint16_t metrics_port(testing::notify_socket& notify) {
  const auto status = notify.wait_for("metrics on 127.0.0.1:", 20s);
  std::smatch m;
  if (!status || !std::regex_search(*status, m, std::regex("127\\.0\\.0\\.1:(\\d+)"))) return 0;
  return static_cast<std::uint16_t>(std::stoi(m[1]));
}

TEST(Run, ServesSchedulesReloadsAndStopsCleanly) {
  scratch_database db;
  sim_fixture sim(sim_options(300, 200));
  const std::string schedule = "[schedule]\ninterval = \"2s\"\njitter = \"0s\"\n[http]\nport = 0\n";
  sync_deployment d(db, sim, "", schedule);
  testing::notify_socket notify(d.dir.path() / "notify.sock");
  // Two server errors and a throttle on the store's first requests: the live request metrics must show them.
  sim.with_sim([](fakes::simulator& s) {
    s.faults().add({fakes::fault_kind::status_503, 2, 0.0, 1, 0, "/api/v1/"});
    s.faults().add({fakes::fault_kind::status_429, 1, 0.0, 1, 0, "/api/v1/"});
  });

  testing::process_options env = d.env();
  env.env["NOTIFY_SOCKET"] = notify.path().string();
  env.env["WATCHDOG_USEC"] = "300000";
  testing::running_process daemon(d.argv({"run"}), env);

  const auto ready = notify.wait_for("READY=1", 20s);
  ASSERT_TRUE(ready) << "no READY=1";
  const std::uint16_t port = metrics_port(notify);
  ASSERT_NE(port, 0);
  EXPECT_TRUE(notify.wait_for("WATCHDOG=1", 2s)) << "the event loop feeds the watchdog";

  EXPECT_EQ(testing::http_get(port, "/healthz").first, 200);
  ASSERT_TRUE(notify.wait_for("store: succeeded", 30s));
  ASSERT_TRUE(notify.wait_for("product: succeeded", 30s));
  // A second, scheduled round (interval 2 s).
  ASSERT_TRUE(notify.wait_for("store: succeeded", 30s));
  EXPECT_EQ(testing::http_get(port, "/readyz").first, 200);
  EXPECT_EQ(testing::http_get(port, "/nothing").first, 404);

  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.source_records"), 500);
  EXPECT_GT(db.count("SELECT count(*) FROM personsync.unified_persons"), 0);
  const auto [code, metrics] = testing::http_get(port, "/metrics");
  ASSERT_EQ(code, 200);
  const long long store_runs = db.count("SELECT count(*) FROM personsync.sync_runs WHERE source_name = 'store' "
                                         "AND status = 'succeeded'");
  const double reported = sample(metrics, "personsync_sync_runs_total{result=\"succeeded\",source=\"store\"}");
  EXPECT_GE(reported, 2);
  EXPECT_LE(reported, static_cast<double>(store_runs)) << metrics;
  EXPECT_EQ(sample(metrics, "personsync_records_total{outcome=\"inserted\",source=\"store\"}"), 300);
  EXPECT_NE(metrics.find("personsync_build_info{version="), std::string::npos);
  EXPECT_GT(sample(metrics, "personsync_persons{status=\"active\"}"), 0);
  // Requests as they happened, by endpoint and status; each timed.
  const std::string store_list = "endpoint=\"people.list\",source=\"store\"";
  const double ok = sample(metrics, "personsync_http_requests_total{" + store_list + ",status=\"200\"}");
  EXPECT_GE(ok, 2) << "a page per run at least";
  EXPECT_EQ(sample(metrics, "personsync_http_requests_total{" + store_list + ",status=\"503\"}"), 2) << metrics;
  EXPECT_EQ(sample(metrics, "personsync_http_requests_total{" + store_list + ",status=\"429\"}"), 1);
  EXPECT_EQ(sample(metrics, "personsync_http_request_duration_seconds_count{" + store_list + "}"), ok + 3);
  EXPECT_GT(sample(metrics, "personsync_http_requests_total{endpoint=\"persons.list\",source=\"product\",status=\"200\"}"), 0);
  EXPECT_EQ(sample(metrics, "personsync_http_retries_total{source=\"store\"}"), 2) << "the 503s; a Retry-After wait is no retry";
  EXPECT_EQ(sample(metrics, "personsync_http_throttled_total{source=\"store\"}"), 1);
  // Every anomaly kind has its series for every source that ran; a 503 or a 429 is none of them.
  EXPECT_EQ(sample(metrics, "personsync_sweep_anomalies_total{kind=\"bad_page\",source=\"store\"}"), 0) << metrics;
  EXPECT_EQ(sample(metrics, "personsync_sweep_anomalies_total{kind=\"transport_error\",source=\"product\"}"), 0);
  EXPECT_EQ(sample(metrics, "personsync_http_retry_after_paused_seconds_total{source=\"store\"}"), 1);
  EXPECT_GE(sample(metrics, "personsync_rate_limit_tokens{source=\"store\"}"), 0) << "Whop's default limit applies";
  EXPECT_EQ(metrics.find("personsync_rate_limit_tokens{source=\"product\"}"), std::string::npos) << "no limit, no series";
  EXPECT_GE(sample(metrics, "personsync_queue_depth_records{source=\"store\"}"), 0);
  const auto exposition = d.dir.write("metrics.txt", metrics, 0644);
  const testing::process_result lint =
      testing::run_process({"/bin/sh", "-c", "promtool check metrics < " + exposition.string()});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_EQ(lint.out + lint.err, "") << "promtool check metrics has something to say";

  // An invalid file is rejected, the old config kept; a valid one is applied.
  const std::string good = [&] {
    std::ifstream in(d.config);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  d.dir.write("personsync.toml", good + "[bogus]\nkey = 1\n");
  daemon.kill(SIGHUP);
  ASSERT_TRUE(notify.wait_for("RELOADING=1", 5s));
  ASSERT_TRUE(notify.wait_for("READY=1", 5s));
  EXPECT_EQ(testing::http_get(port, "/healthz").first, 200) << "still running on the old config";
  d.dir.write("personsync.toml", good);
  daemon.kill(SIGHUP);
  ASSERT_TRUE(notify.wait_for("RELOADING=1", 5s));
  ASSERT_TRUE(notify.wait_for("READY=1", 5s));

  const auto stop_sent = std::chrono::steady_clock::now();
  daemon.kill(SIGTERM);
  const testing::process_result r = daemon.wait(15s);
  const auto stop_took = std::chrono::steady_clock::now() - stop_sent;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(stop_took, 10s);
  EXPECT_TRUE(notify.wait_for("STOPPING=1", 1s));
  EXPECT_NE(r.err.find("reload rejected"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bogus"), std::string::npos) << "the invalid file's errors are logged";
  // No run is left open.
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'running'"), 0);
}

TEST(Run, SigtermInTheMiddleOfALargeSyncExitsWithinTenSecondsAndTheNextRunCompletes) {
  scratch_database db;
  auto options = sim_options(3000, 3000);
  options.latency = 40ms;  // a sweep of many seconds
  sim_fixture sim(options);
  sync_deployment d(db, sim, "", "[schedule]\njitter = \"0s\"\n[http]\nport = 0\n");
  testing::notify_socket notify(d.dir.path() / "notify.sock");
  testing::process_options env = d.env();
  env.env["NOTIFY_SOCKET"] = notify.path().string();
  testing::running_process daemon(d.argv({"run"}), env);
  ASSERT_TRUE(notify.wait_for("READY=1", 20s));
  ASSERT_TRUE(eventually([&] {
    return db.count("SELECT count(*) FROM personsync.source_records") > 500;
  }, 30s)) << "the runs should be landing by now";
  ASSERT_GT(db.count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'running'"), 0);

  const auto stop_sent = std::chrono::steady_clock::now();
  daemon.kill(SIGTERM);
  const testing::process_result r = daemon.wait(15s);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_sent, 10s);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'running'"), 0);
  EXPECT_GT(db.count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'cancelled'"), 0);
  EXPECT_LT(db.count("SELECT count(*) FROM personsync.source_records"), 6000) << "stopped before the end";

  sim.with_sim([](fakes::simulator& s) { s.set_latency(0ms); });
  const auto next = d.run({"sync"});
  ASSERT_EQ(next.exit_code, 0) << next.out << next.err;
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.source_records WHERE deleted_at IS NULL"), 6000);
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.person_sources"), 6000) << "and all of it resolved";
}

// Found by the soak: a full notify socket blocked sendto, and the loop with it.
TEST(Run, AManagerThatDoesNotReadItsSocketNeverStallsTheLoop) {
  scratch_database db;
  sim_fixture sim(sim_options(50, 50));
  sync_deployment d(db, sim, "", "[http]\nport = 0\n");
  testing::notify_socket notify(d.dir.path() / "notify.sock");
  testing::process_options env = d.env();
  env.env["NOTIFY_SOCKET"] = notify.path().string();
  env.env["WATCHDOG_USEC"] = "2000";  // a ping every millisecond: the socket's queue fills at once
  testing::running_process daemon(d.argv({"run"}), env);
  const std::uint16_t port = metrics_port(notify);  // read the first messages only
  ASSERT_NE(port, 0);
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(testing::http_get(port, "/healthz").first, 200);
  daemon.kill(SIGTERM);
  EXPECT_EQ(daemon.wait(15s).exit_code, 0);
}

// WATCHDOG=1 comes from the event loop alone, so a stuck loop lets systemd's watchdog
// fire. The loop is stuck here as a stalled journal sticks it: its log writes block on a
// full pipe. Once the pipe drains, the pings resume.
TEST(Run, ABlockedLoopStopsFeedingTheWatchdog) {
  scratch_database db;
  sim_fixture sim(sim_options(50, 50));
  sync_deployment d(db, sim, "", "[schedule]\ninterval = \"1s\"\njitter = \"0s\"\n");
  std::string config = [&] {
    std::ifstream in(d.config);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  config.replace(config.find("level = \"warn\""), 14, "level = \"info\"");  // the loop logs every run
  d.dir.write("personsync.toml", config);
  testing::notify_socket notify(d.dir.path() / "notify.sock");
  testing::process_options env = d.env();
  env.env["NOTIFY_SOCKET"] = notify.path().string();
  env.env["WATCHDOG_USEC"] = "400000";  // a ping every 200 ms while healthy
  testing::running_process daemon(d.argv({"run"}), env);
  ASSERT_TRUE(notify.wait_for("READY=1", 20s));
  ASSERT_TRUE(notify.wait_for("WATCHDOG=1", 2s));

  daemon.hold_output();
  // Until no ping has come for 2 s (ten intervals); SIGUSR1 makes the loop log at once.
  const bool stalled = eventually([&] {
    daemon.kill(SIGUSR1);
    return !notify.wait_for("WATCHDOG=1", 2s);
  }, 60s);
  EXPECT_TRUE(stalled) << "the pings went on while the loop could not run";
  EXPECT_EQ(::kill(daemon.pid(), 0), 0) << "alive, only stuck: the watchdog's case";

  daemon.release_output();
  EXPECT_TRUE(notify.wait_for("WATCHDOG=1", 5s)) << "the loop runs again, and feeds the watchdog";
  daemon.kill(SIGTERM);
  EXPECT_EQ(daemon.wait(15s).exit_code, 0);
}

// A run that goes on longer than schedule.max_run_time (here a slow provider) makes /readyz fail
// and says which source; status says it too; once the run ends the daemon is ready again.
TEST(Run, ARunLongerThanMaxRunTimeMakesReadyzFail) {
  scratch_database db;
  auto options = sim_options(3000, 0);
  options.latency = 600ms;  // 30 pages, four at a time: about 5 s
  sim_fixture sim(options);
  sync_deployment d(db, sim, "", "[schedule]\njitter = \"0s\"\nmax_run_time = \"1s\"\n[http]\nport = 0\n");
  testing::notify_socket notify(d.dir.path() / "notify.sock");
  testing::process_options env = d.env();
  env.env["NOTIFY_SOCKET"] = notify.path().string();
  testing::running_process daemon(d.argv({"run"}), env);
  ASSERT_TRUE(notify.wait_for("READY=1", 20s));
  const std::uint16_t port = metrics_port(notify);
  ASSERT_NE(port, 0);
  std::string why;
  EXPECT_TRUE(eventually([&] {
    const auto [code, body] = testing::http_get(port, "/readyz");
    why = body;
    return code == 503;
  }, 10s));
  EXPECT_NE(why.find("source store has been running for"), std::string::npos) << why;
  EXPECT_NE(why.find("max_run_time"), std::string::npos) << why;
  std::string status;
  EXPECT_TRUE(eventually([&] {
    status = d.run({"status", "--json"}).out;
    return status.find("\"overdue\":true") != std::string::npos;
  }, 10s)) << status;
  ASSERT_TRUE(notify.wait_for("store: succeeded", 30s));
  EXPECT_TRUE(eventually([&] { return testing::http_get(port, "/readyz").first == 200; }, 10s));
  daemon.kill(SIGTERM);
  EXPECT_EQ(daemon.wait(15s).exit_code, 0);
}

TEST(Run, ReadyzFollowsPostgres) {
  testing::private_cluster cluster;
  sim_fixture sim(sim_options(100, 100));
  testing::temp_dir dir;
  dir.write("db_password", cluster.password(), 0600);
  const auto config = dir.write("personsync.toml",
      "[database]\nconninfo = \"host=127.0.0.1 port=" + cluster.value("PGTEST_PORT") + " user=postgres dbname=postgres\"\n"
      "password_file = \"db_password\"\nconnect_timeout = \"2s\"\n[log]\nlevel = \"warn\"\n[http]\nport = 0\n"
      "[[whop]]\nname = \"store\"\ntoken_env = \"RUN_TEST_WHOP\"\nbase_url = \"" + sim.base_url() + "/api/v1\"\n");
  const testing::process_options env{.env = {{"RUN_TEST_WHOP", "sim-whop-token"}}};
  const auto argv = [&](const std::string& command) {
    return std::vector<std::string>{testing::personsync_binary().string(), command, "--config", config.string()};
  };
  ASSERT_EQ(testing::run_process(argv("migrate"), env).exit_code, 0);

  testing::notify_socket notify(dir.path() / "notify.sock");
  testing::process_options daemon_env = env;
  daemon_env.env["NOTIFY_SOCKET"] = notify.path().string();
  testing::running_process daemon(argv("run"), daemon_env);
  ASSERT_TRUE(notify.wait_for("READY=1", 20s));
  const std::uint16_t port = metrics_port(notify);
  ASSERT_NE(port, 0);
  EXPECT_TRUE(eventually([&] { return testing::http_get(port, "/readyz").first == 200; }, 10s));

  cluster.stop_server();
  EXPECT_TRUE(eventually([&] { return testing::http_get(port, "/readyz").first == 503; }, 15s));
  EXPECT_EQ(testing::http_get(port, "/healthz").first, 200) << "alive, though not ready";
  cluster.start_server();
  EXPECT_TRUE(eventually([&] { return testing::http_get(port, "/readyz").first == 200; }, 15s));

  daemon.kill(SIGTERM);
  EXPECT_EQ(daemon.wait(15s).exit_code, 0);
}

}  // namespace
}  // namespace personsync
