#pragma once
// ISO 8601 timestamps in UTC, as the providers and PostgreSQL write them.

#include <chrono>
#include <optional>
#include <string>

namespace personsync {

// "2026-11-22T19:28:19Z"
std::string iso_seconds(std::chrono::system_clock::time_point t);
// "2026-11-22T19:28:19.123456Z"
std::string iso_microseconds(std::chrono::system_clock::time_point t);
// Reads the "YYYY-MM-DDTHH:MM:SS" start of a UTC timestamp.
std::optional<std::chrono::system_clock::time_point> parse_iso_seconds(const std::string& text);

}  // namespace personsync
