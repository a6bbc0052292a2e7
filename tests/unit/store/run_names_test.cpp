// The names a run's status and mode leave the program under: each one the migrations
// allow, and each mode read back from a checkpoint as what wrote it.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace personsync::store
