// The key tables as the one declaration of each key: every default (a struct's
// initializer, or an identifier kind's own) is a valid value of its key; the
// example config shows each key in its section, line by line, with that default
// and "(restart)" exactly where a reload cannot change it; a reload keeps what
// needs a restart and takes the rest.

#include <array>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <span>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "common/config/duration.hpp"
#include "connectors/posthog/posthog_config.hpp"
#include "connectors/whop/whop_config.hpp"
#include "daemon/settings/daemon_config.hpp"
#include "daemon/settings/identity_section.hpp"
#include "daemon/settings/reload_policy.hpp"
#include "tests/support/example_config.hpp"
#include "tests/support/subprocess.hpp"

namespace personsync::settings {
namespace {

// Reads `key = <default>` for every bound key of `table` back through a section: no
// diagnostic, and the values read are the defaults. A default outside its bounds, or one
// that does not read as its kind, fails here.
template <class Config>
void expect_defaults_valid(const config::key_table<Config>& table, const Config& defaults, const std::string& name) {
  std::string text;
  for (const auto& row : table.rows()) {
    if (std::holds_alternative<std::monostate>(row.member) || row.spec.kind == config::value_kind::credential ||
        row.spec.kind == config::value_kind::string_list || row.spec.required) {
      continue;  // a required key has no default to check
    }
    const std::string value = config::key_table<Config>::text_of(row, defaults);
    if (value.empty()) continue;  // unset by default (replica_name)
    text += std::string(row.spec.name) + " = " + config::toml_literal(row.spec.kind, value) + "\n";
  }
  const toml::table parsed = toml::parse(text);
  config::diagnostics diag;
  config::load_context ctx{"defaults.toml", ".", [](std::string_view) { return std::nullopt; }, &diag};
  std::vector<config::key_spec> specs(table.specs().begin(), table.specs().end());
  for (config::key_spec& spec : specs) spec.required = false;
  const config::section s(&parsed, name, specs, ctx);
  for (const auto& d : diag.all()) ADD_FAILURE() << name << ": " << config::to_string(d) << "\n" << text;
  Config read = defaults;
  table.read(s, read);
  EXPECT_EQ(table.canonical_text(read), table.canonical_text(defaults)) << name;
}

TEST(KeyTables, ATomlLiteralReadsBackAsTheTextItWasMadeFrom) {
  for (const std::string& text : std::vector<std::string>{"", "info", "a \"quoted\" \\ path", "tab\there", std::string("nul\0byte", 8)}) {
    const toml::table parsed = toml::parse("k = " + config::toml_literal(config::value_kind::string, text));
    EXPECT_EQ(parsed["k"].value<std::string>(), text);
  }
  EXPECT_EQ(config::toml_literal(config::value_kind::duration, "15m"), "\"15m\"");
  EXPECT_EQ(config::toml_literal(config::value_kind::integer, "4"), "4");
  EXPECT_EQ(config::toml_literal(config::value_kind::boolean, "true"), "true");
}

TEST(KeyTables, EveryDefaultIsAValidValueOfItsKey) {
  expect_defaults_valid(store::database_config::table(), store::database_config{}, "database");
  expect_defaults_valid(logging::log_config::table(), logging::log_config{}, "log");
  expect_defaults_valid(http::http_config::table(), http::http_config{}, "http");
  expect_defaults_valid(runtime::schedule_config::table(), runtime::schedule_config{}, "schedule");
  expect_defaults_valid(settings::identity_keys(), identity::identity_config::defaults(), "identity");
  for (const auto& [kind, rule] : identity::identity_config::defaults().kinds) {
    expect_defaults_valid(settings::identity_kind_keys(), rule,
                          "identity.kinds." + std::string(identity::name_of(kind)));
  }
  expect_defaults_valid(connectors::shared_source_keys(), connectors::source_config{}, "whop");
  expect_defaults_valid(whop::whop_source_config::table(), whop::whop_source_config{}, "whop");
  expect_defaults_valid(posthog::posthog_source_config::table(), posthog::posthog_source_config{}, "posthog");
}

// A provider's defaults of the shared keys base_url and rate_limit are its struct's, and what
// a source block leaves out reads as them; what it sets reaches the nested, scaled and parsed
// members the rows bind.
TEST(KeyTables, SourceKeysReachTheMembersTheyBindWithEachProvidersDefaults) {
  const auto default_of = [](std::span<const config::key_spec> specs, std::string_view key) {
    for (const auto& spec : specs) {
      if (spec.name == key) return std::string(spec.default_value);
    }
    return std::string("(no such key)");
  };
  EXPECT_EQ(default_of(whop::whop_source_config::config_keys(), "rate_limit"), "300/min");
  EXPECT_EQ(default_of(posthog::posthog_source_config::config_keys(), "rate_limit"), "180/min, 1200/hour");
  EXPECT_EQ(default_of(whop::whop_source_config::config_keys(), "base_url"), "https://api.whop.com/api/v1");
  EXPECT_EQ(default_of(posthog::posthog_source_config::config_keys(), "base_url"), "https://us.posthog.com");
  EXPECT_EQ(default_of(posthog::posthog_source_config::config_keys(), "body_limit_mib"), "64");

  const toml::table parsed = toml::parse(
      "name = \"product\"\ntoken_env = \"T\"\nproject_id = 7\nconnect_timeout = \"3s\"\nbody_limit_mib = 2\n"
      "retry_base_delay = \"20ms\"\nrate_limit = \"5/s\"\nfilter_email = \"a@example.com\"\n"
      "interval = \"2m\"\ndrift_tolerance = 0.05\nconcurrency = 2\n");
  config::diagnostics diag;
  config::load_context ctx{"t.toml", ".", [](std::string_view) { return std::optional<std::string>("tok"); }, &diag};
  const config::section s(&parsed, "posthog[0]", posthog::posthog_source_config::config_keys(), ctx);
  const auto cfg = posthog::posthog_source_config::from_config(s);
  for (const auto& d : diag.all()) ADD_FAILURE() << config::to_string(d);
  EXPECT_EQ(cfg.source.base_url, "https://us.posthog.com");
  EXPECT_EQ(cfg.project_id, 7);
  EXPECT_EQ(cfg.source.http.connect_timeout, std::chrono::seconds(3));
  EXPECT_EQ(cfg.source.http.request_timeout, std::chrono::minutes(1)) << "unset: the default";
  EXPECT_EQ(cfg.source.http.body_limit, 2u << 20);
  EXPECT_EQ(cfg.source.backoff.base, std::chrono::milliseconds(20));
  EXPECT_EQ(cfg.source.rate_limit, (std::vector<paging::rate_window>{{5, std::chrono::seconds(1)}}));
  EXPECT_EQ(cfg.filter.email, "a@example.com");
  EXPECT_EQ(cfg.source.interval, std::chrono::minutes(2));
  EXPECT_FALSE(cfg.source.full_interval) << "unset: [schedule]'s";
  EXPECT_EQ(cfg.source.drift_tolerance, 0.05);
  EXPECT_EQ(cfg.source.concurrency, 2u);
  ASSERT_TRUE(cfg.source.token);
  EXPECT_EQ(cfg.source.token->reveal(), "tok");
  EXPECT_EQ(connectors::rate_limit_text(cfg.source.rate_limit), "5/s");
  EXPECT_EQ(connectors::rate_limit_text(posthog::posthog_source_config{}.source.rate_limit), "180/min, 1200/hour");
  EXPECT_EQ(connectors::rate_limit_text({}), "none");
}

// An integer key whose bounds its member's type cannot hold would wrap a valid value when stored.
struct small_config {
  std::uint16_t port = 0;
};

TEST(KeyTables, BoundsAMemberCannotHoldFailTheTableWhenItIsBuilt) {
  using row = config::bound_key<small_config>;
  static constexpr std::array fits{row{{.name = "port", .kind = config::value_kind::integer, .min = 0, .max = 65535},
                                       &small_config::port}};
  static constexpr std::array too_wide{row{{.name = "port", .kind = config::value_kind::integer, .min = 0,
                                            .max = 70000},
                                           &small_config::port}};
  EXPECT_NO_THROW(config::key_table<small_config>{fits});
  EXPECT_THROW(config::key_table<small_config>{too_wide}, std::logic_error);
}

// The example's lines (its source blocks switched on) by section ("database", "identity.kinds.email",
// "whop.filters"), in order.
struct example_line {
  std::string key;        // empty: not a key line
  std::string value;      // as written
  bool commented = false;  // "# key = value": documented, not set
  std::string comment;    // the comment lines just above it
};

std::map<std::string, std::vector<example_line>> example_sections() {
  std::map<std::string, std::vector<example_line>> out;
  std::istringstream in(testing::example_config_with_sources());
  std::string line, section, comment;
  while (std::getline(in, line)) {
    if (line.starts_with("[")) {
      section = line.substr(line.find_first_not_of('['), line.find(']') - line.find_first_not_of('['));
      comment.clear();
      continue;
    }
    // "# key = v" documents a key without setting it; in a source block, which the switched-on
    // text still shows commented out one level deeper, so does "# # key = v".
    const bool commented = line.starts_with("# ");
    std::string body = line;
    while (body.starts_with("# ")) body.erase(0, 2);
    const auto eq = body.find(" = ");
    const bool key_line = eq != std::string::npos && eq > 0 &&
                          body.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == eq;
    if (key_line) {
      out[section].push_back({body.substr(0, eq), body.substr(eq + 3), commented, comment});
      comment.clear();
    } else if (line.starts_with("#")) {
      comment += line + "\n";
    } else {
      comment.clear();
    }
  }
  return out;
}

// Every bound key of `table` has its line in the section, set to its default (a credential
// shown commented out, as `<name>_file`), "(restart)" in its comment exactly when a reload
// cannot change it; and every key line of the section is a key of the table or of `also_known`.
// A source block is an example to fill in: there a key without a default (a required one, or
// an optional one) may show a sample value, set or commented out.
enum class example_kind { settings, source_block };

template <class Config>
void expect_documented(const config::key_table<Config>& table, const Config& defaults, const std::string& name,
                       const std::vector<example_line>& lines, example_kind kind = example_kind::settings,
                       std::span<const config::key_spec> also_known = {}) {
  for (const auto& row : table.rows()) {
    if (std::holds_alternative<std::monostate>(row.member)) continue;
    const bool credential = row.spec.kind == config::value_kind::credential;
    const std::string key = std::string(row.spec.name) + (credential ? "_file" : "");
    const auto line = std::find_if(lines.begin(), lines.end(), [&](const example_line& l) { return l.key == key; });
    if (line == lines.end()) {
      ADD_FAILURE() << name << ": the example has no line for " << key;
      continue;
    }
    const std::string value = config::key_table<Config>::text_of(row, defaults);
    const bool no_default = row.spec.required || value.empty();
    if (kind == example_kind::source_block && (no_default || credential)) {
      // a sample value
    } else if (credential || (value.empty() && row.spec.kind == config::value_kind::string)) {
      EXPECT_TRUE(line->commented) << name << "." << key << ": has no default, so the example shows it commented out";
    } else if (row.spec.kind == config::value_kind::string_list) {
      EXPECT_EQ(line->value, "[]") << name << "." << key;
    } else {
      EXPECT_FALSE(line->commented) << name << "." << key;
      // Durations compare by value: the example may say "24h" for what the table writes "1d".
      if (row.spec.kind == config::value_kind::duration) {
        const auto written = config::parse_duration(line->value.substr(1, line->value.size() - 2));
        EXPECT_EQ(written, config::parse_duration(value)) << name << "." << key << " = " << line->value;
      } else {
        EXPECT_EQ(line->value, config::toml_literal(row.spec.kind, value)) << name << "." << key;
      }
    }
    const bool restart = row.spec.on_reload == config::reload::needs_restart;
    EXPECT_EQ(line->comment.find("(restart)") != std::string::npos, restart)
        << name << "." << key << ": the comment above it should " << (restart ? "" : "not ") << "say (restart):\n"
        << line->comment;
  }
  for (const example_line& l : lines) {
    const auto names = [&](const config::key_spec& spec) {
      return l.key == spec.name || l.key == std::string(spec.name) + "_file" || l.key == std::string(spec.name) + "_env";
    };
    const bool known = std::any_of(table.specs().begin(), table.specs().end(), names) ||
                       std::any_of(also_known.begin(), also_known.end(), names);
    EXPECT_TRUE(known) << name << ": the example shows " << l.key << ", which is no key of it";
  }
}

TEST(KeyTables, TheExampleShowsEveryKeyInItsSectionWithItsDefaultAndReloadPolicy) {
  const auto sections = example_sections();
  const auto at = [&](const std::string& name) {
    const auto it = sections.find(name);
    return it == sections.end() ? std::vector<example_line>{} : it->second;
  };
  expect_documented(store::database_config::table(), store::database_config{}, "database", at("database"));
  expect_documented(logging::log_config::table(), logging::log_config{}, "log", at("log"));
  expect_documented(http::http_config::table(), http::http_config{}, "http", at("http"));
  expect_documented(runtime::schedule_config::table(), runtime::schedule_config{}, "schedule", at("schedule"));
  expect_documented(settings::identity_keys(), identity::identity_config::defaults(), "identity",
                    at("identity"));
  for (const auto& [kind, rule] : identity::identity_config::defaults().kinds) {
    const std::string name = "identity.kinds." + std::string(identity::name_of(kind));
    EXPECT_TRUE(sections.contains(name)) << "the example has no [" << name << "]";
    expect_documented(settings::identity_kind_keys(), rule, name, at(name));
  }
  // The [[whop]] block shows the keys every source shares; the [[posthog]] block its own.
  const auto& shared = connectors::shared_source_keys();
  expect_documented(shared, connectors::source_config{}, "whop", at("whop"), example_kind::source_block,
                    whop::whop_source_config::table().specs());
  expect_documented(whop::whop_source_config::table(), whop::whop_source_config{}, "whop", at("whop"),
                    example_kind::source_block, shared.specs());
  expect_documented(posthog::posthog_source_config::table(), posthog::posthog_source_config{}, "posthog",
                    at("posthog"), example_kind::source_block, shared.specs());
}

TEST(ReloadPolicy, KeysThatNeedARestartKeepTheirRunningValueAndTheRestChange) {
  testing::temp_dir dir;
  dir.write("db_password", "first\n", 0600);
  const auto running_file = dir.write("running.toml", "[database]\npassword_file = \"db_password\"\n");
  const auto env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  const loaded_config running = load_config(running_file, env);
  ASSERT_TRUE(running.config.has_value());

  dir.write("db_password", "second\n", 0600);
  const auto next_file = dir.write("next.toml", R"([database]
password_file = "db_password"
pool_size = 8
connect_timeout = "5s"
[http]
port = 1234
[log]
level = "debug"
[schedule]
interval = "1m"
replica_name = "elsewhere"
[identity]
max_component_size = 500
[identity.kinds.email]
max_records = 7
)");
  loaded_config next = load_config(next_file, env);
  ASSERT_TRUE(next.config.has_value());
  daemon_config& n = *next.config;

  const std::vector<std::string> kept = keep_what_needs_restart(*running.config, n);
  EXPECT_EQ(kept, (std::vector<std::string>{"database.password", "database.pool_size", "database.connect_timeout",
                                            "http.port", "schedule.replica_name"}));
  EXPECT_EQ(n.database.password->reveal(), "first");
  EXPECT_EQ(n.database.pool_size, 4);
  EXPECT_EQ(n.database.connect_timeout, std::chrono::seconds(10));
  EXPECT_EQ(n.http.port, 9187);
  EXPECT_EQ(n.schedule.replica_name, "");
  EXPECT_EQ(n.log.level, spdlog::level::debug) << "reloadable: taken";
  EXPECT_EQ(n.schedule.interval, std::chrono::minutes(1));
  EXPECT_EQ(n.identity.max_component_size, 500);
  EXPECT_EQ(n.identity.kinds.at(identity::identifier_kind::email).max_records, 7);
  EXPECT_TRUE(keep_what_needs_restart(*running.config, n).empty()) << "nothing left to keep";
}

}  // namespace
}  // namespace personsync::settings
