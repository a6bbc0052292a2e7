// provider_sim: the provider simulators as a program, for the demo, benchmarks
// and anyone poking at personsync by hand. Prints "listening on PORT" once
// ready; stops on SIGINT or SIGTERM.
//
//   provider_sim [--port N] [--seed N] [--latency-ms N] [--tls-cert F --tls-key F]
//                [--whop-people N] [--whop-token T] [--whop-account biz_…]
//                [--posthog-persons N] [--posthog-token T] [--posthog-project N]
//                [--posthog-rate-limit "240/min, 1200/hour"|none] [--posthog-ghosts SHARE]
//                [--plain-text]   (no adversarial names: what the benchmarks land)

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "tests/fakes/sim_server.hpp"
#include "tests/fakes/simulator.hpp"

int main(int argc, char** argv) {
  using namespace personsync::fakes;
  simulator_options options;
  std::uint16_t port = 0;
  std::optional<tls_files> tls;
  std::string cert, key;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "provider_sim: " << arg << " needs a value\n";
        std::exit(64);
      }
      return argv[++i];
    };
    if (arg == "--port") port = static_cast<std::uint16_t>(std::stoi(value()));
    else if (arg == "--seed") options.people.seed = std::stoull(value());
    else if (arg == "--whop-people") options.people.whop_people = std::stoull(value());
    else if (arg == "--whop-token") options.whop.token = value();
    else if (arg == "--whop-account") options.whop.account_id = value();
    else if (arg == "--posthog-persons") options.people.posthog_persons = std::stoull(value());
    else if (arg == "--posthog-token") options.posthog.tokens = {value()};
    else if (arg == "--posthog-project") options.posthog.project_id = std::stoll(value());
    else if (arg == "--posthog-rate-limit") options.posthog.rate_limit = value();
    else if (arg == "--posthog-ghosts") options.posthog.ghost_share = std::stod(value());
    else if (arg == "--plain-text") options.people.adversarial_text = false;
    else if (arg == "--latency-ms") options.latency = std::chrono::milliseconds(std::stoi(value()));
    else if (arg == "--tls-cert") cert = value();
    else if (arg == "--tls-key") key = value();
    else {
      std::cerr << "provider_sim: unknown option " << arg << "\n";
      return 64;
    }
  }
  if (!cert.empty()) tls = tls_files{cert, key};

  boost::asio::io_context io;
  simulator sim(options);
  sim_server server(io, [&](const sim_request& r) { return sim.handle(r); }, port, tls);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) {
    server.stop();
    io.stop();
  });
  std::cout << "listening on " << server.port() << std::endl;
  io.run();
  return 0;
}
