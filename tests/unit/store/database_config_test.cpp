#include <gtest/gtest.h>

#include "daemon/store/database_config.hpp"

namespace personsync::store {
namespace {

TEST(DatabaseConfig, KeywordConninfoGetsQuotedPasswordAndOurDefaultsFirst) {
  database_config cfg;
  cfg.conninfo = "host=db dbname=people";
  cfg.password.emplace("it's a \\ secret");
  EXPECT_EQ(libpq_connection_string(cfg),
            "connect_timeout=10 application_name=personsync keepalives=1 keepalives_idle=30 keepalives_interval=10 "
            "keepalives_count=3 tcp_user_timeout=60000 host=db dbname=people password='it\\'s a \\\\ secret'");
}

TEST(DatabaseConfig, AnApplicationNameWithSpacesIsQuotedOrEncoded) {
  database_config cfg;
  cfg.conninfo = "host=db";
  cfg.application_name = "personsync replica r1";
  EXPECT_NE(libpq_connection_string(cfg).find("application_name='personsync replica r1' "), std::string::npos);
  cfg.conninfo = "postgresql://db/people";
  EXPECT_NE(libpq_connection_string(cfg).find("&application_name=personsync%20replica%20r1&"), std::string::npos);
}

TEST(DatabaseConfig, UriConninfoGetsPercentEncodedParameters) {
  database_config cfg;
  cfg.conninfo = "postgresql://app@db:5432/people?sslmode=require";
  cfg.password.emplace("p@ss word");
  EXPECT_EQ(libpq_connection_string(cfg),
            "postgresql://app@db:5432/people?sslmode=require&connect_timeout=10&application_name=personsync"
            "&keepalives=1&keepalives_idle=30&keepalives_interval=10&keepalives_count=3&tcp_user_timeout=60000"
            "&password=p%40ss%20word");
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
