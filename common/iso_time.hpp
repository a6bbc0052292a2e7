#pragma once
// Timestamps as the providers and PostgreSQL write them: ISO 8601 in UTC, and
// Unix seconds (Whop).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace personsync {

// "2026-11-22T19:28:19Z"
std::string iso_seconds(std::chrono::system_clock::time_point t);
// "2026-11-22T19:28:19.123456Z"
std::string iso_microseconds(std::chrono::system_clock::time_point t);
std::int64_t unix_seconds(std::chrono::system_clock::time_point t);
inline std::int64_t unix_now() { return unix_seconds(std::chrono::system_clock::now()); }
// The times a provider's value may hold: 1900-01-01 to 2200-01-01 (Unix seconds). A time_point
// counts nanoseconds and ends in 2262, so a provider's year 4050 would overflow it (found by the
// fuzzer); PostgreSQL's microseconds would follow soon after.
inline constexpr std::int64_t earliest_provider_time = -2'208'988'800;  // 1900-01-01T00:00:00Z
inline constexpr std::int64_t latest_provider_time = 7'258'118'400;     // 2200-01-01T00:00:00Z
// The time of Unix `seconds` within those bounds; nullopt outside them.
std::optional<std::chrono::system_clock::time_point> time_of_unix_seconds(std::int64_t seconds);

// Whether `text` is a whole ISO 8601 date-time PostgreSQL reads as what it says: "YYYY-MM-DDTHH:MM:SS"
// (or a space for T), a real calendar day, an optional fraction of 1 to 9 digits, and an optional
// zone (Z, ±HH, ±HHMM, ±HH:MM); within the provider bounds. What a provider's time passed as text
// must be, so that one bad value cannot fail a whole COPY.
bool is_iso_timestamp(std::string_view text);

// Reads the "YYYY-MM-DDTHH:MM:SS" start of a UTC timestamp; nullopt outside the provider bounds.
std::optional<std::chrono::system_clock::time_point> parse_iso_seconds(const std::string& text);

// An IMF-fixdate, as in HTTP's Date and Retry-After: "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);
std::string http_date(std::chrono::system_clock::time_point t);

}  // namespace personsync
