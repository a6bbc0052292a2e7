#pragma once
// What one run of a Whop source reads: a full sweep (everyone, in an order
// updates do not move: the proof of who exists) or an incremental one (people
// seen since the last run, minus an overlap).

#include <chrono>
#include <cstdint>

#include "connectors/whop/whop_config.hpp"

namespace personsync::whop {

// In unix seconds, over last_seen_at.
struct time_window {
  std::int64_t from = 0;
  std::int64_t to = 0;
};

enum class sweep_kind { full, incremental };

struct whop_sweep {
  sweep_kind kind = sweep_kind::full;
  time_window window;
};

// A provider clock ahead of ours stamps people "later" than our now: a window's
// end reaches this far past it, so that people updated meanwhile are not outside.
inline constexpr std::chrono::seconds clock_skew_allowance{3600};

// A full sweep's window ends now and reaches back full_sweep_window; an
// incremental one starts at the last successful run's `to` minus the overlap.
time_window full_sweep_window(const whop_source_config& cfg, std::chrono::system_clock::time_point now);
time_window incremental_window(const whop_source_config& cfg, std::int64_t last_to,
                               std::chrono::system_clock::time_point now);

}  // namespace personsync::whop
