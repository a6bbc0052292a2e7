// personsync migrate: create or upgrade the schema.

#include <array>
#include <ostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_loading.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/migrations.hpp"

namespace personsync::cli {
namespace {

constexpr std::array options{config_option};

int run(const arguments& args, command_io io) {
  const auto cfg = load_config_for(args, io);
  if (!cfg) return exit_config;

  const auto session = store::connect(cfg->database);
  const store::migration_report report =
      store::migrate(*session, cfg->database.schema, store::bundled_migrations());

  const auto migrations = store::bundled_migrations();
  for (const int version : report.applied) {
    for (const auto& m : migrations) {
      if (m.version == version) {
        spdlog::info("applied migration {:04}_{} to schema {}", m.version, m.name, cfg->database.schema);
        io.out << fmt::format("applied {:04}_{}\n", m.version, m.name);
      }
    }
  }
  if (report.applied.empty()) {
    io.out << fmt::format("schema {} is up to date (version {})\n", cfg->database.schema, report.version_after);
  } else {
    io.out << fmt::format("schema {} migrated from version {} to {}\n", cfg->database.schema, report.version_before,
                          report.version_after);
  }
  return exit_ok;
}

}  // namespace

const command migrate_command{
    .name = "migrate",
    .summary = "create or upgrade the database schema",
    .usage = "[--config FILE]",
    .description = "Applies the migrations this binary carries, in order, each in its own transaction. Safe to run "
                   "concurrently (an advisory lock serializes runs) and again (a no-op when up to date).\n"
                   "Exit codes: 0 done, 1 a migration failed or an applied one was changed, 69 database "
                   "unavailable, 78 invalid config.",
    .options = options,
    .run = run,
};

}  // namespace personsync::cli
