// The real binary as a subprocess against the test cluster: migrate, status,
// two migrates at once, the exit code for an unreachable or refusing server,
// and no secret in anything it prints.

#include <fstream>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "daemon/cli/exit_codes.hpp"
#include "daemon/store/migrations.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/test_cluster.hpp"

namespace personsync {
namespace {

using testing::personsync_binary;
using testing::process_result;
using testing::run_process;
using testing::scratch_database;
using testing::temp_dir;
using testing::test_cluster;

struct deployment {
  temp_dir dir;
  std::filesystem::path config;

  deployment(const scratch_database& db, const std::string& extra = "", const std::string& password = "") {
    dir.write("db_password", password.empty() ? test_cluster::get().password() : password, 0600);
    dir.write("whop_key", "whop-secret-token-e2e", 0600);
    config = dir.write("personsync.toml",
                       "[database]\nconninfo = \"" + db.conninfo() + "\"\npassword_file = \"db_password\"\n"
                       "connect_timeout = \"5s\"\n"
                       "[[whop]]\nname = \"store\"\ntoken_file = \"whop_key\"\naccount_id = \"biz_demo1\"\n"
                       "[[posthog]]\nname = \"product\"\ntoken_env = \"PH_TOKEN_E2E\"\nproject_id = 4242\n" + extra);
  }

  process_result run(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{personsync_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--config", config.string()});
    return run_process(argv, {.env = {{"PH_TOKEN_E2E", "posthog-secret-token-e2e"}}});
  }
};

TEST(CliEndToEnd, MigrateThenStatus) {
  scratch_database db;
  deployment d(db);

  const process_result before = d.run({"status"});
  EXPECT_EQ(before.exit_code, 0) << before.err;
  EXPECT_NE(before.out.find("schema personsync: not migrated"), std::string::npos) << before.out;

  const process_result first = d.run({"migrate"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("applied 0001_landing"), std::string::npos) << first.out;

  const process_result second = d.run({"migrate"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("is up to date"), std::string::npos) << second.out;

  // A finished run of one source, as the sync will record it.
  *db.session() << "INSERT INTO personsync.sync_runs (source_name, provider, scope, mode, status, finished_at, fetched,"
                   " inserted) VALUES ('store', 'whop', 'biz_demo1', 'full', 'succeeded', now(), 12, 12)";

  const process_result status = d.run({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const boost::json::object json = boost::json::parse(status.out).as_object();
  EXPECT_EQ(json.at("schema").at("version").as_int64(), store::bundled_migrations().back().version);
  EXPECT_TRUE(json.at("schema").at("pending").as_array().empty());
  const boost::json::array& sources = json.at("sources").as_array();
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0].at("name").as_string(), "store");
  EXPECT_EQ(sources[0].at("scope").as_string(), "biz_demo1");
  EXPECT_EQ(sources[0].at("last_run").at("status").as_string(), "succeeded");
  EXPECT_EQ(sources[0].at("last_run").at("fetched").as_int64(), 12);
  EXPECT_EQ(sources[1].at("name").as_string(), "product");
  EXPECT_EQ(sources[1].at("scope").as_string(), "4242");
  EXPECT_TRUE(sources[1].at("last_run").is_null());

  const process_result text = d.run({"status"});
  EXPECT_NE(text.out.find(fmt::format("schema personsync: version {} (up to date)", store::bundled_migrations().back().version)),
            std::string::npos) << text.out;
  EXPECT_NE(text.out.find("full succeeded"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("never run"), std::string::npos) << text.out;
}

TEST(CliEndToEnd, TwoConcurrentMigratesBothSucceedAndApplyOnce) {
  scratch_database db;
  deployment d(db);
  process_result results[2];
  {
    std::jthread a([&] { results[0] = d.run({"migrate"}); });
    std::jthread b([&] { results[1] = d.run({"migrate"}); });
  }
  for (const auto& r : results) EXPECT_EQ(r.exit_code, 0) << r.err;
  int rows = 0;
  *db.session() << "SELECT count(*) FROM personsync.schema_migrations", soci::into(rows);
  EXPECT_EQ(rows, static_cast<int>(store::bundled_migrations().size()));
  const int applied = static_cast<int>(results[0].out.find("applied 0001") != std::string::npos) +
                      static_cast<int>(results[1].out.find("applied 0001") != std::string::npos);
  EXPECT_EQ(applied, 1) << results[0].out << results[1].out;
}

TEST(CliEndToEnd, WrongPasswordIsDatabaseUnavailableAndNeverPrinted) {
  scratch_database db;
  deployment d(db, "", "not-the-password-e2e");
  const process_result r = d.run({"migrate"});
  EXPECT_EQ(r.exit_code, cli::exit_unavailable) << r.err;
  EXPECT_NE(r.err.find("password authentication failed"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not-the-password-e2e"), std::string::npos) << r.err;
}

TEST(CliEndToEnd, NothingPrintedContainsAConfiguredSecret) {
  scratch_database db;
  for (const char* format : {"text", "json"}) {
    deployment d(db, std::string("[log]\nlevel = \"trace\"\nformat = \"") + format + "\"\n");
    const std::string secrets[] = {test_cluster::get().password(), "whop-secret-token-e2e", "posthog-secret-token-e2e"};
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"check-config"}, {"migrate"}, {"migrate"}, {"status"}, {"status", "--json"}}) {
      const process_result r = d.run(args);
      EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
      for (const auto& s : secrets) {
        EXPECT_EQ(r.out.find(s), std::string::npos) << args[0] << " printed a secret";
        EXPECT_EQ(r.err.find(s), std::string::npos) << args[0] << " logged a secret";
      }
    }
  }
}

}  // namespace
}  // namespace personsync
