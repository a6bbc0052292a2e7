// The rate limiter never lets more than N requests into any window of its
// period, shares one budget per credential, and honours pauses.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "connectors/paging/rate_limiter.hpp"

namespace personsync::paging {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

TEST(RateLimit, ParsesSeveralWindows) {
  const auto w = parse_rate_limit("180/min, 1200/hour");
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, (std::vector<rate_window>{{180, std::chrono::minutes(1)}, {1200, std::chrono::hours(1)}}));
  EXPECT_EQ(parse_rate_limit("20/s")->front(), (rate_window{20, 1s}));
  EXPECT_EQ(parse_rate_limit(" 5 / second ,10/day")->size(), 2u);
  EXPECT_TRUE(parse_rate_limit("none")->empty());
  EXPECT_TRUE(parse_rate_limit("")->empty());
  EXPECT_EQ(parse_rate_limit(std::string(100'000, ' ') + "7/h")->front(), (rate_window{7, std::chrono::hours(1)}));
  for (const std::string& bad : std::vector<std::string>{"180", "180/fortnight", "0/min", "x/min", "180/min,", "180/min 1200/hour", "+5/s",
                                "99999999999999999999999/s", std::string(100'000, '9') + "/s"}) {
    EXPECT_FALSE(parse_rate_limit(bad)) << bad;
  }
}

// Sends `n` requests through the limiter as fast as it allows; returns their times.
std::vector<clock::time_point> drive(rate_limiter& limiter, int n, int concurrent = 4) {
  boost::asio::io_context io;
  std::vector<clock::time_point> sent;
  int left = n;
  for (int w = 0; w < concurrent; ++w) {
    boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
      while (left > 0) {
        --left;
        co_await limiter.acquire();
        sent.push_back(clock::now());
      }
    }, boost::asio::detached);
  }
  io.run();
  return sent;
}

std::size_t most_in_any_window(const std::vector<clock::time_point>& times, clock::duration period) {
  std::size_t most = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    std::size_t inside = 0;
    for (std::size_t j = i; j < times.size() && times[j] - times[i] < period; ++j) ++inside;
    most = std::max(most, inside);
  }
  return most;
}

// Sends `n` requests as fast as the limiter's rule allows on a virtual clock from `start`:
// each asks, and waits exactly what it is told. Returns their times; nothing sleeps.
std::vector<clock::time_point> drive_virtually(rate_limiter& limiter, int n, clock::time_point start) {
  std::vector<clock::time_point> sent;
  clock::time_point now = start;
  while (static_cast<int>(sent.size()) < n) {
    const clock::duration wait = limiter.try_take(now);
    if (wait == clock::duration::zero()) {
      sent.push_back(now);
    } else {
      now += wait;
    }
  }
  return sent;
}

const clock::time_point t0 = clock::time_point{} + std::chrono::hours(1000);

TEST(RateLimiter, NeverExceedsAnyWindow) {
  rate_limiter limiter({{5, 200ms}, {12, 1000ms}});
  const auto sent = drive_virtually(limiter, 30, t0);
  ASSERT_EQ(sent.size(), 30u);
  EXPECT_LE(most_in_any_window(sent, 200ms), 5u);
  EXPECT_LE(most_in_any_window(sent, 1000ms), 12u);
  // 30 requests at 12 per second need at least two full windows after the first burst.
  EXPECT_GE(sent.back() - t0, 2000ms);
}

TEST(RateLimiter, UnlimitedWhenNoWindows) {
  rate_limiter limiter({});
  const auto sent = drive_virtually(limiter, 1000, t0);
  EXPECT_EQ(sent.size(), 1000u);
  EXPECT_LT(sent.back() - t0, 500ms);
  EXPECT_EQ(sent.back(), t0) << "nothing waits at all";
}

TEST(RateLimiter, PauseHoldsEveryRequestUntilItEnds) {
  rate_limiter limiter({{100, 1s}});
  const auto until = t0 + 300ms;
  limiter.pause_until(until, t0);
  EXPECT_EQ(limiter.available(t0), 0u);
  const auto sent = drive_virtually(limiter, 3, t0);
  for (const auto t : sent) EXPECT_GE(t, until);
  EXPECT_GE(limiter.paused_total(), 250ms);
}

// acquire() is the same rule on the real clock, awaited by concurrent senders (the one test
// here that waits: 6 requests at 2 per 100 ms need two more windows after the first).
TEST(RateLimiter, AcquireWaitsOnTheRealClockAsTheRuleSays) {
  rate_limiter limiter({{2, 100ms}});
  const auto start = clock::now();
  const auto sent = drive(limiter, 6);
  ASSERT_EQ(sent.size(), 6u);
  // Not the windows of the times seen here: a loaded runner delays a sender after its slot was
  // taken. The rule's windows are checked above, on the virtual clock.
  EXPECT_GE(clock::now() - start, 200ms);
}

TEST(RateLimiter, TimeToSendFollowsTheSameRule) {
  EXPECT_EQ(time_to_send(0, {{10, 1s}}), 0ms);
  EXPECT_EQ(time_to_send(10, {{10, 1s}}), 0ms) << "a window's worth goes at once";
  EXPECT_EQ(time_to_send(11, {{10, 1s}}), 1020ms) << "the next waits for the window plus its 2% guard";
  EXPECT_EQ(time_to_send(25, {{10, 1s}}), 2040ms);
  // PostHog's defaults: 1200 in the first hour come in minutes; the 1201st waits for the hour.
  const std::vector<rate_window> posthog{{180, std::chrono::minutes(1)}, {1200, std::chrono::hours(1)}};
  EXPECT_EQ(time_to_send(1200, posthog), std::chrono::milliseconds(6 * 61200));
  EXPECT_EQ(time_to_send(1201, posthog), std::chrono::milliseconds(3600000 + 72000));
}

TEST(RateLimiter, RegistrySharesOneLimiterPerCredential) {
  rate_limiter_registry registry;
  const auto a = registry.for_credential("key-a", {{10, 1s}});
  const auto b = registry.for_credential("key-a", {{99, 1s}});
  const auto c = registry.for_credential("key-b", {{10, 1s}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(b->windows().front().requests, 10u) << "the first source's limits apply to the shared key";
}

}  // namespace
}  // namespace personsync::paging
