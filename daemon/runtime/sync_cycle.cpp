#include "daemon/runtime/sync_cycle.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "daemon/resolution/resolve_identities.hpp"
#include "daemon/store/database.hpp"

namespace personsync::runtime {

cycle_result sync_and_resolve(const settings::daemon_config& cfg, const sync::sync_options& options, bool resolve) {
  cycle_result out;
  out.sources = sync::run_sync(cfg, options);
  if (!resolve || (options.cancellation && options.cancellation->cancelled())) return out;
  const auto started = std::chrono::steady_clock::now();
  try {
    const auto session = store::connect(cfg.database);
    out.identity = resolution::resolve_identities(*session, cfg.identity);
  } catch (const std::exception& e) {
    out.identity_error = store::describe(e);
    spdlog::error("identity resolution failed: {}", *out.identity_error);
  }
  out.identity_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace personsync::runtime
