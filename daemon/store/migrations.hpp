#pragma once
// Versioned schema migrations: schema/NNNN_name.sql, compiled into the binary
// (cmake/embed_migrations.cmake), applied in order, each in its own transaction,
// recorded with a SHA-256 checksum. Concurrent runs are serialized by an
// advisory lock on the schema; a second run is a no-op.

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

namespace personsync::store {

struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// The files of schema/ as they were when this binary was built, by version.
std::span<const migration> bundled_migrations();

// An applied migration whose file changed, or a database newer than the binary.
class migration_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct schema_state {
  int current_version = 0;      // highest applied; 0 when nothing is applied
  int latest_version = 0;       // highest bundled
  std::vector<int> pending;     // bundled, not applied
};

struct migration_report {
  int version_before = 0;
  int version_after = 0;
  std::vector<int> applied;
};

std::string checksum_of(std::string_view sql);  // lowercase hex SHA-256

// Reads what is applied and checks it against `migrations` (checksums, no
// unknown versions); throws migration_error on a mismatch.
schema_state inspect_schema(soci::session& session, std::string_view schema, std::span<const migration> migrations);

schema_state inspect_schema(soci::session& session, std::string_view schema);

migration_report migrate(soci::session& session, std::string_view schema, std::span<const migration> migrations);

}  // namespace personsync::store
