#include "daemon/store/migrations.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "common/sha256.hpp"
#include "daemon/store/database.hpp"

namespace personsync::store {
namespace {

struct applied_migration {
  std::string name;
  std::string checksum;
};

bool migrations_table_exists(soci::session& session, std::string_view schema) {
  int exists = 0;
  const std::string table = std::string(schema) + ".schema_migrations";
  session << "SELECT CASE WHEN to_regclass(:t) IS NULL THEN 0 ELSE 1 END", soci::use(table), soci::into(exists);
  return exists == 1;
}

std::map<int, applied_migration> read_applied(soci::session& session, std::string_view schema) {
  std::map<int, applied_migration> applied;
  if (!migrations_table_exists(session, schema)) return applied;
  soci::rowset<soci::row> rows = (session.prepare << fmt::format(
      "SELECT version, name, checksum FROM {}.schema_migrations ORDER BY version", quote_identifier(schema)));
  for (const soci::row& r : rows) {
    applied[r.get<int>(0)] = {r.get<std::string>(1), r.get<std::string>(2)};
  }
  return applied;
}

schema_state check(const std::map<int, applied_migration>& applied, std::span<const migration> migrations) {
  schema_state state;
  for (const migration& m : migrations) state.latest_version = std::max(state.latest_version, m.version);
  for (const auto& [version, row] : applied) {
    state.current_version = std::max(state.current_version, version);
    const auto bundled = std::find_if(migrations.begin(), migrations.end(),
                                      [&](const migration& m) { return m.version == version; });
    if (bundled == migrations.end()) {
      throw migration_error(fmt::format(
          "the database has migration {:04} ({}) that this binary does not know: it was migrated by a newer "
          "personsync; run that version or restore the schema", version, row.name));
    }
    if (checksum_of(bundled->sql) != row.checksum) {
      throw migration_error(fmt::format(
          "migration {:04}_{}.sql was changed after it was applied (checksum {} in the database, {} now): "
          "applied migrations are immutable; add a new migration instead", version, bundled->name,
          row.checksum.substr(0, 12), checksum_of(bundled->sql).substr(0, 12)));
    }
  }
  for (const migration& m : migrations) {
    if (!applied.contains(m.version)) state.pending.push_back(m.version);
  }
  return state;
}

// Holds the advisory lock that serializes migrate runs on one schema.
class migration_lock {
 public:
  migration_lock(soci::session& session, std::string_view schema)
      : session_(session), key_(fmt::format("personsync.migrate.{}", schema)) {
    session_ << "SELECT pg_advisory_lock(hashtextextended(:k, 0))", soci::use(key_);
  }
  ~migration_lock() {
    try {
      session_ << "SELECT pg_advisory_unlock(hashtextextended(:k, 0))", soci::use(key_);
    } catch (...) {
      // The session is gone; the server released the lock with it.
    }
  }
  migration_lock(const migration_lock&) = delete;
  migration_lock& operator=(const migration_lock&) = delete;

 private:
  soci::session& session_;
  std::string key_;
};

}  // namespace

std::string checksum_of(std::string_view sql) { return sha256_hex(sql); }

schema_state inspect_schema(soci::session& session, std::string_view schema, std::span<const migration> migrations) {
  return check(read_applied(session, schema), migrations);
}

schema_state inspect_schema(soci::session& session, std::string_view schema) {
  return inspect_schema(session, schema, bundled_migrations());
}

migration_report migrate(soci::session& session, std::string_view schema, std::span<const migration> migrations) {
  const migration_lock lock(session, schema);
  const std::string qschema = quote_identifier(schema);

  execute_script(session, fmt::format(
      "CREATE SCHEMA IF NOT EXISTS {0};"
      "CREATE TABLE IF NOT EXISTS {0}.schema_migrations ("
      "  version integer PRIMARY KEY,"
      "  name text NOT NULL,"
      "  checksum text NOT NULL,"
      "  applied_at timestamptz NOT NULL DEFAULT now())", qschema));

  // Read under the lock: whoever waited for it sees what the holder applied.
  const schema_state before = check(read_applied(session, schema), migrations);
  migration_report report{before.current_version, before.current_version, {}};

  for (const int version : before.pending) {
    const migration& m = *std::find_if(migrations.begin(), migrations.end(),
                                       [&](const migration& x) { return x.version == version; });
    try {
      execute_script(session, fmt::format("BEGIN; SET LOCAL search_path TO {}, pg_catalog", qschema));
      execute_script(session, m.sql);
      // Named, not temporaries: SOCI runs the statement when the full expression ends.
      const std::string name(m.name);
      const std::string checksum = checksum_of(m.sql);
      session << fmt::format("INSERT INTO {}.schema_migrations (version, name, checksum) VALUES (:v, :n, :c)", qschema),
          soci::use(m.version), soci::use(name), soci::use(checksum);
      execute_script(session, "COMMIT");
    } catch (const database_unavailable&) {
      throw;
    } catch (const std::exception& e) {
      try {
        execute_script(session, "ROLLBACK");
      } catch (...) {
        // Nothing more to undo; the original error is the one to report.
      }
      throw migration_error(fmt::format("migration {:04}_{}.sql failed and was rolled back: {}", m.version, m.name,
                                        e.what()));
    }
    report.applied.push_back(m.version);
    report.version_after = std::max(report.version_after, m.version);
  }
  return report;
}

}  // namespace personsync::store
