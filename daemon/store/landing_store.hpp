#pragma once
// Landing records in PostgreSQL: each batch in one transaction — COPY into a
// temporary staging table, one set-based upsert that writes only records whose
// content hash changed (an unchanged record makes no row version at all), the
// rejected items, the run's counters and the source's checkpoint together, so
// that a killed process loses nothing and duplicates nothing.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <soci/soci.h>

#include "connectors/source_record.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/landed_hashes.hpp"
#include "daemon/store/run_mode.hpp"
#include "daemon/store/run_status.hpp"

namespace personsync::store {

struct batch_counts {
  std::uint64_t fetched = 0;
  std::uint64_t inserted = 0;
  std::uint64_t updated = 0;
  std::uint64_t unchanged = 0;
  std::uint64_t rejected = 0;
};

struct run_identity {
  std::string source_name;
  std::string provider;  // "whop" or "posthog"
  std::string scope;
  run_mode mode = run_mode::full;
  std::optional<std::int64_t> window_from;  // unix seconds
  std::optional<std::int64_t> window_to;
};

struct source_state {
  std::optional<std::string> cursor;  // JSON
  std::optional<std::string> last_full_sweep_at;
};

// A record judged gone upstream, or absorbed by another (merged_into).
struct gone_record {
  std::string source_key;
  std::optional<std::string> merged_into;
};

// A landed, live record that a complete sweep did not see: a deletion candidate.
struct unseen_record {
  std::string source_key;
  std::optional<std::int64_t> provider_id;
  std::vector<std::string> distinct_ids;
  std::optional<std::int64_t> last_seen_at;  // Whop's last_seen_at, unix seconds
  std::optional<std::int64_t> absent_since_run;  // the earlier complete sweep that missed it too
};

// How a run ended, as sync_runs keeps it.
struct run_outcome {
  explicit run_outcome(run_status status_, std::uint64_t deleted_ = 0, std::optional<std::string> error_ = {})
      : status(status_), deleted(deleted_), error(std::move(error_)) {}

  run_status status;  // succeeded, failed or cancelled
  std::uint64_t deleted = 0;
  std::optional<std::string> error;
  std::optional<std::string> deletes_withheld;        // why a full sweep deleted nothing
  std::optional<double> provider_clock_skew_seconds;  // the provider's clock minus ours
  std::string anomalies = "{}";                        // JSON: the sweep's anomalies by kind
};

class landing_store {
 public:
  explicit landing_store(soci::session& session);

  // Who holds locks on the landing's tables now (see store::lock_holders).
  std::string lock_holders() { return store::lock_holders(session_); }

  // Opens the run; runs of this source left 'running' by a process that died are closed as interrupted first.
  std::int64_t begin_run(const run_identity& run);

  // One batch, atomically, with the checkpoint it reached.
  batch_counts land(std::int64_t run_id, const run_identity& run, const std::vector<connectors::source_record>& records,
                    const std::vector<connectors::rejected_item>& rejected, const std::optional<std::string>& cursor);

  // Closes a run still `running`; one already closed (`interrupted` by the process that took
  // the source over while this one was frozen or cut off) keeps what that process wrote.
  void finish_run(std::int64_t run_id, const run_outcome& outcome);

  [[nodiscard]] source_state state(const std::string& source_name);
  void save_state(const run_identity& run, const std::optional<std::string>& cursor, bool completed_full_sweep);

  // Live records of (source, scope) whose keys are not in `seen`; the records in
  // `seen` lose any mark of an earlier absence (record_absences).
  std::vector<unseen_record> unseen(const std::string& source, const std::string& scope,
                                    const std::unordered_set<std::string>& seen);
  // Live records of (source, scope) holding any of the distinct ids, other than the records `except`.
  // Reads the scope's identifiers whole: it runs only when a sweep met persons split off upstream.
  std::vector<std::string> holders_of_distinct_ids(const std::string& source, const std::string& scope,
                                                   const std::vector<std::string>& distinct_ids,
                                                   const std::vector<std::string>& except);
  // Marks records a complete sweep missed, keeping an earlier run's mark.
  void record_absences(std::int64_t run_id, const std::string& source, const std::string& scope,
                       const std::vector<std::string>& keys);
  // Soft deletes, all in one statement: deleted_at, and merged_into for a merge. Returns rows changed.
  std::uint64_t mark_gone(std::int64_t run_id, const std::string& source, const std::string& scope,
                          const std::vector<gone_record>& gone);

 private:
  // COPY straight into source_records, for a scope that was empty at the run's start;
  // false (and nothing written) when that cannot be done.
  bool insert_new(std::int64_t run_id, const std::vector<connectors::source_record>& records,
                  const std::vector<std::string>& hashes);
  // Through staging: the changed records inserted or updated. Returns {inserted, updated}.
  std::pair<std::uint64_t, std::uint64_t> upsert_changed(std::int64_t run_id,
                                                         const std::vector<connectors::source_record>& records,
                                                         const std::vector<std::string>& hashes);

  soci::session& session_;
  // Nothing of this source and scope was landed when the run began: every record of
  // the run is new (the driver hands each key over once), so no hash need be read
  // and batches are COPY'd straight in.
  bool scope_was_empty_ = false;
  // A full run over a landed scope reads every hash once at its start: see landed_hashes.
  std::optional<landed_hashes> preloaded_;
};

// Lowercase hex SHA-256 of the payload: what decides whether a record changed.
std::string content_hash(const std::string& payload);

}  // namespace personsync::store
