// store::connect against a real server with the values SOCI used to cut apart:
// a keyword/value conninfo, a password holding spaces, a quote and a
// backslash, an application name with a space. Each must arrive whole. And a
// server that stops answering behind a path that still acknowledges everything
// fails the statement within the client-side deadline instead of hanging.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <thread>

#include "daemon/store/database.hpp"
#include "daemon/store/silent_server_watch.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/stalling_proxy.hpp"
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

// Behind a proxy that goes silent (keeps reading, forwards nothing) libpq would wait in poll() for
// ever: keepalives are answered and the server never got the statement. With statement_timeout 1 s
// the client gives up 2 s after its request, through SOCI and through libpq alike; a slow statement
// within the timeout and a session idle for longer than the deadline are left alone; the backends the
// stalled connections left are ended by the next session.
TEST(DatabaseSession, AServerThatStopsAnsweringFailsTheStatementWithinTheDeadline) {
  testing::scratch_database db;
  const testing::test_cluster& cluster = testing::test_cluster::get();
  testing::stalling_proxy proxy(cluster.host, cluster.port);
  store::database_config cfg = db.config();
  cfg.conninfo = fmt::format("host=127.0.0.1 port={} user={} dbname='{}'", proxy.port(), cluster.user, db.name());
  cfg.statement_timeout = std::chrono::seconds(1);
  ASSERT_EQ(store::answer_deadline(cfg.statement_timeout), std::chrono::seconds(2));

  const auto through_soci = store::connect(cfg);
  const auto through_libpq = store::connect(cfg);
  *through_soci << "SELECT pg_sleep(0.8)";                       // slow but answering
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));  // idle past the deadline
  int one = 0;
  *through_soci << "SELECT 1", soci::into(one);
  ASSERT_EQ(one, 1);
  store::execute_script(*through_libpq, "SELECT 1");

  const std::string backends = fmt::format("SELECT count(*) FROM pg_stat_activity WHERE pid IN ({}, {})",
                                           PQbackendPID(store::native_handle(*through_soci)),
                                           PQbackendPID(store::native_handle(*through_libpq)));
  ASSERT_EQ(proxy.go_silent(), 2);
  const auto failed_within = [](const auto& statement) {
    const auto started = std::chrono::steady_clock::now();
    std::string error;
    try {
      statement();
    } catch (const std::exception& e) {
      error = store::describe(e);
    }
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_GE(took, 1.9) << "not before the deadline";
    EXPECT_LT(took, 5.0) << "the deadline and a look, not for ever";
    return error;
  };
  const std::string soci_error = failed_within([&] { *through_soci << "SELECT 1", soci::into(one); });
  EXPECT_NE(soci_error.find("server closed the connection"), std::string::npos) << soci_error;
  const std::string libpq_error = failed_within([&] { store::execute_script(*through_libpq, "SELECT 1"); });
  EXPECT_NE(libpq_error.find("lost the connection to PostgreSQL: PostgreSQL stopped answering"), std::string::npos)
      << libpq_error;

  // Their backends live on behind the stalled path, holding whatever their sessions held; the next
  // session ends them.
  EXPECT_EQ(db.count(backends), 2);
  (void)store::connect(cfg);
  EXPECT_TRUE(testing::eventually([&] { return db.count(backends) == 0; }, std::chrono::seconds(5)));
}

}  // namespace
}  // namespace personsync
