// Replicas of `personsync run` on one database, end to end: three binaries as
// subprocesses against the simulators and a real PostgreSQL. The sources are
// shared out by leases; killing the replica that is in the middle of a sweep
// hands its sources to another, which closes the dead run `interrupted` and
// carries on from its checkpoint. At the end the landing equals the truth, no
// run is left `running`, and no two runs of a source ever overlapped (so no
// batch was landed by two processes). A replica frozen mid-sweep loses its
// sources and its run the same way, once the server ends its silent lease session.

#include <csignal>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/support/deployment.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/landing_truth.hpp"
#include "tests/support/notify_socket.hpp"

namespace personsync {
namespace {

using namespace std::chrono_literals;
using testing::scratch_database;
using testing::sim_fixture;
using testing::eventually;
using testing::sync_deployment;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// One replica: its own config (the deployment's with a replica_name), notify socket and process.
struct replica {
  std::string name;
  std::filesystem::path config;
  std::unique_ptr<testing::notify_socket> notify;
  std::unique_ptr<testing::running_process> process;
  std::uint16_t metrics_port = 0;
  bool alive = true;

  replica(const sync_deployment& d, std::string replica_name) : name(std::move(replica_name)) {
    std::string text = read_file(d.config);
    text.replace(text.find("[schedule]\n"), 11, "[schedule]\nreplica_name = \"" + name + "\"\n");
    config = d.dir.write(name + ".toml", text, 0644);
    notify = std::make_unique<testing::notify_socket>(d.dir.path() / (name + ".sock"));
    testing::process_options env = d.env();
    env.env["NOTIFY_SOCKET"] = notify->path().string();
    process = std::make_unique<testing::running_process>(
        std::vector<std::string>{testing::personsync_binary().string(), "run", "--config", config.string()}, env);
  }

  bool ready() {
    if (!notify->wait_for("READY=1", 20s)) return false;
    const auto status = notify->wait_for("metrics on 127.0.0.1:", 5s);
    std::smatch m;
    if (!status || !std::regex_search(*status, m, std::regex("127\\.0\\.0\\.1:(\\d+)"))) return false;
    metrics_port = static_cast<std::uint16_t>(std::stoi(m[1]));
    return true;
  }
};

// Which replica schedules each source, as `personsync status --json` reads it.
std::map<std::string, std::string> scheduled_by(const sync_deployment& d) {
  std::map<std::string, std::string> out;
  const testing::process_result r = d.run({"status", "--json"});
  if (r.exit_code != 0) return out;
  const boost::json::value status = boost::json::parse(r.out);
  for (const auto& s : status.at("sources").as_array()) {
    if (s.at("scheduled_by").is_string()) {
      out[std::string(s.at("name").as_string())] = std::string(s.at("scheduled_by").as_string());
    }
  }
  return out;
}

// The store's run in progress that has landed some pages, if there is one.
long long store_run_mid_sweep(const scratch_database& db, long long after_run) {
  return db.count(fmt::format("SELECT coalesce(max(run_id), 0) FROM personsync.sync_runs WHERE source_name = 'store'"
                               " AND status = 'running' AND fetched >= 300 AND run_id > {}", after_run));
}

// Every live record is in a person: the replicas' resolutions have caught up with their landing.
bool all_resolved(const scratch_database& db) {
  return db.count("SELECT count(*) FROM personsync.person_sources") ==
         db.count("SELECT count(*) FROM personsync.source_records WHERE deleted_at IS NULL");
}

// What must hold once every replica has stopped: nothing running, no two runs of a source
// overlapping (so no batch landed by two processes), the landing equal to the truth, resolved.
void expect_landing_whole(const scratch_database& db, sim_fixture& sim) {
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'running'"), 0);
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.sync_runs a JOIN personsync.sync_runs b"
                      " ON a.source_name = b.source_name AND a.run_id < b.run_id"
                      " WHERE b.started_at < a.finished_at"), 0)
      << "a run of a source began before the one before it ended";
  testing::expect_same(testing::landed(db, "whop"), testing::whop_truth(sim));
  testing::expect_same(testing::landed(db, "posthog"), testing::posthog_truth(sim));
  EXPECT_TRUE(all_resolved(db)) << "and all of it resolved";
}

// Both sources have completed a run after `run_id`.
bool both_succeeded_after(const scratch_database& db, long long run_id) {
  return db.count(fmt::format("SELECT count(DISTINCT source_name) FROM personsync.sync_runs"
                               " WHERE status = 'succeeded' AND run_id > {}", run_id)) == 2;
}

TEST(Replicas, ThreeShareTheSourcesAndTheBusyOneKilledTwiceLosesNothing) {
  scratch_database db;
  auto options = testing::sim_options(4000, 3000);
  options.latency = 60ms;  // sweeps of several seconds: long enough to be killed in
  sim_fixture sim(options);
  sync_deployment d(db, sim, "", "[schedule]\ninterval = \"2s\"\njitter = \"0s\"\n[http]\nport = 0\n");

  std::vector<std::unique_ptr<replica>> replicas;
  for (const char* name : {"r1", "r2", "r3"}) replicas.push_back(std::make_unique<replica>(d, name));
  for (auto& r : replicas) {
    if (r->ready()) continue;
    r->process->kill(SIGKILL);
    FAIL() << r->name << " sent no READY=1: " << r->process->wait(5s).err;
  }
  const auto find = [&](const std::string& name) -> replica* {
    for (auto& r : replicas) {
      if (r->name == name) return r.get();
    }
    return nullptr;
  };

  long long killed_run = 0;
  for (int kill = 1; kill <= 2; ++kill) {
    long long run = 0;
    ASSERT_TRUE(eventually([&] { return (run = store_run_mid_sweep(db, killed_run)) > 0; }, 60s))
        << "kill " << kill << ": no store run in the middle of its sweep";
    const auto holders = scheduled_by(d);
    ASSERT_TRUE(holders.contains("store")) << "kill " << kill << ": nobody holds the store's lease";
    replica* busy = find(holders.at("store"));
    ASSERT_NE(busy, nullptr) << holders.at("store");
    ASSERT_TRUE(busy->alive);
    busy->process->kill(SIGKILL);
    busy->process->wait(10s);
    busy->alive = false;
    const auto killed_at = std::chrono::steady_clock::now();
    killed_run = run;

    // Another replica takes the lease and starts the store again, closing the dead run first.
    ASSERT_TRUE(eventually([&] {
      return db.count(fmt::format("SELECT count(*) FROM personsync.sync_runs WHERE source_name = 'store'"
                                   " AND run_id > {}", run)) > 0;
    }, 30s)) << "kill " << kill << ": no replica took the store over";
    const auto took = std::chrono::steady_clock::now() - killed_at;
    std::printf("kill %d of %s: the store ran again %.1f s later\n", kill, busy->name.c_str(),
                std::chrono::duration<double>(took).count());
    EXPECT_LT(took, 15s) << "takeover within the interval (2 s), a look (2 s) and a tick, with room for a loaded runner";
    EXPECT_EQ(db.count(fmt::format("SELECT count(*) FROM personsync.sync_runs WHERE run_id = {}"
                                    " AND status = 'interrupted'", run)), 1) << "the dead run is closed interrupted";
    // The run that took over is the interrupted sweep again (its checkpoint): the same mode and window.
    EXPECT_EQ(db.count(fmt::format("SELECT count(*) FROM personsync.sync_runs a JOIN personsync.sync_runs b"
                                    " ON b.run_id = (SELECT min(run_id) FROM personsync.sync_runs"
                                    "                WHERE source_name = 'store' AND run_id > a.run_id)"
                                    " WHERE a.run_id = {} AND a.mode = b.mode"
                                    " AND a.window_from IS NOT DISTINCT FROM b.window_from"
                                    " AND a.window_to IS NOT DISTINCT FROM b.window_to", run)), 1)
        << "the replica that took over did not continue the dead run's sweep";
    const auto after = scheduled_by(d);
    ASSERT_TRUE(after.contains("store"));
    EXPECT_NE(after.at("store"), busy->name);
  }

  // The survivor finishes both sources from where the dead left off.
  ASSERT_TRUE(eventually([&] { return both_succeeded_after(db, killed_run); }, 90s))
      << "the surviving replica never completed both sources";

  replica* survivor = nullptr;
  for (auto& r : replicas) {
    if (r->alive) survivor = r.get();
  }
  ASSERT_NE(survivor, nullptr);
  const auto holders = scheduled_by(d);
  EXPECT_EQ(holders.at("store"), survivor->name);
  EXPECT_EQ(holders.at("product"), survivor->name);
  const auto [code, metrics] = testing::http_get(survivor->metrics_port, "/metrics");
  ASSERT_EQ(code, 200);
  EXPECT_NE(metrics.find("personsync_source_lease_held{source=\"store\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("personsync_source_lease_holder{replica=\"" + survivor->name + "\",source=\"product\"} 1"),
            std::string::npos) << metrics;
  const testing::process_result text = d.run({"status"});
  EXPECT_NE(text.out.find("scheduled by replica " + survivor->name), std::string::npos) << text.out;

  // Stopped now, a resolution under way would be given up (its queue kept): let it catch up first.
  ASSERT_TRUE(eventually([&] { return all_resolved(db); }, 60s)) << "the survivor's resolutions never caught up";
  survivor->process->kill(SIGTERM);
  const testing::process_result stopped = survivor->process->wait(15s);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;

  EXPECT_GE(db.count("SELECT count(*) FROM personsync.sync_runs WHERE status = 'interrupted'"
                      " AND source_name = 'store'"), 2);
  expect_landing_whole(db, sim);
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.person_sources"), 7000);
}

// Simulators slow enough (60 ms a request) for sweeps of several seconds, a 2-s schedule.
fakes::simulator_options slow_sweeps() {
  auto options = testing::sim_options(4000, 3000);
  options.latency = 60ms;
  return options;
}

// Two replicas on one deployment, caught while one of them is in the middle of the store's sweep.
class TwoReplicas : public ::testing::Test {
 protected:
  // The store's first sweep is the only one long enough to catch (the later runs are
  // incremental): it is looked for from the start, not after both replicas said READY (on a
  // loaded runner the first could finish it meanwhile), and held open by a slower simulator
  // until the test knows who runs it.
  void SetUp() override {
    ASSERT_TRUE(eventually([&] { return (store_run = store_run_mid_sweep(db, 0)) > 0; }, 60s))
        << "no store run in the middle of its sweep";
    sim.with_sim([](fakes::simulator& s) { s.set_latency(400ms); });
    ASSERT_TRUE(one.ready());
    ASSERT_TRUE(two.ready());
    busy = scheduled_by(d).at("store") == "one" ? &one : &two;
    standby = busy == &one ? &two : &one;
    ASSERT_EQ(db.count(fmt::format("SELECT count(*) FROM personsync.sync_runs WHERE run_id = {}"
                                    " AND status = 'running'", store_run)), 1) << "the caught sweep is still going";
    sim.with_sim([](fakes::simulator& s) { s.set_latency(60ms); });
  }

  // Waits for both sources to complete after the interrupted run and resolve, stops both
  // replicas (each exits 0) and checks the landing whole.
  void finish_and_expect_whole() {
    ASSERT_TRUE(eventually([&] { return both_succeeded_after(db, store_run); }, 90s));
    EXPECT_EQ(scheduled_by(d).at("store"), standby->name) << "the replica that lost the store takes nothing back";
    ASSERT_TRUE(eventually([&] { return all_resolved(db); }, 60s)) << "the resolutions never caught up";
    for (replica* r : {&one, &two}) {
      r->process->kill(SIGTERM);
      const testing::process_result stopped = r->process->wait(15s);
      EXPECT_EQ(stopped.exit_code, 0) << r->name << ": " << stopped.err;
    }
    expect_landing_whole(db, sim);
  }

  scratch_database db;
  sim_fixture sim{slow_sweeps()};
  sync_deployment d{db, sim, "", "[schedule]\ninterval = \"2s\"\njitter = \"0s\"\n[http]\nport = 0\n"};
  replica one{d, "one"}, two{d, "two"};
  long long store_run = 0;  // the store's run caught mid-sweep
  replica* busy = nullptr;  // the replica running it
  replica* standby = nullptr;
};

TEST_F(TwoReplicas, OneCutFromTheDatabaseHandsItsSourcesOverAndStandsBy) {
  // The link goes: every session of the replica syncing the store is ended, again and again
  // for 5 s, as a partition would (each reconnection it tries is cut too).
  const auto admin = db.session();
  const std::string cut_sessions = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                   " WHERE application_name = 'personsync-replica-" + busy->name + "'";
  const auto cut_until = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < cut_until) {
    *admin << cut_sessions;
    std::this_thread::sleep_for(50ms);
  }
  const auto holders = scheduled_by(d);
  EXPECT_EQ(holders.count("store") ? holders.at("store") : "", standby->name) << "the standby took the store";
  EXPECT_EQ(holders.count("product") ? holders.at("product") : "", standby->name);

  // The cut replica is back on the database, and stands by.
  ASSERT_TRUE(eventually([&] {
    return db.count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'personsync-replica-" +
                    busy->name + "'") > 0;
  }, 20s)) << busy->name << " did not reconnect";
  finish_and_expect_whole();
  EXPECT_NE(db.count(fmt::format("SELECT count(*) FROM personsync.sync_runs WHERE run_id = {}"
                                  " AND status IN ('failed', 'interrupted')", store_run)), 0)
      << "the cut run is closed, by its own replica or by the next";
}

// A replica frozen in the middle of a sweep (SIGSTOP: its process still there, its connections
// up, its run holding the run lock) loses its leases to the server's silence limit; the standby
// then ends the frozen run's session, takes the source over from its checkpoint and closes the
// frozen run `interrupted`. Woken up, the frozen replica writes nothing over that: it stands by.
TEST_F(TwoReplicas, OneFrozenLosesItsSourcesAndItsRunToTheStandby) {
  busy->process->kill(SIGSTOP);
  const auto frozen_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] {
    return db.count(fmt::format("SELECT count(*) FROM personsync.sync_runs WHERE source_name = 'store'"
                                 " AND run_id > {}", store_run)) > 0;
  }, 75s)) << "the standby never took the store over from the frozen replica";
  const auto took = std::chrono::steady_clock::now() - frozen_at;
  std::printf("%s frozen: the store ran again %.1f s later\n", busy->name.c_str(),
              std::chrono::duration<double>(took).count());
  EXPECT_LT(took, 60s) << "the lease silence limit (30 s), a look (2 s) and the interval, with room for a loaded runner";
  EXPECT_EQ(scheduled_by(d).at("store"), standby->name);

  busy->process->kill(SIGCONT);
  finish_and_expect_whole();
  EXPECT_EQ(db.count(fmt::format("SELECT count(*) FROM personsync.sync_runs WHERE run_id = {}"
                                  " AND status = 'interrupted'", store_run)), 1)
      << "the frozen run stays closed as the replica that took over closed it";
}

}  // namespace
}  // namespace personsync
