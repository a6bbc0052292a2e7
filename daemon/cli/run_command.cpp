// personsync run: the daemon (systemd Type=notify).

#include <array>

#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_loading.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/runtime/service.hpp"

namespace personsync::cli {
namespace {

constexpr std::array options{config_option};

int run(const arguments& args, command_io io) {
  auto cfg = load_config_for(args, io);
  if (!cfg) return exit_config;
  return runtime::run_service(std::move(*cfg));
}

}  // namespace

const command run_command{
    .name = "run",
    .summary = "run as a daemon: sync every source on its schedule, resolve, serve metrics",
    .usage = "[--config FILE]",
    .description = "Syncs each source at startup and then on the [schedule] (incremental every `interval`, a full "
                   "sweep every `full_interval`, with jitter and a capped backoff after failures), resolving "
                   "identities after each run, and serves /metrics, /healthz and /readyz ([http]). Tells systemd "
                   "READY=1 once the database answers with a current schema, STATUS= after each run, WATCHDOG=1 "
                   "from its event loop. SIGHUP reloads the config (an invalid file is rejected and the old one "
                   "kept), SIGUSR1 runs every source now, SIGTERM or SIGINT cancels the runs under way and exits.\n"
                   "Exit codes: 0 stopped by a signal, 1 cannot serve metrics, 78 invalid config.",
    .options = options,
    .run = run,
};

}  // namespace personsync::cli
