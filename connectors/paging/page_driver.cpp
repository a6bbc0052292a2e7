#include "connectors/paging/page_driver.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/iso_time.hpp"

namespace personsync::paging {
namespace {

namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool is_success(int status) { return status >= 200 && status < 300; }
bool is_retryable_status(int status) { return status >= 500 || status == 408; }

source_failed cancelled_error() { return {source_failed::reason::cancelled, "the sync was cancelled"}; }

}  // namespace

page_driver::page_driver(net::http_client& client, std::shared_ptr<rate_limiter> limiter, driver_options options,
                         cancel_scope& scope, request_observer* observer)
    : client_(client), limiter_(std::move(limiter)), options_(std::move(options)), scope_(scope), observer_(observer) {}

asio::awaitable<void> page_driver::sleep(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(duration);
  auto [ec] = co_await timer.async_wait(use_tuple);
  if (ec || scope_.cancelled()) throw cancelled_error();
}

void page_driver::note_clock_skew(const net::http_response& response) {
  const auto header = response.header("date");
  if (!header) return;
  const auto provider_now = parse_http_date(*header);
  if (!provider_now) return;
  // The header has whole seconds: our clock is compared at the same resolution.
  const auto ours = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const double skew = std::chrono::duration<double>(*provider_now - ours).count();
  auto& kept = counts_.provider_clock_skew_seconds;
  if (!kept || std::abs(skew) > std::abs(*kept)) kept = skew;
}

asio::awaitable<net::http_response> page_driver::fetch(const page_request& request, const source_stream& stream,
                                                       std::vector<int> accepted) {
  unsigned failures = 0;
  for (;;) {
    if (scope_.cancelled()) throw cancelled_error();
    try {
      co_await limiter_->acquire();
    } catch (const boost::system::system_error&) {
      throw cancelled_error();  // the wait was cancelled
    }
    ++counts_.requests;

    net::http_response response;
    std::optional<net::transport_error> transport_failure;
    const auto sent = std::chrono::steady_clock::now();
    try {
      response = co_await client_.send(request.http);
    } catch (const net::transport_error& e) {
      transport_failure = e;  // handled below: a catch block cannot co_await
    }
    if (observer_) {
      observer_->request_ended(options_.source_name, request.endpoint, transport_failure ? 0 : response.status,
                               std::chrono::steady_clock::now() - sent);
    }
    if (transport_failure) {
      if (transport_failure->what_kind() == net::transport_error::kind::cancelled || scope_.cancelled()) {
        throw cancelled_error();
      }
      ++counts_.transport_errors;
      if (!transport_failure->retryable()) {
        throw source_failed(source_failed::reason::unreachable, transport_failure->what());
      }
      co_await back_off_or_give_up(failures, transport_failure->what());
      continue;
    }

    ++counts_.responses_by_status[response.status];
    note_clock_skew(response);
    if (is_success(response.status) || std::find(accepted.begin(), accepted.end(), response.status) != accepted.end()) {
      co_return response;
    }

    if (response.status == 429) {
      ++counts_.throttled;
      const auto header = response.header("retry-after");
      const auto wait = header ? parse_retry_after(*header, std::chrono::system_clock::now()) : std::nullopt;
      if (wait && *wait >= std::chrono::seconds(1)) {
        // The credential pauses as a whole; the next acquire() waits it out, however long.
        limiter_->pause_until(std::chrono::steady_clock::now() + *wait);
        counts_.retry_after_wait += *wait;
        if (observer_) observer_->paused_by_retry_after(options_.source_name, *wait);
        spdlog::warn("{}: throttled (429); pausing this credential for {} as Retry-After asks", options_.source_name,
                     std::chrono::duration_cast<std::chrono::seconds>(*wait));
        continue;
      }
      co_await back_off_or_give_up(failures, "throttled (429) without a usable Retry-After");
      continue;
    }
    if (is_retryable_status(response.status)) {
      co_await back_off_or_give_up(failures, fmt::format("HTTP {}", response.status));
      continue;
    }
    throw source_failed(source_failed::reason::provider_error,
                        fmt::format("HTTP {}: {}", response.status, stream.describe_error(response)), response.status);
  }
}

asio::awaitable<page_result> page_driver::fetch_page(const page_request& request, source_stream& stream) {
  for (unsigned failures = 0;;) {
    const net::http_response response = co_await fetch(request, stream);
    std::string problem;
    try {
      page_result result = stream.parse_page(request, response);
      result.position = request.position;
      ++counts_.pages;
      co_return result;
    } catch (const bad_page& e) {
      ++counts_.bad_pages;
      problem = fmt::format("malformed page at {} ({})", request.position, e.what());
    }
    co_await back_off_or_give_up(failures, problem);  // outside the handler: a catch block cannot co_await
  }
}

asio::awaitable<void> page_driver::back_off_or_give_up(unsigned& failures, const std::string& what) {
  if (++failures > options_.max_retries) {
    throw source_failed(source_failed::reason::retries_exhausted,
                        fmt::format("giving up after {} tries; last: {}", failures, what));
  }
  ++counts_.retries;
  if (observer_) observer_->retried(options_.source_name);
  const std::chrono::milliseconds wait = full_jitter(options_.backoff, failures - 1, rng_);
  spdlog::warn("{}: {}; retry {} of {} in {}", options_.source_name, what, failures, options_.max_retries, wait);
  co_await sleep(wait);
}

asio::awaitable<void> page_driver::run(source_stream& stream, page_sink sink) {
  const auto executor = co_await asio::this_coro::executor;
  std::deque<page_request> pending;
  for (page_request& r : stream.first_requests()) pending.push_back(std::move(r));
  seen_keys_.clear();
  std::size_t in_flight = 0;
  std::exception_ptr failure;
  asio::steady_timer page_done(executor, asio::steady_timer::time_point::max());

  // Each worker takes pending pages until none are left and none are in flight
  // (a page in flight may still reveal more).
  const auto worker = [&]() -> asio::awaitable<void> {
    for (;;) {
      if (failure || scope_.cancelled()) co_return;
      if (pending.empty()) {
        if (in_flight == 0) {
          page_done.cancel();  // wake the others to see the end
          co_return;
        }
        co_await page_done.async_wait(use_tuple);
        continue;
      }
      page_request request = std::move(pending.front());
      pending.pop_front();
      ++in_flight;
      page_result result = co_await fetch_page(request, stream);

      std::erase_if(result.records, [&](const connectors::source_record& r) {
        const bool duplicate = !seen_keys_.insert(r.source_key).second;
        counts_.duplicates += duplicate;
        return duplicate;
      });
      counts_.records += result.records.size();
      counts_.rejected += result.rejected.size();
      counts_.replaced_characters += result.replaced_characters;
      for (page_request& next : result.follow_ups) pending.push_back(std::move(next));
      result.follow_ups.clear();
      co_await sink(std::move(result));
      --in_flight;
      page_done.cancel();  // follow-ups may wait for a worker, or this was the last page
    }
  };

  std::size_t running = std::max<std::size_t>(1, options_.concurrency);
  asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
  for (std::size_t i = 0, n = running; i < n; ++i) {
    asio::co_spawn(executor, worker(), asio::bind_cancellation_slot(scope_.new_slot(), [&](std::exception_ptr e) {
      if (e && !failure) {
        failure = e;
        scope_.cancel();  // one fatal page ends the sweep: stop the other workers now
      }
      if (--running == 0) all_done.cancel();
    }));
  }
  while (running > 0) co_await all_done.async_wait(use_tuple);

  if (failure) std::rethrow_exception(failure);
  if (scope_.cancelled()) throw cancelled_error();
  stream.finish(counts_);
}

}  // namespace personsync::paging
