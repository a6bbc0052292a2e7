#pragma once
// Template part of sweep_runner.hpp.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "connectors/source_client.hpp"

namespace personsync::testing {

template <typename T>
T run_with_driver(const connectors::source_config& source,
                  const std::function<boost::asio::awaitable<T>(paging::page_driver&)>& work) {
  boost::asio::io_context io;
  connectors::source_client client(io.get_executor(), source);
  std::optional<T> result;
  std::exception_ptr error;
  boost::asio::co_spawn(io, work(client.driver()), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e) result.emplace(std::move(value));
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace personsync::testing
