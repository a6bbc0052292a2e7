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

TEST(IsoTimestamp, TakesWhatPostgresReadsAsWrittenAndNothingElse) {
  for (const char* ok : {"2026-01-05T12:34:56Z", "2026-01-05T12:34:56.789000Z", "2026-01-05T12:34:56.123456+00:00",
                         "2026-01-05 12:34:56", "2024-02-29T00:00:00-0530", "2026-01-05T12:34:56.123456789+01",
                         "1900-01-01T00:00:00Z"}) {
    EXPECT_TRUE(is_iso_timestamp(ok)) << ok;
  }
  for (const char* bad : {"", "banana", "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                          "2026-01-05T24:00:00Z", "2026-01-05T12:60:00Z", "2026-01-05T12:34:56Zjunk",
                          "2026-01-05T12:34:56.Z", "2026-01-05T12:34:56.1234567890Z", "2026-1-05T12:34:56Z",
                          "4050-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "2026-01-05T12:34:56+1", "2026-01-05"}) {
    EXPECT_FALSE(is_iso_timestamp(bad)) << bad;
  }
}

// Found by tests/fuzz/whop_page_fuzz: a provider's year 4050 overflowed the nanosecond time_point
// (undefined behaviour). Times outside 1900–2200 are refused instead, as text and as Unix seconds.
TEST(ProviderTimes, OutsideTheBoundsAreRefusedNotOverflowed) {
  EXPECT_EQ(parse_iso_seconds("4050-12-04T19:52:09Z"), std::nullopt);
  EXPECT_EQ(parse_iso_seconds("1899-12-31T23:59:59Z"), std::nullopt);
  EXPECT_EQ(parse_iso_seconds("2199-12-31T23:59:59Z"), system_clock::from_time_t(latest_provider_time - 1));
  EXPECT_EQ(parse_iso_seconds("1900-01-01T00:00:00Z"), system_clock::from_time_t(earliest_provider_time));
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 9994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(time_of_unix_seconds(65'667'700'329), std::nullopt);
  EXPECT_EQ(time_of_unix_seconds(latest_provider_time), std::nullopt);
  EXPECT_EQ(time_of_unix_seconds(0), system_clock::from_time_t(0));
}

}  // namespace
}  // namespace personsync
