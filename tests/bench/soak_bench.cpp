// Soak of `personsync run`: scheduled runs against the simulators with faults
// on (5xx, 429 with Retry-After, connections closed mid-body, malformed pages)
// and upstream changes between cycles, for 10 minutes (30 s with --quick).
// Prints RSS after the first cycle, each minute (30 s with --quick) and at the end,
// so that a trend shows apart from the data's own growth, and checks that nothing was
// lost: after a last full sync without faults, the landing equals the truth
// and every record is in a person.
//
//   soak_bench [--quick]

#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/iso_time.hpp"
#include "tests/bench/bench_deployment.hpp"
#include "tests/support/notify_socket.hpp"

using namespace personsync;
using namespace std::chrono_literals;
using bench::scalar;

namespace {

long rss_kib(int pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return 0;
}


}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  spdlog::set_level(spdlog::level::warn);
  const auto duration = quick ? 30s : 600s;
  const std::size_t per_provider = 3000;

  bench::bench_deployment deployment(per_provider,
                                     "[schedule]\ninterval = \"3s\"\nfull_interval = \"60s\"\njitter = \"1s\"\n"
                                     "max_backoff = \"10s\"\n[http]\nport = 0\n");
  if (deployment.personsync({"migrate"}).exit_code != 0) return 1;
  deployment.sim().with_sim([](fakes::simulator& s) {
    using fakes::fault_kind;
    s.faults().add({.kind = fault_kind::status_503, .rate = 0.03});
    s.faults().add({.kind = fault_kind::status_429, .rate = 0.02, .retry_after = 1});
    s.faults().add({.kind = fault_kind::close_mid_body, .rate = 0.01});
    s.faults().add({.kind = fault_kind::malformed_json, .rate = 0.01});
  });

  testing::notify_socket notify(deployment.dir().path() / "notify.sock");
  testing::process_options env = bench::bench_deployment::env();
  env.env["NOTIFY_SOCKET"] = notify.path().string();
  testing::running_process daemon(deployment.argv({"run"}), env);
  if (!notify.wait_for("READY=1", 30s) || !notify.wait_for("product:", 120s)) {
    std::cout << "the daemon did not come up\n";
    return 1;
  }
  const long first_rss = rss_kib(daemon.pid());
  long peak_rss = first_rss;

  const auto started = std::chrono::steady_clock::now();
  const auto sample_every = quick ? 10s : 60s;
  std::vector<std::pair<long, long>> rss_by_time;  // {seconds since the first cycle, KiB}
  int changes = 0;
  std::uint64_t next_person = 0;
  while (std::chrono::steady_clock::now() - started < duration) {
    std::this_thread::sleep_for(5s);
    const long rss = rss_kib(daemon.pid());
    peak_rss = std::max(peak_rss, rss);
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
    if (elapsed >= sample_every * static_cast<long>(rss_by_time.size() + 1)) rss_by_time.emplace_back(elapsed.count(), rss);
    // Upstream changes: new customers, an email change, a PostHog merge.
    deployment.sim().with_sim([&](fakes::simulator& s) {
      for (int i = 0; i < 20; ++i, ++next_person) {
        const std::string id = fmt::format("user_soak{:08}", next_person);
        s.whop().control({{"op", "add"},
                          {"person", {{"id", id}, {"email", id + "@example.com"}, {"first_seen_at", unix_now() - 60},
                                      {"last_seen_at", unix_now() - 60}}}});
      }
      const auto& people = s.whop().people();
      s.whop().control({{"op", "change_email"}, {"id", people[next_person % people.size()].id},
                        {"email", fmt::format("moved{}@example.com", next_person)}});
      const auto live = s.posthog().live();
      if (live.size() > 2) {
        s.posthog().control({{"op", "merge"}, {"a", live[next_person % live.size()]->uuid},
                             {"b", live[(next_person + 1) % live.size()]->uuid}});
      }
    });
    ++changes;
  }
  const long end_rss = rss_kib(daemon.pid());
  daemon.kill(SIGTERM);
  const testing::process_result stopped = daemon.wait(30s);

  // Nothing lost: a last full sync without faults, then the landing against the truth.
  deployment.sim().with_sim([](fakes::simulator& s) { s.faults().clear(); });
  const testing::process_result last = deployment.personsync({"sync", "--full"});
  std::size_t truth = 0;
  deployment.sim().with_sim([&](fakes::simulator& s) { truth = s.whop().people().size() + s.posthog().live().size(); });
  const auto db_session = deployment.session();
  soci::session& db = *db_session;
  const long long landed = scalar(db, "SELECT count(*) FROM personsync.source_records WHERE deleted_at IS NULL");
  const long long resolved = scalar(db, "SELECT count(*) FROM personsync.person_sources");
  const long long runs = scalar(db, "SELECT count(*) FROM personsync.sync_runs");
  const long long failed = scalar(db, "SELECT count(*) FROM personsync.sync_runs WHERE status = 'failed'");

  std::cout << fmt::format("soak_bench{} — personsync run for {} s, faults on, {} rounds of upstream changes\n\n",
                           quick ? " --quick" : "", std::chrono::duration_cast<std::chrono::seconds>(duration).count(),
                           changes);
  std::cout << fmt::format("{:<44} {:>10}\n", "measure", "value");
  std::cout << fmt::format("{:<44} {:>7} MiB\n", "RSS after the first cycle", first_rss / 1024);
  for (const auto& [at, kib] : rss_by_time) {
    std::cout << fmt::format("{:<44} {:>7} MiB\n", fmt::format("RSS after {} s", at), kib / 1024);
  }
  std::cout << fmt::format("{:<44} {:>7} MiB\n", "RSS at the end", end_rss / 1024);
  std::cout << fmt::format("{:<44} {:>7} MiB\n", "highest RSS sampled", peak_rss / 1024);
  std::cout << fmt::format("{:<44} {:>10}\n", "sync runs (failed: faults beyond retries)", fmt::format("{} ({})", runs, failed));
  std::cout << fmt::format("{:<44} {:>10}\n", "daemon exit code after SIGTERM", stopped.exit_code);
  std::cout << fmt::format("{:<44} {:>10}\n", "records upstream (truth)", truth);
  std::cout << fmt::format("{:<44} {:>10}\n", "records landed after a last full sync", landed);
  std::cout << fmt::format("{:<44} {:>10}\n", "records in a person", resolved);
  const bool ok = stopped.exit_code == 0 && last.exit_code == 0 && landed == static_cast<long long>(truth) &&
                  resolved == landed;
  if (!ok) {
    std::cout << "FAILED\n" << stopped.err.substr(stopped.err.size() > 3000 ? stopped.err.size() - 3000 : 0) << last.out
              << last.err;
  }
  return ok ? 0 : 1;
}
