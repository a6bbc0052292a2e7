#pragma once
// Runs a provider's source_stream: pages fetched concurrently within a limit,
// every request through the credential's rate limiter, retries with backoff
// for 429/5xx/timeouts/broken connections and bad pages, Retry-After honoured
// however long, 4xx failing the source at once, records deduplicated by key.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include <boost/asio/awaitable.hpp>

#include "connectors/http/http_client.hpp"
#include "connectors/paging/backoff.hpp"
#include "connectors/paging/cancel_scope.hpp"
#include "connectors/paging/driver_options.hpp"
#include "connectors/paging/rate_limiter.hpp"
#include "connectors/paging/request_observer.hpp"
#include "connectors/paging/source_stream.hpp"
#include "connectors/paging/sweep_counts.hpp"

namespace personsync::paging {


// The sweep of a source cannot go on.
class source_failed : public std::runtime_error {
 public:
  enum class reason { provider_error, unreachable, retries_exhausted, cancelled };
  source_failed(reason r, const std::string& message, int status = 0)
      : std::runtime_error(message), reason_(r), status_(status) {}
  [[nodiscard]] reason why() const noexcept { return reason_; }
  [[nodiscard]] int status() const noexcept { return status_; }

 private:
  reason reason_;
  int status_;
};

// Receives each page's records and rejections, deduplicated, as pages complete.
// Awaited: a slow consumer slows the sweep (backpressure).
using page_sink = std::function<boost::asio::awaitable<void>(page_result&&)>;

class page_driver {
 public:
  // `observer` (optional) hears of every try as it ends.
  page_driver(net::http_client& client, std::shared_ptr<rate_limiter> limiter, driver_options options,
              cancel_scope& scope, request_observer* observer = nullptr);

  // The whole sweep. Throws source_failed; counts stay readable through counts().
  // The sink by value: a coroutine outlives its caller's temporaries and locals.
  boost::asio::awaitable<void> run(source_stream& stream, page_sink sink);

  // One request with the same retries, rate limit and error handling (e.g. a retrieve).
  // Statuses in `accepted` (besides 2xx) are returned rather than failing the source.
  boost::asio::awaitable<net::http_response> fetch(const page_request& request, const source_stream& stream,
                                                   std::vector<int> accepted = {});

  [[nodiscard]] const sweep_counts& counts() const noexcept { return counts_; }
  // Every record key the sweep delivered: what a complete sweep knows to exist.
  [[nodiscard]] const std::unordered_set<std::string>& seen_keys() const noexcept { return seen_keys_; }

 private:
  boost::asio::awaitable<page_result> fetch_page(const page_request& request, source_stream& stream);
  boost::asio::awaitable<void> sleep(std::chrono::milliseconds duration);
  // Keeps the provider's clock skew from the response's Date header in counts_.
  void note_clock_skew(const net::http_response& response);
  // Counts one failed try of a request against its budget, then waits before the next; throws once spent.
  boost::asio::awaitable<void> back_off_or_give_up(unsigned& failures, const std::string& what);

  net::http_client& client_;
  std::shared_ptr<rate_limiter> limiter_;
  driver_options options_;
  cancel_scope& scope_;
  request_observer* observer_;
  sweep_counts counts_;
  std::unordered_set<std::string> seen_keys_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace personsync::paging
