#pragma once
// How long to wait before the next try: exponential backoff with full jitter,
// and the server's own Retry-After (seconds or an HTTP-date).

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

namespace personsync::paging {

struct backoff_policy {
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{30'000};
};

// Uniform in [0, min(cap, base * 2^attempt)] (attempt 0 is the first retry).
std::chrono::milliseconds full_jitter(const backoff_policy& policy, unsigned attempt, std::mt19937_64& rng);

// The wait a Retry-After value asks for, measured from `now`; nullopt when it
// is neither delta-seconds nor an HTTP-date. A date in the past is zero.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace personsync::paging
