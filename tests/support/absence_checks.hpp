#pragma once
// Setting up and watching a full sweep's absence checks, for the stop tests: the
// persons that vanish upstream, and whether the checks have begun asking for them.

#include <set>
#include <string>

#include "tests/support/sim_fixture.hpp"

namespace personsync::testing {

// Deletes `n` live PostHog persons (every third from the first) from the simulator; their uuids.
inline std::set<std::string> delete_posthog_persons(sim_fixture& sim, std::size_t n) {
  std::set<std::string> gone;
  sim.with_sim([&](fakes::simulator& s) {
    const auto live = s.posthog().live();
    for (std::size_t i = 0; i < n && i * 3 < live.size(); ++i) gone.insert(live[i * 3]->uuid);
    for (const std::string& uuid : gone) s.posthog().control({{"op", "delete"}, {"uuid", uuid}});
  });
  return gone;
}

// Whether the simulator has been asked for one of `uuids` by itself (an absence check's
// retrieve) in a request logged at index `from` or later.
inline bool retrieved_any(sim_fixture& sim, const std::set<std::string>& uuids, std::size_t from = 0) {
  return sim.with_sim([&](fakes::simulator& s) {
    const auto& log = s.requests();
    for (std::size_t i = from; i < log.size(); ++i) {
      for (const std::string& uuid : uuids) {
        if (log[i].target.find("/persons/" + uuid) != std::string::npos) return true;
      }
    }
    return false;
  });
}

inline std::size_t requests_so_far(sim_fixture& sim) {
  return sim.with_sim([](fakes::simulator& s) { return s.requests().size(); });
}

}  // namespace personsync::testing
