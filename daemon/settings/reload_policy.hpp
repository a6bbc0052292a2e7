#pragma once
// What a reload (SIGHUP) takes from the new file, read from the sections' key
// tables: every key whose row allows it changes; a key whose row says it needs
// a restart keeps its running value until the process restarts.

#include <string>
#include <vector>

#include "daemon/settings/daemon_config.hpp"

namespace personsync::settings {

// Sets every key of `next` that needs a restart back to `running`'s value and returns those
// that differed, as "section.key", for the caller to say they wait for a restart.
std::vector<std::string> keep_what_needs_restart(const daemon_config& running, daemon_config& next);

}  // namespace personsync::settings
