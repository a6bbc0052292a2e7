#pragma once
// A subcommand: its name, help and options, and what it runs. Commands are
// listed in one table (commands.cpp); `personsync help` and `--help` read it.

#include <iosfwd>
#include <span>
#include <string_view>

#include "daemon/cli/arguments.hpp"

namespace personsync::cli {

struct command_io {
  std::ostream& out;
  std::ostream& err;
};

struct command {
  std::string_view name;
  std::string_view summary;
  std::string_view usage;        // after "personsync <name> "
  std::string_view description;  // what it does, exit codes it uses
  std::span<const option_spec> options;
  int (*run)(const arguments& args, command_io io);
  bool takes_arguments = false;  // positional arguments after the options
};

std::span<const command* const> all_commands();

// The entry point behind main(): parses, dispatches, maps errors to exit codes.
int run_cli(std::span<const std::string> args, command_io io);

}  // namespace personsync::cli
