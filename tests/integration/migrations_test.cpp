// Migrations against a real PostgreSQL: fresh, repeated, concurrent, tampered,
// failing, and a database newer than the binary.

#include <thread>

#include <gtest/gtest.h>

#include "daemon/store/database.hpp"
#include "daemon/store/migrations.hpp"
#include "tests/support/test_cluster.hpp"

namespace personsync::store {
namespace {

using testing::scratch_database;

int count(soci::session& s, const std::string& sql) {
  int n = 0;
  s << sql, soci::into(n);
  return n;
}

bool table_exists(soci::session& s, const std::string& qualified) {
  return count(s, "SELECT count(*) FROM pg_class WHERE oid = to_regclass('" + qualified + "')") == 1;
}

TEST(Migrations, FreshDatabaseGetsEveryBundledMigration) {
  scratch_database db;
  const auto session = connect(db.config());
  const auto bundled = bundled_migrations();
  ASSERT_FALSE(bundled.empty());

  const migration_report report = migrate(*session, "personsync", bundled);
  EXPECT_EQ(report.version_before, 0);
  EXPECT_EQ(report.version_after, bundled.back().version);
  EXPECT_EQ(report.applied.size(), bundled.size());

  const auto check = db.session();
  for (const char* table : {"source_records", "sync_runs", "sync_state", "schema_migrations"}) {
    EXPECT_TRUE(table_exists(*check, std::string("personsync.") + table)) << table;
  }
  std::string checksum;
  *check << "SELECT checksum FROM personsync.schema_migrations WHERE version = 1", soci::into(checksum);
  EXPECT_EQ(checksum, checksum_of(bundled.front().sql));

  const schema_state state = inspect_schema(*session, "personsync");
  EXPECT_EQ(state.current_version, bundled.back().version);
  EXPECT_TRUE(state.pending.empty());
}

TEST(Migrations, SecondRunIsANoOp) {
  scratch_database db;
  const auto session = connect(db.config());
  migrate(*session, "personsync", bundled_migrations());
  std::string applied_at_before, applied_at_after;
  const auto check = db.session();
  *check << "SELECT max(applied_at)::text FROM personsync.schema_migrations", soci::into(applied_at_before);

  const migration_report again = migrate(*session, "personsync", bundled_migrations());
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.version_before, again.version_after);
  *check << "SELECT max(applied_at)::text FROM personsync.schema_migrations", soci::into(applied_at_after);
  EXPECT_EQ(applied_at_before, applied_at_after);
}

TEST(Migrations, SchemaNameIsConfigurable) {
  scratch_database db;
  const auto session = connect(db.config("people_sync"));
  migrate(*session, "people_sync", bundled_migrations());
  const auto check = db.session();
  EXPECT_TRUE(table_exists(*check, "people_sync.source_records"));
  EXPECT_FALSE(table_exists(*check, "personsync.source_records"));
}

TEST(Migrations, ConcurrentRunsApplyEachMigrationOnce) {
  scratch_database db;
  // The first migration is slow, so both runs are surely in flight together.
  const migration slow[] = {
      {1, "slow", "SELECT pg_sleep(0.5); CREATE TABLE a (x int);"},
      {2, "second", "CREATE TABLE b (x int);"},
  };
  migration_report reports[2];
  std::exception_ptr errors[2];
  {
    std::jthread runs[2];
    for (int i = 0; i < 2; ++i) {
      runs[i] = std::jthread([&, i] {
        try {
          const auto session = connect(db.config());
          reports[i] = migrate(*session, "personsync", slow);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
  }
  for (const auto& e : errors) EXPECT_FALSE(e) << "a concurrent migrate failed";
  EXPECT_EQ(reports[0].applied.size() + reports[1].applied.size(), 2u) << "each migration applied exactly once";
  EXPECT_EQ(reports[0].version_after, 2);
  EXPECT_EQ(reports[1].version_after, 2);
  const auto check = db.session();
  EXPECT_EQ(count(*check, "SELECT count(*) FROM personsync.schema_migrations"), 2);
}

TEST(Migrations, ChangedAppliedMigrationIsRefused) {
  scratch_database db;
  const auto session = connect(db.config());
  const migration original[] = {{1, "create_a", "CREATE TABLE a (x int);"}};
  migrate(*session, "personsync", original);

  const migration tampered[] = {{1, "create_a", "CREATE TABLE a (x bigint);"}};
  try {
    migrate(*session, "personsync", tampered);
    FAIL() << "a changed migration was accepted";
  } catch (const migration_error& e) {
    EXPECT_NE(std::string(e.what()).find("0001_create_a.sql was changed after it was applied"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(inspect_schema(*session, "personsync", tampered), migration_error);
}

TEST(Migrations, FailingMigrationIsRolledBackWhole) {
  scratch_database db;
  const auto session = connect(db.config());
  const migration migrations[] = {
      {1, "good", "CREATE TABLE a (x int);"},
      {2, "bad", "CREATE TABLE b (x int); SELECT 1/0;"},
  };
  try {
    migrate(*session, "personsync", migrations);
    FAIL() << "the failing migration was not reported";
  } catch (const migration_error& e) {
    EXPECT_NE(std::string(e.what()).find("0002_bad.sql failed and was rolled back: ERROR:  division by zero"),
              std::string::npos) << e.what();
  }
  const auto check = db.session();
  EXPECT_TRUE(table_exists(*check, "personsync.a"));
  EXPECT_FALSE(table_exists(*check, "personsync.b"));
  EXPECT_EQ(count(*check, "SELECT count(*) FROM personsync.schema_migrations"), 1);

  // The session is usable afterwards, and the fixed migration applies.
  const migration fixed[] = {migrations[0], {2, "bad", "CREATE TABLE b (x int);"}};
  EXPECT_EQ(migrate(*session, "personsync", fixed).applied, std::vector<int>{2});
}

TEST(Migrations, DatabaseNewerThanTheBinaryIsRefused) {
  scratch_database db;
  const auto session = connect(db.config());
  const migration newer[] = {{1, "one", "CREATE TABLE a (x int);"}, {2, "two", "CREATE TABLE b (x int);"}};
  migrate(*session, "personsync", newer);
  const migration older[] = {newer[0]};
  try {
    migrate(*session, "personsync", older);
    FAIL() << "an unknown applied migration was accepted";
  } catch (const migration_error& e) {
    EXPECT_NE(std::string(e.what()).find("migrated by a newer personsync"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace personsync::store
