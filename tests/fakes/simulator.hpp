#pragma once
// The provider simulators behind one HTTP server: Whop's People API under
// /api/v1/people, and a control API under /_control/ for tests, benchmarks
// and the demo (ground truth, data changes, faults, latency, request log).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/fakes/faults.hpp"
#include "tests/fakes/people_generator.hpp"
#include "tests/fakes/posthog_api.hpp"
#include "tests/fakes/sim_server.hpp"
#include "tests/fakes/whop_api.hpp"

namespace personsync::fakes {

struct simulator_options {
  generator_options people;
  whop_api_options whop;
  posthog_api_options posthog;
  std::chrono::milliseconds latency{0};  // added to every API reply
  std::uint64_t fault_seed = 7;
};

struct logged_request {
  double at_ms;  // since the simulator started
  std::string method;
  std::string key;  // which credential: the last 4 characters of the token
  std::string target;
  int status;
};

// The most requests the log holds in any `window` — arrival times, as a provider counts them. A
// rate limiter spaces the moments it lets requests go; each then reaches the server a little
// later (connect, write, a busy machine), by an amount that varies, so two requests released a
// full window apart can arrive a few tens of milliseconds less than that apart. Checks of a
// budget count over `window - arrival_jitter`: generous to scheduling noise on a loaded 2-core
// runner, still far below what a missing limiter produces (hundreds of requests per window).
inline constexpr double arrival_jitter_ms = 100.0;
std::size_t most_requests_within(const std::vector<logged_request>& log, double window_ms);

class simulator {
 public:
  explicit simulator(simulator_options options);
  simulator(generated_people people, simulator_options options);

  // The sim_server handler.
  sim_reply handle(const sim_request& request);

  whop_api& whop() noexcept { return whop_; }
  posthog_api& posthog() noexcept { return posthog_; }
  fault_injector& faults() noexcept { return faults_; }
  void set_latency(std::chrono::milliseconds latency) noexcept { latency_ = latency; }
  [[nodiscard]] const std::vector<logged_request>& requests() const noexcept { return log_; }

 private:
  sim_reply api(const sim_request& request);
  sim_reply control(const sim_request& request);
  sim_reply apply_fault(const fault_rule& fault, const sim_request& request);
  sim_reply serve(const sim_request& request);  // the API reply before faults

  whop_api whop_;
  posthog_api posthog_;
  fault_injector faults_;
  std::chrono::milliseconds latency_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::vector<logged_request> log_;
};

}  // namespace personsync::fakes
