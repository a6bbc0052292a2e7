#include <gtest/gtest.h>

#include "connectors/paging/backoff.hpp"

namespace personsync::paging {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, FullJitterStaysUnderTheDoublingCeilingAndTheCap) {
  std::mt19937_64 rng(1);
  const backoff_policy policy{100ms, 1000ms};
  for (unsigned attempt = 0; attempt < 12; ++attempt) {
    const auto ceiling = std::min<std::chrono::milliseconds>(1000ms, 100ms * (1 << attempt));
    std::chrono::milliseconds largest{0};
    for (int i = 0; i < 500; ++i) {
      const auto d = full_jitter(policy, attempt, rng);
      EXPECT_GE(d, 0ms);
      EXPECT_LE(d, ceiling);
      largest = std::max(largest, d);
    }
    EXPECT_GT(largest, ceiling / 2) << "the whole range is used";
  }
}

TEST(RetryAfter, SecondsAndHttpDates) {
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_retry_after("120", now), 120s);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0s);
  EXPECT_EQ(parse_retry_after("86400", now), 86400s) << "long waits are honoured, not cut short";
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), 30s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), 0ms) << "a date in the past";
  for (const char* bad : {"", "soon", "-5", "1.5", "Sunday, 06-Nov-94 08:49:37 GMT"}) {
    EXPECT_FALSE(parse_retry_after(bad, now)) << bad;
  }
}

}  // namespace
}  // namespace personsync::paging
