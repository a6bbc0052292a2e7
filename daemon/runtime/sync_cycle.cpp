#include "daemon/runtime/sync_cycle.hpp"

#include <chrono>
#include <optional>

#include <spdlog/spdlog.h>

#include "daemon/resolution/resolve_identities.hpp"
#include "daemon/store/database.hpp"

namespace personsync::runtime {

cycle_result sync_and_resolve(const settings::daemon_config& cfg, const sync::sync_options& options, bool resolve) {
  cycle_result out;
  out.sources = sync::run_sync({cfg.database, cfg.whop_sources, cfg.posthog_sources}, options);
  if (!resolve || (options.cancellation && options.cancellation->cancelled())) return out;
  const auto started = std::chrono::steady_clock::now();
  try {
    const auto session = store::connect(cfg.database);
    // A stop during the resolution ends it at its next step, or cancels its statement under way.
    resolution::resolve_options resolve;
    std::optional<store::statement_canceller> canceller;
    if (options.cancellation) {
      canceller.emplace(*session);
      options.cancellation->attach([&canceller] { canceller->cancel(); });
      resolve.stop_requested = [cancellation = options.cancellation] { return cancellation->cancelled(); };
    }
    struct detach_on_exit {
      sync::sync_cancellation* cancellation;
      ~detach_on_exit() {
        if (cancellation) cancellation->detach();
      }
    } detach{options.cancellation};
    out.identity = resolution::resolve_identities(*session, cfg.identity, resolve);
  } catch (const std::exception& e) {
    out.identity_error = store::describe(e);
    if (options.cancellation && options.cancellation->cancelled()) {
      spdlog::warn("identity resolution stopped: the process is stopping; nothing changed, its queue is kept for the next one");
    } else {
      spdlog::error("identity resolution failed: {}", *out.identity_error);
    }
  }
  out.identity_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace personsync::runtime
