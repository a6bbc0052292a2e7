#include "connectors/paging/backoff.hpp"

#include <algorithm>
#include <charconv>

#include "common/iso_time.hpp"

namespace personsync::paging {

std::chrono::milliseconds full_jitter(const backoff_policy& policy, unsigned attempt, std::mt19937_64& rng) {
  const unsigned shift = std::min(attempt, 30u);
  const long long ceiling = std::min<long long>(policy.cap.count(), policy.base.count() * (1LL << shift));
  std::uniform_int_distribution<long long> pick(0, std::max(0LL, ceiling));
  return std::chrono::milliseconds(pick(rng));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;

  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long long seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc{}) return std::nullopt;
    return std::chrono::seconds(seconds);
  }

  const auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  const auto at = *when;
  if (at <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(at - now);
}

}  // namespace personsync::paging
