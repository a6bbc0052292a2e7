#pragma once
// `personsync run`: the daemon. One event loop owns the schedule, signals
// (SIGTERM/SIGINT stop, SIGHUP reloads, SIGUSR1 runs every source now), the
// systemd notifications and the metrics endpoint; each source's sync runs on a
// worker thread of its own and reports back to the loop.

#include <filesystem>

#include "daemon/settings/daemon_config.hpp"

namespace personsync::runtime {

// Runs until SIGTERM or SIGINT; returns the process exit code.
int run_service(settings::daemon_config config);

}  // namespace personsync::runtime
