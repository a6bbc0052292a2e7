#include "daemon/store/indexes_set_aside.hpp"

#include <soci/soci.h>

#include "daemon/store/database.hpp"

namespace personsync::store {

indexes_set_aside::indexes_set_aside(soci::session& session, std::string table)
    : session_(session), table_(std::move(table)) {
  soci::rowset<soci::row> rows =
      (session_.prepare << "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),"
                           " coalesce(quote_ident(c.conname), ''), coalesce(pg_get_constraintdef(c.oid), '')"
                           " FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid"
                           " AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')"
                           " WHERE i.indrelid = to_regclass(:t) ORDER BY i.indexrelid",
       soci::use(table_));
  for (const soci::row& r : rows) {
    index ix{.name = r.get<std::string>(0), .definition = r.get<std::string>(1), .constraint = std::nullopt,
             .constraint_definition = r.get<std::string>(3)};
    if (const std::string constraint = r.get<std::string>(2); !constraint.empty()) ix.constraint = constraint;
    indexes_.push_back(std::move(ix));
  }
  std::string drop;
  for (const index& ix : indexes_) {
    drop += ix.constraint ? "ALTER TABLE " + table_ + " DROP CONSTRAINT " + *ix.constraint + "; "
                          : "DROP INDEX " + ix.name + "; ";
  }
  if (!drop.empty()) execute_script(session_, drop);
}

void indexes_set_aside::rebuild() {
  std::string build;
  for (const index& ix : indexes_) {
    build += ix.constraint ? "ALTER TABLE " + table_ + " ADD CONSTRAINT " + *ix.constraint + " " +
                                 ix.constraint_definition + "; "
                           : ix.definition + "; ";
  }
  execute_script(session_, build + "ANALYZE " + table_ + ";");
  indexes_.clear();
}

}  // namespace personsync::store
