#pragma once
// What every command that reads the config file shares: the --config option,
// loading with all diagnostics printed, and logging set up from the result.

#include <optional>

#include "daemon/cli/arguments.hpp"
#include "daemon/cli/command.hpp"
#include "daemon/settings/daemon_config.hpp"

namespace personsync::cli {

inline constexpr option_spec config_option{
    .name = "config", .value_name = "FILE",
    .help = "config file (default: $PERSONSYNC_CONFIG, else /etc/personsync/personsync.toml)"};

// Prints every error and warning to io.err (sorted by line); nullopt when the
// file has errors. On success, logging follows the file's [log] section.
std::optional<settings::daemon_config> load_config_for(const arguments& args, command_io io);

}  // namespace personsync::cli
