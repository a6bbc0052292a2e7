// The whole file: the example config is valid and documents every key with its
// default; mistakes in different sections are all reported with their lines.

#include <fstream>
#include <regex>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>

#include "daemon/settings/daemon_config.hpp"
#include "tests/support/example_config.hpp"
#include "tests/support/subprocess.hpp"

namespace personsync::settings {
namespace {

std::filesystem::path example_path() { return testing::example_config_path(); }

config::load_context::env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view n) -> std::optional<std::string> {
    const auto it = vars.find(std::string(n));
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::string all_messages(const config::diagnostics& d) {
  std::string text;
  for (const auto& item : d.all()) text += to_string(item) + "\n";
  return text;
}

std::string example_with_sources() { return testing::example_config_with_sources(); }

TEST(DaemonConfig, ExampleFileIsValidWithoutWarnings) {
  const loaded_config loaded = load_config(example_path(), env_of({}));
  EXPECT_TRUE(loaded.diagnostics.all().empty()) << all_messages(loaded.diagnostics);
  ASSERT_TRUE(loaded.config.has_value());
  EXPECT_EQ(loaded.config->database.schema, "personsync");
  EXPECT_EQ(loaded.config->http.listen_address, "127.0.0.1");
}

TEST(DaemonConfig, ExampleSourceBlocksAreValidWhenUncommented) {
  testing::temp_dir dir;
  dir.write("whop_api_key", "whop-key", 0600);
  const auto file = dir.write("personsync.toml", example_with_sources());
  const loaded_config loaded = load_config(file, env_of({{"POSTHOG_PERSONAL_API_KEY", "phx_key"}}));
  ASSERT_TRUE(loaded.config.has_value()) << all_messages(loaded.diagnostics);
  ASSERT_EQ(loaded.config->whop_sources.size(), 1u);
  ASSERT_EQ(loaded.config->posthog_sources.size(), 1u);
  EXPECT_EQ(loaded.config->whop_sources[0].source.token->reveal(), "whop-key");
  EXPECT_EQ(loaded.config->whop_sources[0].scope(), "biz_XXXXXXXXXXXXXX");
  ASSERT_EQ(loaded.config->whop_sources[0].filters.size(), 1u);
  EXPECT_EQ(loaded.config->whop_sources[0].filters[0].op, "gte");
  EXPECT_EQ(loaded.config->posthog_sources[0].source.rate_limit.size(), 2u);
  EXPECT_EQ(loaded.config->posthog_sources[0].source.token->reveal(), "phx_key");
  EXPECT_EQ(loaded.config->posthog_sources[0].scope(), "12345");
}

// Every key of the top level and of [[whop.filters]] appears in the example, with its default
// (the sections whose keys are bound to their structs, the source blocks among them, are
// checked line by line in key_table_test.cpp).
TEST(DaemonConfig, ExampleDocumentsEveryKeyWithItsDefault) {
  const std::string text = example_with_sources();
  const auto documented = [&](const config::key_spec& k, const std::string& context) {
    std::string expected;
    switch (k.kind) {
      case config::value_kind::credential:
        EXPECT_TRUE(text.find(std::string(k.name) + "_file = ") != std::string::npos ||
                    text.find(std::string(k.name) + "_env = ") != std::string::npos)
            << context << ": credential " << k.name;
        return;
      case config::value_kind::table:
        EXPECT_NE(text.find("[" + context + std::string(k.name)), std::string::npos) << context << k.name;
        return;
      case config::value_kind::table_list:
        EXPECT_NE(text.find("[[" + (context.empty() ? "" : context + ".") + std::string(k.name) + "]]"),
                  std::string::npos) << context << ": " << k.name;
        return;
      case config::value_kind::string:
      case config::value_kind::duration:
        expected = k.default_value.empty() ? std::string(k.name) + " = "
                                           : std::string(k.name) + " = \"" + std::string(k.default_value) + "\"";
        break;
      case config::value_kind::string_list:
        expected = std::string(k.name) + " = []";
        break;
      default:
        expected = std::string(k.name) + " = " + std::string(k.default_value);
    }
    EXPECT_NE(text.find(expected), std::string::npos) << context << ": expected the line '" << expected << "'";
  };
  for (const auto& k : top_level_keys()) documented(k, "");
  for (const auto& k : whop::whop_source_config::filter_keys()) documented(k, "whop.filters");
}

TEST(DaemonConfig, ThreeMistakesInThreeSectionsAreAllReportedWithTheirLines) {
  testing::temp_dir dir;
  const auto file = dir.write("bad.toml", R"([database]
pool_size = 0

[log]
format = "xml"

[[posthog]]
name = "product"
token_env = "PH_KEY"
project_id = 1
base_url = "ftp://example.com"
)");
  const loaded_config loaded = load_config(file, env_of({{"PH_KEY", "x"}}));
  EXPECT_FALSE(loaded.config.has_value());
  ASSERT_EQ(loaded.diagnostics.error_count(), 3u) << all_messages(loaded.diagnostics);
  const std::string text = all_messages(loaded.diagnostics);
  const std::string f = file.string();
  EXPECT_NE(text.find(f + ":2:13: error: database.pool_size: must be between 1 and 64, got 0"), std::string::npos) << text;
  EXPECT_NE(text.find(f + ":5:10: error: log.format: must be one of: text, json; got 'xml'"), std::string::npos) << text;
  EXPECT_NE(text.find(f + ":11:12: error: posthog[0].base_url: 'ftp://example.com' is not an absolute http(s) URL"),
            std::string::npos) << text;
}

TEST(DaemonConfig, SecretsNeverAppearInDiagnostics) {
  testing::temp_dir dir;
  const auto file = dir.write("bad.toml", R"([database]
conninfo = "host=db user=app password=hunter2-db"

[[whop]]
name = "store"
token = "sk_live_hunter2"
)");
  const loaded_config loaded = load_config(file, env_of({}));
  const std::string text = all_messages(loaded.diagnostics);
  EXPECT_EQ(loaded.diagnostics.error_count(), 2u) << text;
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  EXPECT_NE(text.find("database.conninfo: holds a password"), std::string::npos) << text;
}

// Values of a million characters get an answer, not a stack overflow (std::regex recursed once per
// character where these checks are now single passes): a password after a million spaces is still
// found, a long account id and a rate limit padded with spaces are still read, a long name refused.
TEST(DaemonConfig, ValuesOfAMillionCharactersAreCheckedWithoutCrashing) {
  testing::temp_dir dir;
  const std::string spaces(1'000'000, ' ');
  const std::string letters(1'000'000, 'a');
  const auto file = dir.write("long.toml", "[database]\nconninfo = \"host=db" + spaces + "password=hunter2\"\n"
                                           "[[whop]]\nname = \"" + letters + "\"\ntoken_env = \"T\"\n"
                                           "account_id = \"biz_" + letters + "\"\nrate_limit = \"" + spaces + "20/s" +
                                           spaces + "\"\napi_version_date = \"" + letters + "\"\n");
  const loaded_config loaded = load_config(file, env_of({{"T", "x"}}));
  const std::string text = all_messages(loaded.diagnostics);
  EXPECT_NE(text.find("database.conninfo: holds a password"), std::string::npos) << text.substr(0, 2000);
  EXPECT_NE(text.find("whop[0].name: '"), std::string::npos) << text.substr(0, 2000);
  EXPECT_NE(text.find("whop[0].api_version_date"), std::string::npos) << text.substr(0, 2000);
  EXPECT_EQ(text.find("account_id"), std::string::npos) << text.substr(0, 2000);
  EXPECT_EQ(text.find("rate_limit"), std::string::npos) << text.substr(0, 2000);
  EXPECT_EQ(loaded.diagnostics.error_count(), 3u) << text.substr(0, 2000);
}

TEST(DaemonConfig, PlainHttpOnlyToLoopbackUnlessAllowed) {
  testing::temp_dir dir;
  const auto body = [](const std::string& url, bool allow) {
    return "[[whop]]\nname = \"w\"\ntoken_env = \"T\"\nbase_url = \"" + url + "\"\nallow_insecure_http = " +
           (allow ? "true" : "false") + "\n";
  };
  EXPECT_TRUE(load_config(dir.write("a.toml", body("http://127.0.0.1:8080/api/v1", false)), env_of({{"T", "x"}})).config);
  EXPECT_TRUE(load_config(dir.write("b.toml", body("http://localhost:8080", false)), env_of({{"T", "x"}})).config);
  EXPECT_FALSE(load_config(dir.write("c.toml", body("http://api.example.com", false)), env_of({{"T", "x"}})).config);
  // A DNS name that starts like a loopback address is refused at config time, naming the line.
  const loaded_config evil = load_config(dir.write("e.toml", body("http://127.evil.example/api", false)), env_of({{"T", "x"}}));
  EXPECT_FALSE(evil.config);
  ASSERT_GE(evil.diagnostics.error_count(), 1u);
  EXPECT_EQ(evil.diagnostics.all()[0].where.line, 4u) << all_messages(evil.diagnostics);
  EXPECT_TRUE(load_config(dir.write("d.toml", body("http://api.example.com", true)), env_of({{"T", "x"}})).config);
}

// An operator no People API takes, or one the configured API does not take on that field, is a
// config error at the operator's line, not a request refused at the first sync.
TEST(DaemonConfig, FilterOperatorsAreCheckedPerFieldAgainstTheApi) {
  testing::temp_dir dir;
  const auto body = [](const std::string& api, const std::string& field, const std::string& op) {
    return "[[whop]]\nname = \"w\"\ntoken_env = \"T\"\napi = \"" + api + "\"\n[[whop.filters]]\nfield = \"" + field +
           "\"\noperator = \"" + op + "\"\nvalue = \"1\"\n";
  };
  const auto check = [&](const std::string& api, const std::string& field, const std::string& op) {
    return load_config(dir.write("f.toml", body(api, field, op)), env_of({{"T", "x"}}));
  };
  EXPECT_TRUE(check("auto", "purchase_count", "gte").config);
  EXPECT_TRUE(check("offset", "email", "contains").config);
  EXPECT_TRUE(check("cursor", "email", "eq").config);
  EXPECT_TRUE(check("auto", "has_purchased", "eq").config) << "the cursor API's own parameter";
  for (const auto& [api, field, op] : {std::tuple{"auto", "email", "like"}, std::tuple{"offset", "ltv", "contains"},
                                       std::tuple{"offset", "nickname", "eq"}, std::tuple{"cursor", "ltv", "gt"},
                                       std::tuple{"cursor", "email", "neq"}}) {
    SCOPED_TRACE(std::string(api) + " " + field + " " + op);
    const loaded_config loaded = check(api, field, op);
    EXPECT_FALSE(loaded.config);
    ASSERT_EQ(loaded.diagnostics.error_count(), 1u) << all_messages(loaded.diagnostics);
    EXPECT_EQ(loaded.diagnostics.all()[0].where.line, 7u) << all_messages(loaded.diagnostics);
    EXPECT_NE(all_messages(loaded.diagnostics).find("has no form"), std::string::npos) << all_messages(loaded.diagnostics);
  }
}

TEST(DaemonConfig, ABlockedPatternRe2CannotMatchIsAnErrorAtItsLine) {
  testing::temp_dir dir;
  const auto file = dir.write("p.toml", "[identity]\nblocked_values = []\nblocked_patterns = [\"ok.*\", \"(a)\\\\1\"]\n");
  const loaded_config loaded = load_config(file, env_of({}));
  EXPECT_FALSE(loaded.config);
  ASSERT_EQ(loaded.diagnostics.error_count(), 1u) << all_messages(loaded.diagnostics);
  EXPECT_EQ(loaded.diagnostics.all()[0].where.line, 3u);
  EXPECT_NE(all_messages(loaded.diagnostics).find("RE2 syntax"), std::string::npos) << all_messages(loaded.diagnostics);
}

TEST(DaemonConfig, TomlSyntaxErrorNamesItsPosition) {
  testing::temp_dir dir;
  const auto file = dir.write("broken.toml", "[database]\nschema = \"unterminated\n");
  const loaded_config loaded = load_config(file, env_of({}));
  ASSERT_EQ(loaded.diagnostics.error_count(), 1u);
  EXPECT_EQ(loaded.diagnostics.all()[0].where.line, 2u);
  EXPECT_NE(loaded.diagnostics.all()[0].message.find("not valid TOML"), std::string::npos);
}

TEST(DaemonConfig, IdentityKindsAreCheckedByName) {
  testing::temp_dir dir;
  const auto file = dir.write("id.toml", R"([identity.kinds.emial]
enabled = true

[identity.kinds.phone]
max_records = 1
)");
  const loaded_config loaded = load_config(file, env_of({}));
  ASSERT_EQ(loaded.diagnostics.error_count(), 2u) << all_messages(loaded.diagnostics);
  const std::string text = all_messages(loaded.diagnostics);
  EXPECT_NE(text.find("identity.kinds.emial: unknown identifier kind"), std::string::npos) << text;
  EXPECT_NE(text.find("identity.kinds.phone.max_records: must be between 2 and 1000000, got 1"), std::string::npos) << text;
}

}  // namespace
}  // namespace personsync::settings
