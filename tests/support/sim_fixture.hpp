#pragma once
// A provider simulator serving real HTTP on 127.0.0.1 from its own thread, for
// tests and benchmarks in one process. Its state belongs to that thread: reach
// it only through with_sim(), which runs on the thread and waits.

#include <future>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "tests/fakes/sim_server.hpp"
#include "tests/fakes/simulator.hpp"

namespace personsync::testing {

class sim_fixture {
 public:
  explicit sim_fixture(fakes::simulator_options options = {}, std::optional<fakes::tls_files> tls = std::nullopt)
      : sim_(std::move(options)),
        server_(io_, [this](const fakes::sim_request& r) { return sim_.handle(r); }, 0, std::move(tls)),
        thread_([this] { io_.run(); }) {}

  ~sim_fixture() {
    server_.stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  [[nodiscard]] std::uint16_t port() const { return server_.port(); }
  [[nodiscard]] std::string base_url(const std::string& host = "127.0.0.1") const {
    return "http://" + host + ":" + std::to_string(port());
  }
  void close_connections() { server_.close_connections(); }

  template <typename F>
  auto with_sim(F&& f) -> decltype(f(std::declval<fakes::simulator&>())) {
    using result = decltype(f(std::declval<fakes::simulator&>()));
    std::packaged_task<result()> task([&] { return f(sim_); });
    auto done = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return done.get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ = boost::asio::make_work_guard(io_);
  fakes::simulator sim_;
  fakes::sim_server server_;
  std::thread thread_;
};

}  // namespace personsync::testing
