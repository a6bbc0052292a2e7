#pragma once
// At most one process works on a source at a time: a PostgreSQL advisory lock
// held for the life of the session that took it.

#include <string>

#include <soci/soci.h>

namespace personsync::sync {

// False when another session holds it.
bool try_lock_source(soci::session& session, const std::string& schema, const std::string& source_name);

}  // namespace personsync::sync
