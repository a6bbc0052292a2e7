// A full resolution drops the indexes of the tables it rewrites and builds them
// again after the load. They come back as the catalog had them, not as code
// restating the migrations would write them: an index a later migration (here
// an operator) changed or added survives every full resolution.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/deployment.hpp"

namespace personsync {
namespace {

using testing::scratch_database;
using testing::sim_fixture;
using testing::sync_deployment;

// "name: definition" of every index of the tables a full resolution rewrites, with the
// constraints they back.
std::vector<std::string> index_definitions(const scratch_database& db) {
  const auto session = db.session();
  std::vector<std::string> out;
  soci::rowset<std::string> rows = (session->prepare <<
      "SELECT i.indexrelid::regclass::text || ': ' || pg_get_indexdef(i.indexrelid) || "
      "  coalesce(' [' || c.conname || ' ' || pg_get_constraintdef(c.oid) || ']', '') "
      "FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
      "WHERE i.indrelid IN ('personsync.persons'::regclass, 'personsync.record_persons'::regclass, "
      "                     'personsync.record_identifiers'::regclass) ORDER BY 1");
  for (const std::string& r : rows) out.push_back(r);
  return out;
}

TEST(IndexDefinitions, AFullResolutionBuildsBackTheIndexesTheCatalogHad) {
  scratch_database db;
  sim_fixture sim(testing::sim_options(300, 200));
  sync_deployment d(db, sim);
  ASSERT_EQ(d.run({"sync"}).exit_code, 0);
  {
    // What a later migration could do: an index changed (partial now, another name) and one added.
    const auto session = db.session();
    *session << "DROP INDEX personsync.record_persons_by_person; "
                "CREATE INDEX record_persons_by_person_v2 ON personsync.record_persons (person_id, record_id); "
                "CREATE INDEX record_identifiers_by_kind ON personsync.record_identifiers (kind) "
                "  WHERE kind <> 'email'";
  }
  const std::vector<std::string> before = index_definitions(db);
  ASSERT_EQ(before.size(), 7u) << ::testing::PrintToString(before);

  ASSERT_EQ(d.run({"resolve", "--full"}).exit_code, 0);
  EXPECT_EQ(index_definitions(db), before);
  // And the tables are whole behind them: every live record has its person.
  EXPECT_EQ(db.count("SELECT count(*) FROM personsync.record_persons"),
            db.count("SELECT count(*) FROM personsync.source_records WHERE deleted_at IS NULL"));
  EXPECT_GT(db.count("SELECT count(*) FROM personsync.record_identifiers"), 0);
}

}  // namespace
}  // namespace personsync
