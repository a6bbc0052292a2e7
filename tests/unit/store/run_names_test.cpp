// The names a run's status and mode and a constraint's kind leave the program under: each
// one the migrations allow, and each read back as what wrote it.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "daemon/store/constraint_kind.hpp"
#include "daemon/store/run_mode.hpp"
#include "daemon/store/run_status.hpp"

namespace personsync::store {
namespace {

std::string schema_file(const std::string& name) {
  std::ifstream in(std::string(PERSONSYNC_SOURCE_DIR) + "/schema/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RunNames, EveryStatusIsOneTheSyncRunsCheckAllows) {
  const std::string migration = schema_file("0012_interrupted_runs.sql");
  const std::string check = migration.substr(migration.find("ADD CONSTRAINT sync_runs_status_check"));
  ASSERT_FALSE(check.empty());
  for (const run_status s : {run_status::running, run_status::succeeded, run_status::failed, run_status::cancelled,
                             run_status::interrupted}) {
    EXPECT_NE(check.find("'" + std::string(name_of(s)) + "'"), std::string::npos) << name_of(s);
  }
}

TEST(RunNames, AModeReadsBackAsItselfAndAnUnknownTextAsNone) {
  for (const run_mode m : {run_mode::full, run_mode::incremental, run_mode::refresh}) {
    EXPECT_EQ(run_mode_named(name_of(m)), m) << name_of(m);
  }
  EXPECT_EQ(run_mode_named("Full"), std::nullopt);
  EXPECT_EQ(run_mode_named(""), std::nullopt);
}

TEST(RunNames, EveryConstraintKindIsOneTheConstraintsCheckAllowsAndReadsBackAsItself) {
  const std::string migration = schema_file("0004_identity.sql");
  const auto table = migration.find("CREATE TABLE identity_constraints");
  ASSERT_NE(table, std::string::npos);
  const std::string check = migration.substr(migration.find("kind IN (", table));
  for (const constraint_kind k : {constraint_kind::must_link, constraint_kind::cannot_link, constraint_kind::block_value}) {
    EXPECT_EQ(check.find("'" + std::string(name_of(k)) + "'") < check.find(')'), true) << name_of(k);
    EXPECT_EQ(constraint_kind_named(name_of(k)), k);
  }
  EXPECT_EQ(constraint_kind_named("must-link"), std::nullopt);
}

}  // namespace
}  // namespace personsync::store
