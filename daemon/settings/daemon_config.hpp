#pragma once
// The whole config file. This part knows which sections exist and which
// component owns each; the keys of a section are the component's own business.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/diagnostics.hpp"
#include "common/config/section.hpp"
#include "connectors/posthog/posthog_config.hpp"
#include "connectors/whop/whop_config.hpp"
#include "daemon/http/http_config.hpp"
#include "daemon/identity/identity_config.hpp"
#include "daemon/logging/log_config.hpp"
#include "daemon/runtime/schedule_config.hpp"
#include "daemon/store/database_config.hpp"

namespace personsync::settings {

struct daemon_config {
  std::filesystem::path file;
  store::database_config database;
  logging::log_config log;
  http::http_config http;
  identity::identity_config identity;
  runtime::schedule_config schedule;
  std::vector<whop::whop_source_config> whop_sources;
  std::vector<posthog::posthog_source_config> posthog_sources;

  [[nodiscard]] std::size_t source_count() const { return whop_sources.size() + posthog_sources.size(); }
  // What every source has whatever its provider, Whop's first, in file order.
  [[nodiscard]] std::vector<const connectors::source_config*> sources() const {
    std::vector<const connectors::source_config*> out;
    for (const auto& s : whop_sources) out.push_back(&s.source);
    for (const auto& s : posthog_sources) out.push_back(&s.source);
    return out;
  }
};

struct loaded_config {
  std::optional<daemon_config> config;  // set when there are no errors
  config::diagnostics diagnostics;      // every error and warning, in file order per section
};

loaded_config load_config(const std::filesystem::path& file,
                          config::load_context::env_lookup env = config::load_context::process_environment());

// A section of which the file has at most one ([database], [identity], ...), bound to the
// member of daemon_config its component fills: the one list load_config reads, config-keys
// documents and a reload walks. Sources ([[whop]], [[posthog]]) are blocks of their own.
struct settings_section {
  std::string_view name;
  std::string_view help;
  std::span<const config::key_spec> (*keys)();
  void (*read)(const config::section& s, daemon_config& out);
  // Sets back in `next` each key that needs a restart and differs from `running`, and returns
  // their names within the section.
  std::vector<std::string> (*keep_what_needs_restart)(const daemon_config& running, daemon_config& next);
};
// In the order the example config has them.
std::span<const settings_section> settings_sections();

// The top-level table: one entry per section.
std::span<const config::key_spec> top_level_keys();

// A section of the file as `personsync config-keys` documents it: its path ("database",
// "identity.kinds.email", "whop.filters"), what it is for, its keys, and each key's default
// as TOML text (empty: none; an identifier kind's are its own).
struct documented_section {
  std::string path;
  std::string_view help;
  bool repeated = false;  // [[path]]: one block per source or filter
  std::span<const config::key_spec> keys;
  std::vector<std::string> defaults;
};
// Every section, in the order the example config has them.
std::vector<documented_section> documented_sections();

// Where the config is when --config is not given.
std::filesystem::path default_config_path();

}  // namespace personsync::settings
