// Soak of `personsync run`: scheduled runs against the simulators with every
// fault kind on (500, 502, 503, 429 with Retry-After, slow replies, connections
// closed mid-body, malformed pages, fields of the wrong type) and upstream
// changes between cycles, for 10 minutes (30 s with --quick). Prints RSS after
// the first cycle, each minute (10 s with --quick) and at the end, so that a trend
// shows apart from the data's own growth; asks /healthz every second; and checks
// that nothing was lost: after a last full sync without faults, the landing
// equals the truth record by record and every record is in a person. The
// figures go to soak_bench.results.txt.
//
//   soak_bench [--quick]

#include <csignal>
#include <cstring>
#include <fstream>
#include <regex>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/iso_time.hpp"
#include "tests/bench/bench_deployment.hpp"
#include "tests/bench/bench_results.hpp"
#include "tests/support/landing_truth.hpp"
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
    s.faults().add({.kind = fault_kind::status_500, .rate = 0.01});
    s.faults().add({.kind = fault_kind::status_502, .rate = 0.01});
    s.faults().add({.kind = fault_kind::slow, .rate = 0.01, .delay_ms = 800});
    s.faults().add({.kind = fault_kind::wrong_types, .rate = 0.005});
  });

  testing::notify_socket notify(deployment.dir().path() / "notify.sock");
  testing::process_options env = bench::bench_deployment::env();
  env.env["NOTIFY_SOCKET"] = notify.path().string();
  testing::running_process daemon(deployment.argv({"run"}), env);
  const auto metrics_status = notify.wait_for("metrics on 127.0.0.1:", 30s);
  std::smatch port_match;
  if (!metrics_status || !std::regex_search(*metrics_status, port_match, std::regex("127\\.0\\.0\\.1:(\\d+)")) ||
      !notify.wait_for("product:", 120s)) {
    std::cout << "the daemon did not come up\n";
    return 1;
  }
  const auto port = static_cast<std::uint16_t>(std::stoi(port_match[1]));
  std::size_t health_asked = 0, health_ok = 0;
  const long first_rss = rss_kib(daemon.pid());
  long peak_rss = first_rss;

  const auto started = std::chrono::steady_clock::now();
  const auto sample_every = quick ? 10s : 60s;
  std::vector<std::pair<long, long>> rss_by_time;  // {seconds since the first cycle, KiB}
  int changes = 0;
  std::uint64_t next_person = 0;
  while (std::chrono::steady_clock::now() - started < duration) {
    for (int i = 0; i < 5; ++i) {
      std::this_thread::sleep_for(1s);
      ++health_asked;
      if (testing::http_get(port, "/healthz").first == 200) ++health_ok;
    }
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
  testing::landing_differences off = testing::differences(testing::landed(db, "whop"), testing::whop_truth(deployment.sim()));
  const testing::landing_differences posthog_off =
      testing::differences(testing::landed(db, "posthog"), testing::posthog_truth(deployment.sim()));
  off.missing += posthog_off.missing;
  off.extra += posthog_off.extra;
  off.different += posthog_off.different;
  const long long resolved = scalar(db, "SELECT count(*) FROM personsync.person_sources");
  const long long runs = scalar(db, "SELECT count(*) FROM personsync.sync_runs");
  const long long failed = scalar(db, "SELECT count(*) FROM personsync.sync_runs WHERE status = 'failed'");

  std::string t;
  t += fmt::format("soak_bench{} — personsync run for {} s, faults on, {} rounds of upstream changes\n\n",
                           quick ? " --quick" : "", std::chrono::duration_cast<std::chrono::seconds>(duration).count(),
                           changes);
  t += fmt::format("{:<44} {:>10}\n", "measure", "value");
  t += fmt::format("{:<44} {:>7} MiB\n", "RSS after the first cycle", first_rss / 1024);
  for (const auto& [at, kib] : rss_by_time) {
    t += fmt::format("{:<44} {:>7} MiB\n", fmt::format("RSS after {} s", at), kib / 1024);
  }
  t += fmt::format("{:<44} {:>7} MiB\n", "RSS at the end", end_rss / 1024);
  t += fmt::format("{:<44} {:>7} MiB\n", "highest RSS sampled", peak_rss / 1024);
  t += fmt::format("{:<44} {:>10}\n", "sync runs (failed: faults beyond retries)", fmt::format("{} ({})", runs, failed));
  t += fmt::format("{:<44} {:>10}\n", "daemon exit code after SIGTERM", stopped.exit_code);
  t += fmt::format("{:<44} {:>10}\n", "records upstream (truth)", truth);
  t += fmt::format("{:<44} {:>10}\n", "records landed after a last full sync", landed);
  t += fmt::format("{:<44} {:>10}\n", "records in a person", resolved);
  t += fmt::format("{:<44} {:>10}\n", "/healthz answered 200 / asked", fmt::format("{} / {}", health_ok, health_asked));
  t += fmt::format("{:<44} {:>10}\n", "landed vs truth: missing, extra, different",
                   fmt::format("{}, {}, {}", off.missing, off.extra, off.different));
  t += fmt::format("{:<44} {:>+7} MiB\n", "RSS drift, first sample to end",
                   (end_rss - (rss_by_time.empty() ? first_rss : rss_by_time.front().second)) / 1024);
  const bool ok = stopped.exit_code == 0 && last.exit_code == 0 && landed == static_cast<long long>(truth) &&
                  resolved == landed && off.none() && health_ok == health_asked;
  const bool published = bench::publish_results("soak_bench", t);
  if (!ok) {
    std::cout << "FAILED\n" << stopped.err.substr(stopped.err.size() > 3000 ? stopped.err.size() - 3000 : 0) << last.out
              << last.err;
  }
  return ok && published ? 0 : 1;
}
