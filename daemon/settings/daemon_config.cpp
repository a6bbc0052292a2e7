#include "daemon/settings/daemon_config.hpp"

#include <array>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "daemon/settings/identity_section.hpp"

namespace personsync::settings {
namespace {

using config::key_spec;
using config::value_kind;

constexpr std::array sections{
    key_spec{.name = "database", .kind = value_kind::table, .help = "PostgreSQL connection and schema."},
    key_spec{.name = "log", .kind = value_kind::table, .help = "Logging."},
    key_spec{.name = "http", .kind = value_kind::table, .help = "Metrics and health endpoint."},
    key_spec{.name = "identity", .kind = value_kind::table, .help = "Identity resolution rules."},
    key_spec{.name = "schedule", .kind = value_kind::table, .help = "When `personsync run` syncs the sources."},
    key_spec{.name = "whop", .kind = value_kind::table_list, .help = "Whop sources, one [[whop]] block each."},
    key_spec{.name = "posthog", .kind = value_kind::table_list, .help = "PostHog sources, one [[posthog]] block each."},
};

// Names identify a source in sync_runs, metrics and `sync --source`: one name, one source.
template <typename Source>
void read_sources(const config::section& root, std::string_view key, std::vector<Source>& out,
                  std::map<std::string, std::string>& names_seen) {
  const std::vector<const toml::table*> blocks = root.tables(key);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const std::string path = fmt::format("{}[{}]", key, i);
    const config::section s(blocks[i], path, Source::config_keys(), root.context());
    out.push_back(Source::from_config(s));
    const std::string& name = out.back().source.name;
    if (name.empty()) continue;
    if (const auto [it, inserted] = names_seen.emplace(name, path); !inserted) {
      s.error("name", fmt::format("source name '{}' is already used by {}", name, it->second));
    }
  }
}

}  // namespace

std::span<const key_spec> top_level_keys() { return sections; }

std::vector<documented_section> documented_sections() {
  std::vector<documented_section> out;
  const auto help_of = [](std::string_view name) {
    for (const key_spec& s : sections) {
      if (s.name == name) return s.help;
    }
    return std::string_view{};
  };
  const auto add = [&](std::string path, std::string_view help, bool repeated, std::span<const key_spec> keys) {
    documented_section& s = out.emplace_back(
        documented_section{.path = std::move(path), .help = help, .repeated = repeated, .keys = keys, .defaults = {}});
    for (const key_spec& k : keys) s.defaults.emplace_back(k.default_value);
    return &s;
  };
  add("database", help_of("database"), false, store::database_config::config_keys());
  add("log", help_of("log"), false, logging::log_config::config_keys());
  add("http", help_of("http"), false, http::http_config::config_keys());
  add("schedule", help_of("schedule"), false, runtime::schedule_config::config_keys());
  add("identity", help_of("identity"), false, identity_keys().specs());
  const identity::identity_config defaults = identity::identity_config::defaults();
  for (const auto& [kind, rule] : defaults.kinds) {
    documented_section* s = add("identity.kinds." + std::string(identity::name_of(kind)),
                                "Rules of one identifier kind.", false, identity_kind_keys().specs());
    for (std::size_t i = 0; i < s->keys.size(); ++i) {
      s->defaults[i] = config::key_table<identity::kind_rule>::text_of(identity_kind_keys().rows()[i], rule);
    }
  }
  add("whop", help_of("whop"), true, whop::whop_source_config::config_keys());
  add("whop.filters", "Filters of a Whop source's requests, one [[whop.filters]] block each.", true,
      whop::whop_source_config::filter_keys());
  add("posthog", help_of("posthog"), true, posthog::posthog_source_config::config_keys());
  return out;
}

std::filesystem::path default_config_path() {
  if (const char* env = std::getenv("PERSONSYNC_CONFIG"); env && *env) return env;
  return "/etc/personsync/personsync.toml";
}

loaded_config load_config(const std::filesystem::path& file, config::load_context::env_lookup env) {
  loaded_config out;
  const std::string shown = file.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    out.diagnostics.error({shown, 0, 0}, "", "cannot read the config file: no such file");
    return out;
  }

  toml::table root_table;
  try {
    root_table = toml::parse_file(shown);
  } catch (const toml::parse_error& e) {
    out.diagnostics.error({shown, e.source().begin.line, e.source().begin.column}, "",
                          fmt::format("not valid TOML: {}", e.description()));
    return out;
  }

  config::load_context ctx{shown, std::filesystem::absolute(file).parent_path(), std::move(env), &out.diagnostics};
  const config::section root(&root_table, "", sections, ctx);

  daemon_config cfg;
  cfg.file = file;
  cfg.database = store::database_config::from_config(
      config::section(root.table("database"), "database", store::database_config::config_keys(), ctx));
  cfg.log = logging::log_config::from_config(
      config::section(root.table("log"), "log", logging::log_config::config_keys(), ctx));
  cfg.http = http::http_config::from_config(
      config::section(root.table("http"), "http", http::http_config::config_keys(), ctx));
  cfg.schedule = runtime::schedule_config::from_config(
      config::section(root.table("schedule"), "schedule", runtime::schedule_config::config_keys(), ctx));
  cfg.identity =
      read_identity_config(config::section(root.table("identity"), "identity", identity_keys().specs(), ctx));
  std::map<std::string, std::string> names_seen;
  read_sources(root, "whop", cfg.whop_sources, names_seen);
  read_sources(root, "posthog", cfg.posthog_sources, names_seen);

  if (!out.diagnostics.has_errors()) out.config = std::move(cfg);
  return out;
}

}  // namespace personsync::settings
