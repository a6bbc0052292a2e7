#pragma once
// One identity resolution, in one transaction: take the dirty records queued by
// landing and by operators, grow them into the area of every component they
// touch (through shared identifier values, their old persons, upstream merges
// and constraints), resolve that area (daemon/identity, pure) and write the
// outcome (daemon/store). A resolution that fails changes nothing and leaves
// the queue as it was.

#include <functional>
#include <stdexcept>

#include <soci/soci.h>

#include "daemon/identity/identity_config.hpp"
#include "daemon/identity/resolver.hpp"
#include "daemon/identity/value_policy.hpp"
#include "daemon/store/identity_store.hpp"

namespace personsync::resolution {

struct resolve_options {
  bool force_full = false;
  // Asked between steps: true makes the resolution throw resolution_stopped, changing nothing.
  std::function<bool()> stop_requested = {};
};

// A resolution given up because the process is stopping: nothing written, the queue kept.
class resolution_stopped : public std::runtime_error {
 public:
  resolution_stopped() : std::runtime_error("identity resolution stopped: the process is stopping; nothing changed") {}
};

store::resolution_summary resolve_identities(soci::session& session, const identity::identity_config& config,
                                             resolve_options options = {});

// The area of a resolution and the resolver's input for it, without writing:
// what `explain` resolves again to show its reasoning.
struct resolved_area {
  identity::resolution_input input;
  std::vector<std::int64_t> record_ids;
  identity::resolution result;
};
resolved_area resolve_around(soci::session& session, const identity::identity_config& config,
                             const identity::value_policy& policy, const std::vector<std::int64_t>& seed_records);

// The configured policy plus the operators' blocks.
identity::value_policy current_policy(soci::session& session, const identity::identity_config& config);

}  // namespace personsync::resolution
