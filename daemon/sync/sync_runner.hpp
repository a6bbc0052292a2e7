#pragma once
// One pass over the configured sources: each locked against other processes,
// swept concurrently, each on an event loop of its own while a writer thread lands its batches, its
// absences judged only after a complete unfiltered sweep, its run recorded.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/paging/completeness.hpp"
#include "connectors/paging/rate_limiter.hpp"
#include "connectors/paging/sweep_counts.hpp"
#include "connectors/posthog/posthog_config.hpp"
#include "connectors/whop/whop_config.hpp"
#include "daemon/store/database_config.hpp"
#include "daemon/store/landing_store.hpp"
#include "daemon/sync/sync_cancellation.hpp"
#include "daemon/sync/sync_observer.hpp"

namespace personsync::sync {

// What a sync reads of the settings: where it lands, and the sources (the config file is the
// caller's business).
struct sync_targets {
  const store::database_config& database;
  std::span<const whop::whop_source_config> whop_sources;
  std::span<const posthog::posthog_source_config> posthog_sources;
};

struct sync_options {
  std::vector<std::string> only_sources;  // empty: all
  bool force_full = false;
  sync_cancellation* cancellation = nullptr;  // optional: stops the run from another thread
  // Optional: limiters shared with other runs (the daemon's); else the run's own.
  paging::rate_limiter_registry* limiters = nullptr;
  sync_observer* observer = nullptr;  // optional: hears of requests and queue depth as they happen
};

// How one source's part of a sync ended: as its run did, or busy (another process held the
// source, so no run began).
enum class source_result { succeeded, failed, cancelled, busy };
constexpr std::string_view name_of(source_result r) noexcept {
  switch (r) {
    case source_result::succeeded: return "succeeded";
    case source_result::failed: return "failed";
    case source_result::cancelled: return "cancelled";
    case source_result::busy: return "busy";
  }
  return "failed";
}

struct source_summary {
  std::string name;
  std::string provider;
  std::string scope;
  std::optional<store::run_mode> mode;  // none when no run began (busy)
  source_result status = source_result::failed;
  std::optional<std::int64_t> run_id;
  store::batch_counts counts;
  std::uint64_t deleted = 0;
  std::uint64_t marked_absent = 0;  // missed once where only a second sweep can prove a delete
  paging::completeness deletes_withheld;  // a full sweep that could not prove deletions says why
  paging::sweep_counts sweep;
  std::optional<std::string> error;
  double seconds = 0;
};

// Throws store::database_unavailable when PostgreSQL cannot be reached at the start.
std::vector<source_summary> run_sync(const sync_targets& cfg, const sync_options& options);

}  // namespace personsync::sync
