#include "daemon/settings/reload_policy.hpp"

#include "daemon/settings/identity_section.hpp"

namespace personsync::settings {
namespace {

template <class Config>
void keep(std::string_view section, const config::key_table<Config>& table, const Config& running, Config& next,
          std::vector<std::string>& kept) {
  for (const std::string_view key : table.keep_what_needs_restart(running, next)) {
    kept.push_back(std::string(section) + "." + std::string(key));
  }
}

}  // namespace

std::vector<std::string> keep_what_needs_restart(const daemon_config& running, daemon_config& next) {
  std::vector<std::string> kept;
  keep("database", store::database_config::table(), running.database, next.database, kept);
  keep("log", logging::log_config::table(), running.log, next.log, kept);
  keep("http", http::http_config::table(), running.http, next.http, kept);
  keep("schedule", runtime::schedule_config::table(), running.schedule, next.schedule, kept);
  keep("identity", identity_keys(), running.identity, next.identity, kept);
  for (const auto& [kind, rule] : running.identity.kinds) {
    const auto it = next.identity.kinds.find(kind);
    if (it == next.identity.kinds.end()) continue;
    keep("identity.kinds." + std::string(identity::name_of(kind)), identity_kind_keys(), rule, it->second, kept);
  }
  return kept;
}

}  // namespace personsync::settings
