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

template <class Member>
struct member_type;
template <class Value>
struct member_type<Value daemon_config::*> {
  using type = Value;
};

// A row of the registry: `Component` reads the section into `member` (from_config, config_keys)
// and says what a reload keeps, by its table or by a keep_what_needs_restart of its own.
template <auto member, class Component = typename member_type<decltype(member)>::type>
constexpr settings_section section_of(std::string_view name, std::string_view help) {
  return {name, help, &Component::config_keys,
          [](const config::section& s, daemon_config& out) { out.*member = Component::from_config(s); },
          [](const daemon_config& running, daemon_config& next) {
            if constexpr (requires { Component::keep_what_needs_restart(running.*member, next.*member); }) {
              return Component::keep_what_needs_restart(running.*member, next.*member);
            } else {
              std::vector<std::string> kept;
              for (const std::string_view key : Component::table().keep_what_needs_restart(running.*member, next.*member)) {
                kept.emplace_back(key);
              }
              return kept;
            }
          }};
}

constexpr std::array registry{
    section_of<&daemon_config::database>("database", "PostgreSQL connection and schema."),
    section_of<&daemon_config::log>("log", "Logging."),
    section_of<&daemon_config::http>("http", "Metrics and health endpoint."),
    section_of<&daemon_config::schedule>("schedule", "When `personsync run` syncs the sources."),
    section_of<&daemon_config::identity, identity_section>("identity", "Identity resolution rules."),
};

constexpr std::string_view whop_help = "Whop sources, one [[whop]] block each.";
constexpr std::string_view posthog_help = "PostHog sources, one [[posthog]] block each.";

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

std::span<const settings_section> settings_sections() { return registry; }

std::span<const key_spec> top_level_keys() {
  static const std::vector<key_spec> keys = [] {
    std::vector<key_spec> out;
    for (const settings_section& s : registry) out.push_back({.name = s.name, .kind = value_kind::table, .help = s.help});
    out.push_back({.name = "whop", .kind = value_kind::table_list, .help = whop_help});
    out.push_back({.name = "posthog", .kind = value_kind::table_list, .help = posthog_help});
    return out;
  }();
  return keys;
}

std::vector<documented_section> documented_sections() {
  std::vector<documented_section> out;
  const auto add = [&](std::string path, std::string_view help, bool repeated, std::span<const key_spec> keys) {
    documented_section& s = out.emplace_back(
        documented_section{.path = std::move(path), .help = help, .repeated = repeated, .keys = keys, .defaults = {}});
    for (const key_spec& k : keys) s.defaults.emplace_back(k.default_value);
    return &s;
  };
  for (const settings_section& s : registry) add(std::string(s.name), s.help, false, s.keys());
  const identity::identity_config defaults = identity::identity_config::defaults();
  for (const auto& [kind, rule] : defaults.kinds) {
    documented_section* s = add("identity.kinds." + std::string(identity::name_of(kind)),
                                "Rules of one identifier kind.", false, identity_kind_keys().specs());
    for (std::size_t i = 0; i < s->keys.size(); ++i) {
      s->defaults[i] = config::key_table<identity::kind_rule>::text_of(identity_kind_keys().rows()[i], rule);
    }
  }
  add("whop", whop_help, true, whop::whop_source_config::config_keys());
  add("whop.filters", "Filters of a Whop source's requests, one [[whop.filters]] block each.", true,
      whop::whop_source_config::filter_keys());
  add("posthog", posthog_help, true, posthog::posthog_source_config::config_keys());
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
  const config::section root(&root_table, "", top_level_keys(), ctx);

  daemon_config cfg;
  cfg.file = file;
  for (const settings_section& s : registry) {
    const std::string name(s.name);
    s.read(config::section(root.table(name), name, s.keys(), ctx), cfg);
  }
  std::map<std::string, std::string> names_seen;
  read_sources(root, "whop", cfg.whop_sources, names_seen);
  read_sources(root, "posthog", cfg.posthog_sources, names_seen);

  if (!out.diagnostics.has_errors()) out.config = std::move(cfg);
  return out;
}

}  // namespace personsync::settings
