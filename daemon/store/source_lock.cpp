#include "daemon/store/source_lock.hpp"

#include "daemon/store/backend_termination.hpp"
#include "daemon/store/sql_arrays.hpp"

namespace personsync::store {
namespace {

constexpr std::string_view replica_prefix = "personsync-replica-";

std::string run_lock_key(const std::string& schema, const std::string& source_name) {
  return "personsync.sync." + schema + "." + source_name;
}

std::string lease_key(const std::string& schema, const std::string& source_name) {
  return "personsync.lease." + schema + "." + source_name;
}

// The sessions holding the advisory lock whose key the SQL text `key` gives, in this database,
// with their application_name. A bigint advisory key shows in pg_locks as its high half in
// classid and its low half in objid.
std::string holders_of(std::string_view key) {
  return "SELECT a.pid, coalesce(a.application_name, '') AS application_name"
         " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
         " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
         " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
         " AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(" + std::string(key) + ", 0)";
}

bool try_lock(soci::session& session, const std::string& key) {
  int locked = 0;
  session << "SELECT CASE WHEN pg_try_advisory_lock(hashtextextended(:k, 0)) THEN 1 ELSE 0 END", soci::use(key),
      soci::into(locked);
  return locked == 1;
}

}  // namespace

session_handle connect_lease_session(const database_config& cfg, std::chrono::milliseconds silence_limit) {
  auto session = connect(cfg);
  const std::string limit = std::to_string(silence_limit.count());
  *session << "SELECT set_config('idle_session_timeout', :v, false)", soci::use(limit);
  return session;
}

bool try_lock_source(soci::session& session, const std::string& schema, const std::string& source_name) {
  return try_lock(session, run_lock_key(schema, source_name));
}

std::string replica_application_name(std::string_view replica) {
  return std::string(replica_prefix) + std::string(replica);
}

std::string replica_of_application_name(std::string_view application_name) {
  if (!application_name.starts_with(replica_prefix)) return {};
  return std::string(application_name.substr(replica_prefix.size()));
}

bool try_lease_source(soci::session& session, const std::string& schema, const std::string& source_name) {
  return try_lock(session, lease_key(schema, source_name));
}

void release_lease(soci::session& session, const std::string& schema, const std::string& source_name) {
  const std::string key = lease_key(schema, source_name);
  int released = 0;
  session << "SELECT CASE WHEN pg_advisory_unlock(hashtextextended(:k, 0)) THEN 1 ELSE 0 END", soci::use(key),
      soci::into(released);
}

std::map<std::string, std::string> lease_holders(soci::session& session, const std::string& schema,
                                                 const std::vector<std::string>& sources) {
  std::map<std::string, std::string> out;
  if (sources.empty()) return out;
  // One statement for every source (the watch asks every few seconds): each source's lease key
  // is built in SQL exactly as lease_key() builds it.
  const std::string names = json_strings(sources), prefix = lease_key(schema, "");
  soci::rowset<soci::row> rows =
      (session.prepare << "SELECT s.source, h.application_name FROM jsonb_array_elements_text(CAST(:n AS jsonb)) "
                          "AS s(source) CROSS JOIN LATERAL (" + holders_of("CAST(:p AS text) || s.source") +
                          " LIMIT 1) h",
       soci::use(names), soci::use(prefix));
  for (const soci::row& r : rows) {
    const std::string application_name = r.get<std::string>(1);
    const std::string replica = replica_of_application_name(application_name);
    out[r.get<std::string>(0)] = replica.empty() ? "(not a personsync replica: " + application_name + ")" : replica;
  }
  return out;
}

std::vector<stale_run> end_runs_of_other_replicas(soci::session& session, const std::string& schema,
                                                  const std::vector<std::string>& sources, std::string_view replica) {
  std::vector<stale_run> out;
  if (sources.empty()) return out;
  // One statement for every held source, like lease_holders.
  const std::string names = json_strings(sources), prefix = run_lock_key(schema, "");
  const std::string ours = replica_application_name(replica);
  const std::string others = std::string(replica_prefix) + "%";
  const std::string chosen =
      "SELECT h.pid, s.source, h.application_name FROM jsonb_array_elements_text(CAST(:n AS jsonb)) AS s(source)"
      " CROSS JOIN LATERAL (" + holders_of("CAST(:p AS text) || s.source") +
      " AND a.application_name LIKE :others AND a.application_name <> :ours AND a.pid <> pg_backend_pid()) h";
  soci::rowset<soci::row> rows = (session.prepare << terminate_chosen_backends(chosen), soci::use(names),
                                  soci::use(prefix), soci::use(others), soci::use(ours));
  for (const soci::row& r : rows) {
    out.push_back({.source = r.get<std::string>(1),
                   .pid = r.get<int>(0),
                   .replica = replica_of_application_name(r.get<std::string>(2)),
                   .ended = r.get<int>(3) == 1});
  }
  return out;
}

}  // namespace personsync::store
