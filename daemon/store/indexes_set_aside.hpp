#pragma once
// A table's indexes, its key among them, dropped for a bulk load and built again
// after it exactly as they were. Their definitions are read from the catalog
// (pg_get_indexdef, pg_get_constraintdef), which makes the migrations their one
// definition: a migration that changes an index is never undone by the next
// full resolution, as it would be by DDL restated here.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace personsync::store {

class indexes_set_aside {
 public:
  // Reads every index of `table` (a table of the session's schema) and drops it, in the
  // caller's transaction: a failure before rebuild() rolls the drop back with the load.
  indexes_set_aside(soci::session& session, std::string table);
  indexes_set_aside(const indexes_set_aside&) = delete;
  indexes_set_aside& operator=(const indexes_set_aside&) = delete;

  // Builds them again, in the order they were first made, and analyzes the table so that
  // the planner knows its new size.
  void rebuild();

 private:
  struct index {
    std::string name;                       // as regclass writes it: quoted and qualified where needed
    std::string definition;                 // CREATE [UNIQUE] INDEX ...
    std::optional<std::string> constraint;  // the key or unique constraint it backs: its name
    std::string constraint_definition;      // PRIMARY KEY (...), UNIQUE (...)
  };

  soci::session& session_;
  const std::string table_;
  std::vector<index> indexes_;
};

}  // namespace personsync::store
