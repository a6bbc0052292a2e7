#pragma once
// Two PostgreSQL advisory locks per source, each held for the life of the
// session that took it, so that a process that dies or loses its connection
// frees them without help:
//
//  - the run lock: at most one process syncs a source at a time (a `run`
//    replica, a `sync` by hand, a `refresh`);
//  - the lease: which replica of `personsync run` schedules the source. Replicas
//    on one database share the sources out this way (high availability without a
//    cluster of our own); a replica that does not hold a lease stands by, and
//    takes it when the session holding it ends.
//
// A replica names itself in its lease session's application_name, which is how
// every replica and `personsync status` learn who holds what.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

#include "daemon/store/database.hpp"

namespace personsync::store {

// A session for holding leases: PostgreSQL ends it after `silence_limit` idle, and the leases go
// with it, so that a replica that stops looking (frozen, its loop wedged) while its connection
// stays up cannot keep them for ever.
session_handle connect_lease_session(const database_config& cfg, std::chrono::milliseconds silence_limit);

// False when another session holds it.
bool try_lock_source(soci::session& session, const std::string& schema, const std::string& source_name);

// The application_name a replica's lease session carries, and the replica a holder's
// application_name names (empty when it is no replica's).
std::string replica_application_name(std::string_view replica);
std::string replica_of_application_name(std::string_view application_name);

// False when another session holds the lease. Session-level advisory locks stack: the
// caller takes a lease once per session (and remembers it), or needs as many releases.
bool try_lease_source(soci::session& session, const std::string& schema, const std::string& source_name);
void release_lease(soci::session& session, const std::string& schema, const std::string& source_name);

// Which replica holds each of `sources`' leases now, by source; a source whose lease no
// session holds is absent.
std::map<std::string, std::string> lease_holders(soci::session& session, const std::string& schema,
                                                 const std::vector<std::string>& sources);

// A run of one of `sources` that another replica still holds the run lock for although this one
// holds the lease: the other lost its lease session (its process frozen with the connection up,
// or only that session cut) while its run went on. Its session is ended so that the source can
// be taken over; the lease is the proof of whose source it is, and ending the session is what
// keeps the other from writing once it wakes (its open batch rolls back, its checkpoint stays
// the last committed one). A `sync` by hand is no replica's and is never ended.
struct stale_run {
  std::string source;
  int pid = 0;
  std::string replica;
  bool ended = false;  // false: PostgreSQL refused (the role may not signal that backend)
};
std::vector<stale_run> end_runs_of_other_replicas(soci::session& session, const std::string& schema,
                                                  const std::vector<std::string>& sources, std::string_view replica);

}  // namespace personsync::store
