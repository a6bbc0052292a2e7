#pragma once
// What one sweep of a source did, as the page driver counts it.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>

namespace personsync::paging {

// What was wrong with a total a provider announced (Whop's total_count, PostHog's count).
enum class announced_total_problem { none, not_an_integer, negative, beyond_bound };

struct sweep_counts {
  std::uint64_t requests = 0;
  std::uint64_t pages = 0;
  std::uint64_t records = 0;     // after deduplication
  std::uint64_t duplicates = 0;  // seen twice within the sweep (offset drift)
  std::uint64_t rejected = 0;
  std::uint64_t retries = 0;
  std::uint64_t throttled = 0;   // 429 responses
  std::chrono::milliseconds retry_after_wait{0};
  std::uint64_t bad_pages = 0;
  std::uint64_t transport_errors = 0;
  std::map<int, std::uint64_t> responses_by_status;
  std::int64_t expected_total = -1;  // what the provider announced, when it did and it was usable
  announced_total_problem total_problem = announced_total_problem::none;
  std::uint64_t shortfall = 0;       // expected_total - records, when positive
  bool drifted = false;              // ended further from expected_total than the source tolerates
  std::uint64_t replaced_characters = 0;
  // The provider's clock (its Date header) minus ours, the largest seen: windows tolerate it.
  std::optional<double> provider_clock_skew_seconds;
};

}  // namespace personsync::paging
