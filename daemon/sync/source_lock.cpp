#include "daemon/sync/source_lock.hpp"

namespace personsync::sync {

bool try_lock_source(soci::session& session, const std::string& schema, const std::string& source_name) {
  const std::string key = "personsync.sync." + schema + "." + source_name;
  int locked = 0;
  session << "SELECT CASE WHEN pg_try_advisory_lock(hashtextextended(:k, 0)) THEN 1 ELSE 0 END", soci::use(key),
      soci::into(locked);
  return locked == 1;
}

}  // namespace personsync::sync
