#include "daemon/sync/source_lock.hpp"

namespace personsync::sync {
namespace {

constexpr std::string_view replica_prefix = "personsync-replica-";

std::string run_lock_key(const std::string& schema, const std::string& source_name) {
  return "personsync.sync." + schema + "." + source_name;
}

std::string lease_key(const std::string& schema, const std::string& source_name) {
  return "personsync.lease." + schema + "." + source_name;
}

bool try_lock(soci::session& session, const std::string& key) {
  int locked = 0;
  session << "SELECT CASE WHEN pg_try_advisory_lock(hashtextextended(:k, 0)) THEN 1 ELSE 0 END", soci::use(key),
      soci::into(locked);
  return locked == 1;
}

}  // namespace

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
  for (const std::string& source : sources) {
    const std::string key = lease_key(schema, source);
    // A bigint advisory key shows in pg_locks as its high half in classid and its low half in objid.
    std::string application_name;
    soci::indicator ind = soci::i_null;
    session << "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
               " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
               " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
               " AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(:k, 0) LIMIT 1",
        soci::use(key), soci::into(application_name, ind);
    if (!session.got_data()) continue;
    if (ind != soci::i_ok) application_name.clear();
    const std::string replica = replica_of_application_name(application_name);
    out[source] = replica.empty() ? "(not a personsync replica: " + application_name + ")" : replica;
  }
  return out;
}

}  // namespace personsync::sync
