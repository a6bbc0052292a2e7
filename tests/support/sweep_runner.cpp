#include "tests/support/sweep_runner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

namespace personsync::testing {

paging::source_failed sweep_outcome::failure() const {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const paging::source_failed& e) {
    return e;
  }
  ADD_FAILURE() << "the sweep did not fail with source_failed";
  return {paging::source_failed::reason::cancelled, ""};
}

sweep_outcome run_sweep(paging::source_stream& stream, const connectors::source_config& source, sweep_options options) {
  boost::asio::io_context io;
  connectors::source_client client(io.get_executor(), source, options.limiter);
  paging::page_driver& driver = client.driver();
  sweep_outcome out;
  const auto start = std::chrono::steady_clock::now();
  const paging::page_sink sink = [&](paging::page_result&& page) -> boost::asio::awaitable<void> {
    for (auto& r : page.records) out.records.insert_or_assign(r.source_key, std::move(r));
    for (auto& r : page.rejected) out.rejected.push_back(std::move(r));
    co_return;
  };
  boost::asio::co_spawn(io, driver.run(stream, sink), [&](std::exception_ptr e) { out.error = e; });
  boost::asio::steady_timer cancel_timer(io);
  if (options.cancel_after) {
    cancel_timer.expires_after(*options.cancel_after);
    cancel_timer.async_wait([&](boost::system::error_code ec) {
      if (!ec) client.scope().cancel();
    });
  }
  io.run();
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  out.counts = driver.counts();
  out.connections = client.http().connections_opened();
  return out;
}

}  // namespace personsync::testing
