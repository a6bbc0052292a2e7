// Exit codes and help, through the same entry point main() uses.

#include <sstream>

#include <gtest/gtest.h>

#include "daemon/cli/command.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/settings/daemon_config.hpp"
#include "tests/support/subprocess.hpp"

namespace personsync::cli {
namespace {

struct outcome {
  int code;
  std::string out;
  std::string err;
};

outcome run(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = run_cli(args, {out, err});
  return {code, out.str(), err.str()};
}

TEST(Cli, NoCommandIsAUsageError) {
  const outcome o = run({});
  EXPECT_EQ(o.code, exit_usage);
  EXPECT_NE(o.err.find("usage: personsync <command>"), std::string::npos);
}

TEST(Cli, UnknownCommandIsAUsageError) {
  const outcome o = run({"frobnicate"});
  EXPECT_EQ(o.code, exit_usage);
  EXPECT_NE(o.err.find("unknown command 'frobnicate'"), std::string::npos);
}

TEST(Cli, UnknownOptionAndMissingValueAreUsageErrors) {
  EXPECT_EQ(run({"status", "--jsno"}).code, exit_usage);
  EXPECT_EQ(run({"status", "--config"}).code, exit_usage);
  EXPECT_EQ(run({"status", "extra"}).code, exit_usage) << "status takes no arguments";
  EXPECT_EQ(run({"check-config", "--config", "a", "--config", "b"}).code, exit_usage);
  EXPECT_NE(run({"status", "--jsno"}).err.find("unknown option '--jsno'"), std::string::npos);
}

TEST(Cli, EveryCommandHasHelp) {
  for (const command* c : all_commands()) {
    const outcome o = run({std::string(c->name), "--help"});
    EXPECT_EQ(o.code, exit_ok) << c->name;
    EXPECT_NE(o.out.find("usage: personsync " + std::string(c->name)), std::string::npos) << c->name;
    EXPECT_NE(o.out.find("Exit codes:"), std::string::npos) << c->name;
    EXPECT_EQ(run({"help", std::string(c->name)}).out, o.out);
  }
  EXPECT_EQ(run({"--help"}).code, exit_ok);
  EXPECT_EQ(run({"--version"}).code, exit_ok);
}

TEST(Cli, InvalidOrMissingConfigExitsWithExConfig) {
  testing::temp_dir dir;
  const auto bad = dir.write("bad.toml", "[database]\npool_size = \"four\"\n");
  const outcome o = run({"check-config", "--config", bad.string()});
  EXPECT_EQ(o.code, exit_config);
  EXPECT_NE(o.err.find(bad.string() + ":2:13: error: database.pool_size: expected an integer, got a string"),
            std::string::npos) << o.err;
  EXPECT_NE(o.err.find("1 error"), std::string::npos);

  EXPECT_EQ(run({"check-config", "--config", (dir.path() / "absent.toml").string()}).code, exit_config);
  EXPECT_EQ(run({"migrate", "--config", bad.string()}).code, exit_config);
  EXPECT_EQ(run({"status", "--config", bad.string()}).code, exit_config);
}

TEST(Cli, ValidConfigPassesCheck) {
  testing::temp_dir dir;
  const auto good = dir.write("good.toml", "[log]\nlevel = \"warn\"\n");
  const outcome o = run({"check-config", "--config", good.string()});
  EXPECT_EQ(o.code, exit_ok) << o.err;
  EXPECT_NE(o.out.find("OK, 0 sources"), std::string::npos);
}

TEST(Cli, UnreachableDatabaseExitsWithExUnavailable) {
  testing::temp_dir dir;
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  const auto cfg = dir.write("db.toml", "[database]\nconninfo = \"host=127.0.0.1 port=1 dbname=x\"\n"
                                        "connect_timeout = \"2s\"\n[log]\nlevel = \"off\"\n");
  for (const char* command : {"migrate", "status"}) {
    const outcome o = run({command, "--config", cfg.string()});
    EXPECT_EQ(o.code, exit_unavailable) << command << ": " << o.err;
    EXPECT_NE(o.err.find("cannot connect to PostgreSQL"), std::string::npos) << o.err;
  }
}

// The key tables as an operator reads them: every section, every key with its help, defaults
// where they are (an identifier kind's own), bounds and what a reload does.
TEST(Cli, ConfigKeysListsEveryKeyOfEverySectionFromTheTables) {
  const outcome o = run({"config-keys"});
  ASSERT_EQ(o.code, exit_ok) << o.err;
  for (const settings::documented_section& s : settings::documented_sections()) {
    const auto at = o.out.find((s.repeated ? "[[" + s.path + "]]" : "[" + s.path + "]") + "  ");
    ASSERT_NE(at, std::string::npos) << s.path;
    const auto end = o.out.find("\n\n", at);
    const std::string block = o.out.substr(at, end - at);
    for (const config::key_spec& k : s.keys) {
      if (k.kind == config::value_kind::table || k.kind == config::value_kind::table_list) continue;
      EXPECT_NE(block.find("\n  " + std::string(k.name)), std::string::npos) << s.path << "." << k.name;
      EXPECT_NE(block.find(std::string(k.help)), std::string::npos) << s.path << "." << k.name << ": its help";
    }
  }
  EXPECT_NE(o.out.find("  pool_size: integer, default 4, 1 to 64, needs a restart\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("  interval: duration, default \"15m\", 1s to 7d\n"), std::string::npos);
  EXPECT_NE(o.out.find("  password_file | password_env: credential, needs a restart\n"), std::string::npos);
  const auto loose = o.out.find("[identity.kinds.email_loose]");
  ASSERT_NE(loose, std::string::npos);
  EXPECT_NE(o.out.find("  enabled: boolean, default false\n", loose), std::string::npos) << "the kind's own default";
}

}  // namespace
}  // namespace personsync::cli
