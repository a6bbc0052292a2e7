#pragma once
// A sync run's status, as sync_runs.status holds it (schema/0012_interrupted_runs.sql lists
// the same names in its CHECK).

#include <string_view>

namespace personsync::store {

enum class run_status {
  running,
  succeeded,
  failed,
  cancelled,    // stopped by a signal or a shutdown, its checkpoint kept
  interrupted,  // the process ended before the run finished; closed by the next run of its source
};

constexpr std::string_view name_of(run_status s) noexcept {
  switch (s) {
    case run_status::running: return "running";
    case run_status::succeeded: return "succeeded";
    case run_status::failed: return "failed";
    case run_status::cancelled: return "cancelled";
    case run_status::interrupted: return "interrupted";
  }
  return "failed";
}

}  // namespace personsync::store
