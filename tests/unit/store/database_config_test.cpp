#include <gtest/gtest.h>

#include "daemon/store/database_config.hpp"

namespace personsync::store {
namespace {

// What personsync adds to every connection, in front of the operator's parameters.
const std::string our_parameters =
    "connect_timeout=10&application_name=personsync&keepalives=1&keepalives_idle=30&keepalives_interval=10"
    "&keepalives_count=3&tcp_user_timeout=60000";

// SOCI splits a connection string at spaces before libpq sees it: a keyword/value conninfo goes
// out as a URI, every value percent-encoded, so a password or a name with a space arrives whole.
TEST(DatabaseConfig, KeywordConninfoBecomesAUriWithOurDefaultsFirst) {
  database_config cfg;
  cfg.conninfo = "host=/run/postgresql dbname='people db' connect_timeout=3";
  cfg.password.emplace("it's a \\ secret");
  EXPECT_EQ(libpq_connection_string(cfg), "postgresql://?" + our_parameters +
                                             "&connect_timeout=3&dbname=people%20db&host=%2Frun%2Fpostgresql"
                                             "&password=it%27s%20a%20%5C%20secret");
}

TEST(DatabaseConfig, AConninfoLibpqCannotReadIsNamed) {
  EXPECT_FALSE(conninfo_problem("host=db dbname=people"));
  EXPECT_FALSE(conninfo_problem("postgresql://db/people"));
  const auto unknown = conninfo_problem("host=db colour=blue");
  ASSERT_TRUE(unknown);
  EXPECT_NE(unknown->find("colour"), std::string::npos) << *unknown;
  EXPECT_TRUE(conninfo_problem("host='db"));
}

TEST(DatabaseConfig, UriConninfoGetsPercentEncodedParameters) {
  database_config cfg;
  cfg.conninfo = "postgresql://app@db:5432/people?sslmode=require";
  cfg.password.emplace("p@ss word");
  EXPECT_EQ(libpq_connection_string(cfg),
            "postgresql://app@db:5432/people?sslmode=require&" + our_parameters + "&password=p%40ss%20word");
}

TEST(DatabaseConfig, SchemaNamesAreSafeIdentifiers) {
  EXPECT_TRUE(is_valid_schema_name("personsync"));
  EXPECT_TRUE(is_valid_schema_name("_ps_2"));
  EXPECT_FALSE(is_valid_schema_name(""));
  EXPECT_FALSE(is_valid_schema_name("Person"));
  EXPECT_FALSE(is_valid_schema_name("a\"; DROP SCHEMA public; --"));
  EXPECT_FALSE(is_valid_schema_name(std::string(64, 'a')));
}

}  // namespace
}  // namespace personsync::store
