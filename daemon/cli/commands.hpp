#pragma once
// The subcommands, each defined in its own *_command.cpp.

#include "daemon/cli/command.hpp"

namespace personsync::cli {

extern const command check_config_command;
extern const command migrate_command;
extern const command status_command;
extern const command sync_command;
extern const command refresh_command;

}  // namespace personsync::cli
