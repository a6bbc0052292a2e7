#include "daemon/settings/reload_policy.hpp"

namespace personsync::settings {

std::vector<std::string> keep_what_needs_restart(const daemon_config& running, daemon_config& next) {
  std::vector<std::string> kept;
  for (const settings_section& s : settings_sections()) {
    for (const std::string& key : s.keep_what_needs_restart(running, next)) kept.push_back(std::string(s.name) + "." + key);
  }
  return kept;
}

}  // namespace personsync::settings
