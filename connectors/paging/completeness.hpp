#pragma once
// Whether a sweep may stand as proof of what exists upstream. One rule for
// every provider: a sweep whose announced total was unusable, or that collected
// more or fewer records than announced beyond the source's tolerance, deletes
// nothing. Totals never size anything: pages are planned a few at a time.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "connectors/paging/sweep_counts.hpp"

namespace personsync::paging {

// Larger than any account either provider hosts; a total beyond it is a server's mistake.
inline constexpr std::int64_t sane_total_bound = 1'000'000'000;

struct announced_total {
  std::int64_t value = -1;  // -1: not announced, or not usable
  announced_total_problem problem = announced_total_problem::none;
};

// The total as a page announced it: `field` may be absent (nothing announced) or null.
announced_total read_announced_total(const boost::json::value* field);

// Why a sweep deletes nothing, or none.
enum class sweep_doubt { none, total_not_an_integer, total_negative, total_beyond_bound, drifted };

// "total_not_an_integer", …: a metric label and what sync_runs records.
std::string_view doubt_name(sweep_doubt doubt) noexcept;

struct completeness {
  sweep_doubt doubt = sweep_doubt::none;
  std::string detail;  // for the log and sync_runs, when there is a doubt
};

// Also marks counts.drifted and counts.shortfall.
completeness judge_completeness(sweep_counts& counts, double drift_tolerance);

}  // namespace personsync::paging
