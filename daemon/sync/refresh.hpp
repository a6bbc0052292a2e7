#pragma once
// Refreshing one PostHog person by its integer id or uuid, outside the schedule: retrieved, landed
// like any record (only if it changed), recorded as a 'refresh' run.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "connectors/posthog/posthog_config.hpp"
#include "daemon/store/database_config.hpp"
#include "daemon/store/landing_store.hpp"

namespace personsync::sync {

// Another process holds the source's lock.
class source_busy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct refresh_result {
  std::optional<std::string> uuid;  // nullopt: PostHog has no person with that id or uuid
  store::batch_counts counts;
  std::int64_t run_id = 0;
};

refresh_result refresh_person(const store::database_config& database, const posthog::posthog_source_config& source,
                              const std::string& id_or_uuid);

}  // namespace personsync::sync
