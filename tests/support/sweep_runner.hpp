#pragma once
// Runs a provider stream through the real page driver and HTTP client to its
// end, on a fresh io_context, collecting what the sink received.

#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "connectors/paging/page_driver.hpp"
#include "connectors/source_config.hpp"

namespace personsync::testing {

struct sweep_outcome {
  std::map<std::string, connectors::source_record> records;  // by key
  std::vector<connectors::rejected_item> rejected;
  paging::sweep_counts counts;
  std::exception_ptr error;
  std::chrono::milliseconds took{0};
  std::size_t connections = 0;

  // The source_failed the sweep ended with; a test failure when it succeeded.
  [[nodiscard]] paging::source_failed failure() const;
};

struct sweep_options {
  std::shared_ptr<paging::rate_limiter> limiter = nullptr;  // default: the source's own limits
  std::optional<std::chrono::milliseconds> cancel_after = std::nullopt;
};

sweep_outcome run_sweep(paging::source_stream& stream, const connectors::source_config& source,
                        sweep_options options = {});

// Runs `work` with a client and driver for `source` and returns its result.
template <typename T>
T run_with_driver(const connectors::source_config& source,
                  const std::function<boost::asio::awaitable<T>(paging::page_driver&)>& work);

}  // namespace personsync::testing

#include "tests/support/sweep_runner_impl.hpp"
