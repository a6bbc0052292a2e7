#include "connectors/whop/whop_sweep.hpp"

#include <algorithm>

#include "common/iso_time.hpp"

namespace personsync::whop {

time_window full_sweep_window(const whop_source_config& cfg, std::chrono::system_clock::time_point now) {
  const std::int64_t to = unix_seconds(now);
  return {to - std::chrono::duration_cast<std::chrono::seconds>(cfg.full_sweep_window).count(), to};
}

time_window incremental_window(const whop_source_config& cfg, std::int64_t last_to,
                               std::chrono::system_clock::time_point now) {
  const std::int64_t to = unix_seconds(now);
  const std::int64_t overlap = std::chrono::duration_cast<std::chrono::seconds>(cfg.incremental_overlap).count();
  return {std::min(last_to - overlap, to), to};
}

}  // namespace personsync::whop
