// Benchmark of a PostHog persons sweep against the simulator over loopback.
//
//   posthog_bench [--quick]
//
// For a 200,000-person project (20,000 with --quick) at limit 100, 500 and
// 1000: the requests a full sweep makes, its wall time with rate limits off,
// and the least time the same sweep needs under PostHog's default limits for a
// personal key (180/min and 1200/hour), from the limiter's own rule. Prints
// the table and writes it to posthog_bench.results.txt (bench_results.hpp).

#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "connectors/posthog/persons_stream.hpp"
#include "tests/bench/bench_results.hpp"
#include "tests/support/sim_fixture.hpp"
#include "tests/support/sweep_runner.hpp"

namespace {

using namespace personsync;
using namespace std::chrono_literals;

std::string human_duration(std::chrono::milliseconds d) {
  const double s = std::chrono::duration<double>(d).count();
  if (s < 120) return fmt::format("{:.1f} s", s);
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  spdlog::set_level(spdlog::level::warn);
  const std::size_t persons = quick ? 20'000 : 200'000;

  fakes::simulator_options options;
  options.people.whop_people = 0;
  options.people.posthog_persons = persons;
  options.people.adversarial_text = false;
  options.posthog.rate_limit = "none";
  testing::sim_fixture sim(options);
  const std::vector<paging::rate_window> defaults{{180, std::chrono::minutes(1)}, {1200, std::chrono::hours(1)}};

  std::string t = fmt::format("posthog_bench{} — a full persons sweep of {} persons over loopback, concurrency 4\n\n",
                              quick ? " --quick" : "", persons);
  t += fmt::format("{:>6}  {:>9}  {:>12}  {:>12}  {:>28}\n", "limit", "requests", "wall, no RL", "persons/s",
                   "under 180/min + 1200/hour");
  bool ok = true;
  for (const int limit : {100, 500, 1000}) {
    posthog::posthog_source_config cfg;
    cfg.source.name = "bench";
    cfg.source.base_url = sim.base_url();
    cfg.source.token.emplace("sim-posthog-token");
    cfg.source.concurrency = 4;
    cfg.source.rate_limit = {};  // what is measured is the reading, not PostHog's budget
    cfg.project_id = 1;
    cfg.page_size = limit;
    posthog::persons_stream stream(cfg);
    const testing::sweep_outcome out = testing::run_sweep(stream, cfg.source);
    ok = ok && !out.error && out.records.size() == persons;
    const double seconds = std::chrono::duration<double>(out.took).count();
    t += fmt::format("{:>6}  {:>9}  {:>10.2f} s  {:>12.0f}  {:>28}\n", limit, out.counts.requests, seconds,
                             static_cast<double>(out.records.size()) / seconds,
                             human_duration(paging::time_to_send(out.counts.requests, defaults)));
  }
  if (!ok) t += "a sweep failed or missed persons\n";
  return bench::publish_results("posthog_bench", t) && ok ? 0 : 1;
}
