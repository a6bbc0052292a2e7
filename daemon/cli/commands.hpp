#pragma once
// The subcommands, each defined in its own *_command.cpp.

#include "daemon/cli/command.hpp"

namespace personsync::cli {

extern const command check_config_command;
extern const command config_keys_command;
extern const command migrate_command;
extern const command status_command;
extern const command sync_command;
extern const command refresh_command;
extern const command resolve_command;
extern const command run_command;
extern const command explain_command;
extern const command merge_command;
extern const command split_command;
extern const command block_command;
extern const command unpin_command;

}  // namespace personsync::cli
