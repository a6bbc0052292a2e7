// personsync config-keys: every key of every config section, read from the key
// tables, with its type, default, bounds, reload policy and help. The tables are
// the one declaration of each key; this is where an operator reads them.

#include <cmath>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/config/duration.hpp"
#include "common/config/key_table.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/settings/daemon_config.hpp"

namespace personsync::cli {
namespace {

std::string_view kind_name(config::value_kind kind) {
  switch (kind) {
    case config::value_kind::string: return "string";
    case config::value_kind::integer: return "integer";
    case config::value_kind::number: return "number";
    case config::value_kind::boolean: return "boolean";
    case config::value_kind::duration: return "duration";
    case config::value_kind::string_list: return "list of strings";
    case config::value_kind::table: return "table";
    case config::value_kind::table_list: return "list of tables";
    case config::value_kind::credential: return "credential";
  }
  return "value";
}

// A bound as the key's values are written: durations in their units, numbers as they are.
std::string bound_text(const config::key_spec& k, double bound) {
  if (k.kind == config::value_kind::duration) {
    return config::format_duration(std::chrono::milliseconds(std::llround(bound * 1000)));
  }
  return bound == std::floor(bound) ? fmt::format("{}", static_cast<long long>(bound)) : fmt::format("{}", bound);
}

std::string describe(const config::key_spec& k, const std::string& default_text) {
  std::vector<std::string> parts{std::string(kind_name(k.kind))};
  if (k.required) parts.emplace_back("required");
  if (!default_text.empty()) {
    parts.push_back("default " + config::toml_literal(k.kind, default_text));
  }
  const bool low = std::isfinite(k.min), high = std::isfinite(k.max);
  if (low && high) parts.push_back(bound_text(k, k.min) + " to " + bound_text(k, k.max));
  if (low && !high) parts.push_back("at least " + bound_text(k, k.min));
  if (!low && high) parts.push_back("at most " + bound_text(k, k.max));
  if (!k.one_of.empty()) parts.push_back(fmt::format("one of {}", fmt::join(k.one_of, ", ")));
  if (k.on_reload == config::reload::needs_restart) parts.emplace_back("needs a restart");
  return fmt::format("{}", fmt::join(parts, ", "));
}

int run(const arguments&, command_io io) {
  for (const settings::documented_section& s : settings::documented_sections()) {
    io.out << (s.repeated ? "[[" + s.path + "]]" : "[" + s.path + "]") << "  " << s.help << '\n';
    for (std::size_t i = 0; i < s.keys.size(); ++i) {
      const config::key_spec& k = s.keys[i];
      if (k.kind == config::value_kind::table || k.kind == config::value_kind::table_list) continue;
      const std::string name = k.kind == config::value_kind::credential
                                   ? fmt::format("{0}_file | {0}_env", k.name)
                                   : std::string(k.name);
      io.out << fmt::format("  {}: {}\n      {}\n", name, describe(k, s.defaults[i]), k.help);
    }
    io.out << '\n';
  }
  return exit_ok;
}

}  // namespace

const command config_keys_command{
    .name = "config-keys",
    .summary = "list every config key with its default, bounds and help",
    .usage = "",
    .description = "Prints each section of the config file and its keys as personsync reads them: type, "
                   "default, bounds, whether a reload (SIGHUP) applies it or it needs a restart, and what it "
                   "does. Needs no config file.\nExit codes: 0.",
    .options = {},
    .run = run,
};

}  // namespace personsync::cli
