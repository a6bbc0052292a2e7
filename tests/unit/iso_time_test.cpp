// Timestamps as personsync writes them for PostgreSQL and the providers.

#include <gtest/gtest.h>

#include "common/iso_time.hpp"

namespace personsync {
namespace {

using std::chrono::microseconds;
using std::chrono::system_clock;

TEST(IsoTime, MicrosecondsKeepTheirFraction) {
  EXPECT_EQ(iso_microseconds(system_clock::time_point(microseconds(1'780'000'000'197'000))),
            "2026-05-28T20:26:40.197000Z");
  EXPECT_EQ(iso_microseconds(system_clock::time_point(microseconds(1'780'000'000'000'001))),
            "2026-05-28T20:26:40.000001Z");
  EXPECT_EQ(iso_microseconds(system_clock::time_point(microseconds(0))), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(iso_microseconds(system_clock::time_point(microseconds(951'868'800'000'000 - 1))),  // leap day, before midnight
            "2000-02-29T23:59:59.999999Z");
  EXPECT_EQ(iso_seconds(system_clock::time_point(microseconds(1'780'000'000'999'999))), "2026-05-28T20:26:40Z");
}

TEST(HttpDate, WritesTheImfFixdateItReads) {
  const auto t = system_clock::from_time_t(784111777);
  EXPECT_EQ(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(parse_http_date(http_date(t)), t);
}

}  // namespace
}  // namespace personsync
