#include "daemon/settings/reload_policy.hpp"

namespace personsync::settings {
namespace {

template <class Config>
void keep(std::string_view section, const Config& running, Config& next, std::vector<std::string>& kept) {
  for (const std::string_view key : Config::table().keep_what_needs_restart(running, next)) {
    kept.push_back(std::string(section) + "." + std::string(key));
  }
}

}  // namespace

std::vector<std::string> keep_what_needs_restart(const daemon_config& running, daemon_config& next) {
  std::vector<std::string> kept;
  keep("database", running.database, next.database, kept);
  keep("log", running.log, next.log, kept);
  keep("http", running.http, next.http, kept);
  keep("schedule", running.schedule, next.schedule, kept);
  keep("identity", running.identity, next.identity, kept);
  return kept;
}

}  // namespace personsync::settings
