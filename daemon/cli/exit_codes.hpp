#pragma once
// personsync's exit codes, from sysexits(3) where one fits. Documented in README.md.

namespace personsync::cli {

enum exit_code : int {
  exit_ok = 0,
  exit_failure = 1,       // the command ran and failed (a migration, a sync)
  exit_usage = 64,        // EX_USAGE: unknown command or option, missing argument
  exit_unavailable = 69,  // EX_UNAVAILABLE: PostgreSQL cannot be reached
  exit_busy = 75,         // EX_TEMPFAIL: the work is already running elsewhere; try again later
  exit_config = 78,       // EX_CONFIG: the config file is invalid
};

}  // namespace personsync::cli
