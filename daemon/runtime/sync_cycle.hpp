#pragma once
// One sync of some sources followed by identity resolution of what they
// landed: what `personsync sync` does once and `personsync run` on schedule.
// What landed is committed whatever happens after; a failed resolution changes
// nothing, keeps its queue for the next one, and is reported beside the sources.

#include <optional>
#include <string>
#include <vector>

#include "daemon/settings/daemon_config.hpp"
#include "daemon/store/identity_store.hpp"
#include "daemon/sync/sync_runner.hpp"

namespace personsync::runtime {

struct cycle_result {
  std::vector<sync::source_summary> sources;
  std::optional<store::resolution_summary> identity;
  std::optional<std::string> identity_error;
  double identity_seconds = 0;
};

cycle_result sync_and_resolve(const settings::daemon_config& cfg, const sync::sync_options& options, bool resolve);

}  // namespace personsync::runtime
