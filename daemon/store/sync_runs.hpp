#pragma once
// The sync_runs audit table: what each source's runs did.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

namespace personsync::store {

struct sync_run {
  std::int64_t run_id = 0;
  std::string source_name;
  std::string provider;
  std::string scope;
  std::string mode;
  std::string status;
  std::string started_at;                  // ISO 8601, UTC
  std::optional<std::string> finished_at;
  std::int64_t fetched = 0, inserted = 0, updated = 0, unchanged = 0, rejected = 0, deleted = 0;
  std::optional<std::string> error;
  std::optional<std::int64_t> running_seconds;  // how long a run still `running` has been going on
};

// The newest run of each source that has run at all.
std::vector<sync_run> latest_runs(soci::session& session);

}  // namespace personsync::store
