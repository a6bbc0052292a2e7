#pragma once
// What the database says about this replica, read every few seconds on a thread
// of its own so that a hanging connection never stalls the event loop: whether
// PostgreSQL answers with the schema this binary needs (readiness), and which
// sources' leases this replica holds (see store/source_lock.hpp).
//
// The leases live on one long-lived session, the watch's own: while it lasts,
// the replica keeps what it took; when it breaks, every lease is free for the
// other replicas at once, and this one takes again only what is still free
// after it reconnects.

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon/store/database_config.hpp"

namespace soci {
class session;
}

namespace personsync::runtime {

class database_watch {
 public:
  // `cfg` is this replica's: its application_name names `replica`, which is how the others
  // see who holds a lease. The database is looked at every `look_every`: that bounds how long
  // /readyz lags a database that went away, and how long a source goes unscheduled after
  // the replica holding it died.
  database_watch(store::database_config cfg, std::string replica, std::vector<std::string> sources,
                 std::chrono::milliseconds look_every);
  ~database_watch();
  database_watch(const database_watch&) = delete;
  database_watch& operator=(const database_watch&) = delete;

  // The configured sources (a reload): leases of sources no longer configured are released.
  void set_sources(std::vector<std::string> sources);

  [[nodiscard]] bool ready() const;
  [[nodiscard]] std::string problem() const;
  [[nodiscard]] const std::string& replica() const noexcept { return replica_; }
  // The sources whose lease this replica holds: the ones it may schedule.
  [[nodiscard]] std::set<std::string> held() const;
  // Who holds each configured source's lease, this replica or another, as last read.
  [[nodiscard]] std::map<std::string, std::string> holders() const;

 private:
  void loop();
  // One look: connects when needed, checks the schema, takes and releases leases. Throws
  // what the database throws; the caller drops the session and with it every lease.
  std::string look(soci::session& session, std::set<std::string>& held, std::map<std::string, std::string>& holders);

  const store::database_config cfg_;
  const std::string replica_;
  const std::chrono::milliseconds look_every_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::string> sources_;
  bool ready_ = false;
  std::string problem_ = "the database has not been checked yet";
  std::set<std::string> held_;
  std::map<std::string, std::string> holders_;
  bool sources_changed_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the rest is built
};

}  // namespace personsync::runtime
