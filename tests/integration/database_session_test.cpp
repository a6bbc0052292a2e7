// store::connect against a real server with the values SOCI used to cut apart:
// a keyword/value conninfo, a password holding spaces, a quote and a
// backslash, an application name with a space. Each must arrive whole.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "daemon/store/database.hpp"
#include "tests/support/test_cluster.hpp"

namespace personsync {
namespace {

TEST(DatabaseSession, APasswordWithSpacesQuotesAndBackslashesConnects) {
  testing::scratch_database db;
  const std::string role = "odd_" + db.name();  // roles are the cluster's: one per test database
  const std::string password = "it's a \\ secret  with spaces";
  {
    const auto admin = db.session();
    std::string quoted;
    *admin << "SELECT quote_literal(:p)", soci::use(password), soci::into(quoted);
    *admin << "CREATE ROLE " + role + " LOGIN PASSWORD " + quoted;
  }
  const testing::test_cluster& cluster = testing::test_cluster::get();
  store::database_config cfg;
  cfg.conninfo = fmt::format("host={} port={} user={} dbname='{}'", cluster.host, cluster.port, role, db.name());
  cfg.password.emplace(password);
  cfg.application_name = "personsync replica with spaces";
  {
    const auto session = store::connect(cfg);
    std::string user, name;
    *session << "SELECT current_user, current_setting('application_name')", soci::into(user), soci::into(name);
    EXPECT_EQ(user, role);
    EXPECT_EQ(name, "personsync replica with spaces");
  }
  *db.session() << "DROP ROLE " + role;
}

}  // namespace
}  // namespace personsync
