// Benchmark of the Whop connector against the simulator over loopback.
//
//   whop_bench [--quick]
//
// 1. simulator throughput: people served per second (no latency, no limit);
// 2. with 20 ms injected latency: requests/s at concurrency 1 and 8
//    (target: 8 gives at least 5x the rate of 1);
// 3. with a configured rate limit: the rate reached (target: at least 90% of
//    the limit) and the most requests the simulator saw in any window of the
//    limit's period (target: never above the limit).
// Prints a table; exits 1 only if the limit was exceeded (an invariant, not a timing).

#include <cstring>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "connectors/source_client.hpp"
#include "connectors/whop/whop_stream.hpp"
#include "tests/support/sim_fixture.hpp"

namespace {

using namespace personsync;
using namespace std::chrono_literals;

struct run_result {
  double seconds = 0;
  std::uint64_t requests = 0;
  std::uint64_t records = 0;
  bool failed = false;
};

run_result sweep(testing::sim_fixture& sim, std::size_t concurrency, int page_size,
                 std::vector<paging::rate_window> limit = {}) {
  whop::whop_source_config cfg;
  cfg.source.name = "bench";
  cfg.source.base_url = sim.base_url() + "/api/v1";
  cfg.source.token.emplace("sim-whop-token");
  cfg.source.concurrency = concurrency;
  cfg.page_size = page_size;
  cfg.source.rate_limit = std::move(limit);
  boost::asio::io_context io;
  connectors::source_client client(io.get_executor(), cfg.source);
  paging::page_driver& driver = client.driver();
  const auto now = std::chrono::system_clock::now();
  whop::people_stream stream(cfg, {whop::sweep_kind::full, whop::full_sweep_window(cfg, now)}, now);
  run_result out;
  const auto start = std::chrono::steady_clock::now();
  boost::asio::co_spawn(io, driver.run(stream, [](paging::page_result&&) -> boost::asio::awaitable<void> { co_return; }),
                        [&](std::exception_ptr e) { out.failed = e != nullptr; });
  io.run();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.requests = driver.counts().requests;
  out.records = driver.counts().records;
  return out;
}

// The simulator alone: every page fetched over HTTP by `concurrency` workers, bodies discarded.
double simulator_people_per_s(testing::sim_fixture& sim, std::size_t people, std::size_t concurrency) {
  boost::asio::io_context io;
  net::http_client client(io.get_executor(), {});
  const secret token("sim-whop-token");
  std::size_t next_offset = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t w = 0; w < concurrency; ++w) {
    boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
      for (;;) {
        const std::size_t offset = next_offset;
        if (offset >= people) co_return;
        next_offset += 101;
        net::http_request request{"GET", sim.base_url() + "/api/v1/people?first=101&offset=" + std::to_string(offset)};
        request.bearer = &token;
        const net::http_response response = co_await client.send(request);
        if (response.status != 200) throw std::runtime_error("simulator answered " + std::to_string(response.status));
      }
    }, boost::asio::detached);
  }
  io.run();
  return static_cast<double>(people) / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::size_t most_in_any_window(const std::vector<fakes::logged_request>& log, double window_ms) {
  std::size_t most = 0;
  for (std::size_t i = 0, j = 0; i < log.size(); ++i) {
    while (log[i].at_ms - log[j].at_ms >= window_ms) ++j;
    most = std::max(most, i - j + 1);
  }
  return most;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  spdlog::set_level(spdlog::level::warn);

  // 1. Throughput of the simulator, and of the connector on top of it.
  const std::size_t people = quick ? 20'000 : 200'000;
  fakes::simulator_options big;
  big.people.whop_people = people;
  big.people.adversarial_text = false;
  testing::sim_fixture throughput_sim(big);
  const double cold_sim_rate = simulator_people_per_s(throughput_sim, people, 8);  // serializes each person once
  const double sim_rate = simulator_people_per_s(throughput_sim, people, 8);
  const run_result full = sweep(throughput_sim, 8, 101);
  const double people_per_s = static_cast<double>(full.records) / full.seconds;

  // 2. Concurrency under 20 ms of latency.
  fakes::simulator_options slow;
  slow.people.whop_people = quick ? 2'000 : 10'000;
  slow.latency = 20ms;
  testing::sim_fixture latency_sim(slow);
  const run_result c1 = sweep(latency_sim, 1, 100);
  const run_result c8 = sweep(latency_sim, 8, 100);
  const double rps1 = static_cast<double>(c1.requests) / c1.seconds;
  const double rps8 = static_cast<double>(c8.requests) / c8.seconds;

  // 3. A configured limit, with the same latency and concurrency 8.
  const std::size_t limit_per_s = 40;
  fakes::simulator_options limited = slow;
  limited.people.whop_people = quick ? 8'000 : 20'000;  // 80 or 200 requests at 100 a page
  testing::sim_fixture limit_sim(limited);
  const run_result lim = sweep(limit_sim, 8, 100, {{limit_per_s, 1s}});
  const auto log = limit_sim.with_sim([](fakes::simulator& s) { return s.requests(); });
  // The rate over the sweep after the first (allowed) burst of one window.
  const double span_s = (log.back().at_ms - log.front().at_ms) / 1000.0;
  const double steady_rate = static_cast<double>(log.size() - limit_per_s) / std::max(1e-9, span_s);
  const std::size_t worst_window = most_in_any_window(log, 1000.0);

  std::cout << fmt::format("whop_bench{} — simulator and connector over loopback\n\n", quick ? " --quick" : "");
  std::cout << fmt::format("{:<52} {:>14}\n", "measure", "value");
  std::cout << fmt::format("{:<52} {:>14.0f}\n", fmt::format("simulator alone, people/s served, first pass ({})", people),
                           cold_sim_rate);
  std::cout << fmt::format("{:<52} {:>14.0f}  (target >= 50000)\n", "simulator alone, people/s served, warm", sim_rate);
  std::cout << fmt::format("{:<52} {:>14.0f}\n", "connector sweep (parse, check, dedupe), people/s", people_per_s);
  std::cout << fmt::format("{:<52} {:>14.1f}\n", "requests/s, 20 ms latency, concurrency 1", rps1);
  std::cout << fmt::format("{:<52} {:>14.1f}\n", "requests/s, 20 ms latency, concurrency 8", rps8);
  std::cout << fmt::format("{:<52} {:>13.2f}x  (target >= 5x)\n", "ratio c8 / c1", rps8 / rps1);
  std::cout << fmt::format("{:<52} {:>14}\n", "rate limit configured (requests per 1 s window)", limit_per_s);
  std::cout << fmt::format("{:<52} {:>14.1f}  ({:.0f}% of the limit; target >= 90%)\n",
                           "requests/s reached after the first window", steady_rate, 100.0 * steady_rate / limit_per_s);
  std::cout << fmt::format("{:<52} {:>14}  (target <= {})\n", "most requests seen in any 1 s window", worst_window,
                           limit_per_s);
  std::cout << fmt::format("{:<52} {:>14}\n", "requests in the limited sweep", log.size());

  if (full.failed || c1.failed || c8.failed || lim.failed) {
    std::cout << "a sweep failed\n";
    return 1;
  }
  return worst_window > limit_per_s ? 1 : 0;
}
