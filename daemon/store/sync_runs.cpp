#include "daemon/store/sync_runs.hpp"

#include "daemon/store/database.hpp"

namespace personsync::store {
namespace {

std::optional<std::string> optional_text(const soci::row& r, std::size_t column) {
  if (r.get_indicator(column) == soci::i_null) return std::nullopt;
  return r.get<std::string>(column);
}

}  // namespace

std::vector<sync_run> latest_runs(soci::session& session) {
  std::vector<sync_run> runs;
  soci::rowset<soci::row> rows = (session.prepare <<
      "SELECT DISTINCT ON (source_name) run_id, source_name, provider, scope, mode, status, " +
          iso_utc("started_at") + ", " + iso_utc("finished_at") +
          ", fetched, inserted, updated, unchanged, rejected, deleted, error, "
          "  CASE WHEN status = 'running' THEN extract(epoch FROM now() - started_at)::bigint END "
          "FROM sync_runs ORDER BY source_name, started_at DESC, run_id DESC");
  for (const soci::row& r : rows) {
    sync_run run;
    run.run_id = r.get<long long>(0);
    run.source_name = r.get<std::string>(1);
    run.provider = r.get<std::string>(2);
    run.scope = r.get<std::string>(3);
    run.mode = r.get<std::string>(4);
    run.status = r.get<std::string>(5);
    run.started_at = r.get<std::string>(6);
    run.finished_at = optional_text(r, 7);
    run.fetched = r.get<long long>(8);
    run.inserted = r.get<long long>(9);
    run.updated = r.get<long long>(10);
    run.unchanged = r.get<long long>(11);
    run.rejected = r.get<long long>(12);
    run.deleted = r.get<long long>(13);
    run.error = optional_text(r, 14);
    if (r.get_indicator(15) != soci::i_null) run.running_seconds = r.get<long long>(15);
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace personsync::store
