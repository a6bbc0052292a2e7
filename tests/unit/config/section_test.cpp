// The config schema machinery: every kind of mistake, several at once, positions,
// credentials from files and variables, and secrets refused inline.

#include <array>
#include <map>

#include <gtest/gtest.h>

#include "common/config/duration.hpp"
#include "common/config/section.hpp"
#include "tests/support/subprocess.hpp"

namespace personsync::config {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::string_view, 2> colours{"red", "blue"};
constexpr std::array keys{
    key_spec{.name = "name", .kind = value_kind::string, .required = true},
    key_spec{.name = "count", .kind = value_kind::integer, .default_value = "4", .min = 1, .max = 10},
    key_spec{.name = "ratio", .kind = value_kind::number, .default_value = "0.5", .min = 0, .max = 1},
    key_spec{.name = "on", .kind = value_kind::boolean, .default_value = "true"},
    key_spec{.name = "every", .kind = value_kind::duration, .default_value = "15m", .min = 1, .max = 86400},
    key_spec{.name = "colour", .kind = value_kind::string, .default_value = "red", .one_of = colours},
    key_spec{.name = "tags", .kind = value_kind::string_list},
    key_spec{.name = "token", .kind = value_kind::credential},
};

struct parsed {
  toml::table table;
  diagnostics diag;
  std::map<std::string, std::string> env;
  testing::temp_dir dir;
  load_context ctx;

  explicit parsed(std::string_view text, std::map<std::string, std::string> vars = {})
      : table(toml::parse(text, std::string_view("test.toml"))), env(std::move(vars)),
        ctx{"test.toml", dir.path(), [this](std::string_view n) -> std::optional<std::string> {
              const auto it = env.find(std::string(n));
              return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
            }, &diag} {}

  section read() { return section(&table, "block", keys, ctx); }
};

TEST(Section, ValidValuesAreReadWithTheirTypes) {
  parsed p(R"(name = "a"
count = 7
ratio = 1
on = false
every = "90s"
colour = "blue"
tags = ["x", "y"])");
  const section s = p.read();
  EXPECT_FALSE(p.diag.has_errors());
  EXPECT_EQ(s.string("name"), "a");
  EXPECT_EQ(s.integer("count"), 7);
  EXPECT_DOUBLE_EQ(s.number("ratio"), 1.0);
  EXPECT_FALSE(s.boolean("on"));
  EXPECT_EQ(s.duration("every"), 90s);
  EXPECT_EQ(s.string("colour"), "blue");
  EXPECT_EQ(s.strings("tags"), (std::vector<std::string>{"x", "y"}));
}

TEST(Section, AbsentKeysTakeTheirDeclaredDefaults) {
  parsed p(R"(name = "a")");
  const section s = p.read();
  EXPECT_FALSE(p.diag.has_errors());
  EXPECT_EQ(s.integer("count"), 4);
  EXPECT_DOUBLE_EQ(s.number("ratio"), 0.5);
  EXPECT_TRUE(s.boolean("on"));
  EXPECT_EQ(s.duration("every"), 15min);
  EXPECT_EQ(s.string("colour"), "red");
  EXPECT_TRUE(s.strings("tags").empty());
  EXPECT_FALSE(s.credential("token").has_value());
}

TEST(Section, EveryMistakeIsReportedAtOnceWithLineAndColumnAndPath) {
  parsed p(R"(count = 11
ratio = "half"
on = 1
every = "soon"
colour = "green"
tags = ["x", 2]
nmae = "a")");
  const section s = p.read();
  const auto& all = p.diag.all();
  ASSERT_EQ(p.diag.error_count(), 8u) << [&] {
    std::string text;
    for (const auto& d : all) text += to_string(d) + "\n";
    return text;
  }();

  std::map<std::string, diagnostic> by_key;
  for (const auto& d : all) by_key.emplace(d.key_path, d);
  EXPECT_EQ(to_string(by_key.at("block.count")), "test.toml:1:9: error: block.count: must be between 1 and 10, got 11");
  EXPECT_EQ(to_string(by_key.at("block.ratio")), "test.toml:2:9: error: block.ratio: expected a number, got a string");
  EXPECT_EQ(by_key.at("block.on").where.line, 3u);
  EXPECT_NE(by_key.at("block.every").message.find("'soon' is not a duration"), std::string::npos);
  EXPECT_EQ(by_key.at("block.colour").message, "must be one of: red, blue; got 'green'");
  EXPECT_EQ(by_key.at("block.tags").where.line, 6u);
  EXPECT_EQ(by_key.at("block.tags").where.column, 14u);  // the offending element
  EXPECT_EQ(by_key.at("block.nmae").message, "unknown key 'nmae' (did you mean 'name'?)");
  EXPECT_EQ(by_key.at("block.name").message, "is required");

  // Rejected values fall back to defaults, so a component can keep reading.
  EXPECT_EQ(s.integer("count"), 4);
  EXPECT_EQ(s.string("colour"), "red");
}

TEST(Section, UnknownKeyFarFromAnyKnownOneGetsNoSuggestion) {
  parsed p(R"(name = "a"
completely_different = 1)");
  p.read();
  ASSERT_EQ(p.diag.error_count(), 1u);
  EXPECT_EQ(p.diag.all()[0].message, "unknown key 'completely_different'");
}

TEST(Section, InlineSecretIsRefusedWithoutRepeatingIt) {
  parsed p(R"(name = "a"
token = "sk_live_do_not_print")");
  const section s = p.read();
  ASSERT_EQ(p.diag.error_count(), 1u);
  const std::string text = to_string(p.diag.all()[0]);
  EXPECT_NE(text.find("test.toml:2:1: error: block.token: secrets are never written in the config file"),
            std::string::npos) << text;
  EXPECT_EQ(text.find("sk_live_do_not_print"), std::string::npos);
  EXPECT_FALSE(s.credential("token").has_value());
}

TEST(Section, CredentialFromEnvironmentVariable) {
  parsed p(R"(name = "a"
token_env = "MY_TOKEN")", {{"MY_TOKEN", "tok-123"}});
  const section s = p.read();
  const auto token = s.credential("token");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->reveal(), "tok-123");
  EXPECT_FALSE(p.diag.has_errors());
}

TEST(Section, CredentialFromMissingOrEmptyVariableIsAnError) {
  parsed p(R"(name = "a"
token_env = "MY_TOKEN")", {{"MY_TOKEN", ""}});
  (void)p.read().credential("token");
  ASSERT_EQ(p.diag.error_count(), 1u);
  EXPECT_EQ(p.diag.all()[0].message, "environment variable MY_TOKEN is empty");

  parsed q(R"(name = "a"
token_env = "NOT_SET")");
  (void)q.read().credential("token");
  ASSERT_EQ(q.diag.error_count(), 1u);
  EXPECT_EQ(q.diag.all()[0].message, "environment variable NOT_SET is not set");
}

TEST(Section, CredentialFileRelativeToConfigDirectoryWithTrailingNewlineDropped) {
  parsed p(R"(name = "a"
token_file = "tok")");
  p.dir.write("tok", "file-secret\n", 0600);
  const auto token = p.read().credential("token");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->reveal(), "file-secret");
  EXPECT_TRUE(p.diag.all().empty());
}

TEST(Section, CredentialFileRelativeToCredentialsDirectoryWhenSet) {
  testing::temp_dir credentials;
  credentials.write("tok", "from-systemd", 0400);
  parsed p(R"(name = "a"
token_file = "tok")", {{"CREDENTIALS_DIRECTORY", credentials.path().string()}});
  p.dir.write("tok", "from-config-dir", 0600);
  const auto token = p.read().credential("token");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->reveal(), "from-systemd");
}

TEST(Section, CredentialFileReadableByOthersIsAWarningNotAnError) {
  parsed p(R"(name = "a"
token_file = "tok")");
  p.dir.write("tok", "abc", 0644);
  const auto token = p.read().credential("token");
  EXPECT_TRUE(token.has_value());
  EXPECT_FALSE(p.diag.has_errors());
  ASSERT_EQ(p.diag.all().size(), 1u);
  EXPECT_EQ(p.diag.all()[0].level, severity::warning);
  EXPECT_NE(p.diag.all()[0].message.find("readable by other users (mode 0644)"), std::string::npos);
}

TEST(Section, CredentialFileMissingOrEmptyIsAnError) {
  parsed p(R"(name = "a"
token_file = "missing")");
  (void)p.read().credential("token");
  ASSERT_EQ(p.diag.error_count(), 1u);
  EXPECT_NE(p.diag.all()[0].message.find("cannot read credential file"), std::string::npos);

  parsed q(R"(name = "a"
token_file = "empty")");
  q.dir.write("empty", "\n", 0600);
  (void)q.read().credential("token");
  ASSERT_EQ(q.diag.error_count(), 1u);
  EXPECT_NE(q.diag.all()[0].message.find("is empty"), std::string::npos);
}

TEST(Section, CredentialGivenTwoWaysIsAnError) {
  parsed p(R"(name = "a"
token_file = "f"
token_env = "V")");
  p.read();
  ASSERT_EQ(p.diag.error_count(), 1u);
  EXPECT_EQ(p.diag.all()[0].message, "set only one of token_file and token_env");
}

TEST(Duration, ParsesEveryUnitAndRejectsTheRest) {
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("30s"), 30s);
  EXPECT_EQ(parse_duration("15m"), 15min);
  EXPECT_EQ(parse_duration("6h"), 6h);
  EXPECT_EQ(parse_duration("7d"), std::chrono::hours(24 * 7));
  for (const char* bad : {"", "s", "10", "10 s", "-5s", "1.5h", "10y", "99999999999999999999d"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(2h), "2h");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
}

}  // namespace
}  // namespace personsync::config
