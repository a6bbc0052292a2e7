#include <algorithm>
#include <array>
#include <ostream>

#include <fmt/format.h>

#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/store/database.hpp"
#include "daemon/sync/refresh.hpp"

#ifndef PERSONSYNC_VERSION
#define PERSONSYNC_VERSION "unknown"
#endif

namespace personsync::cli {
namespace {

const std::array<const command*, 13> table{
    &check_config_command, &config_keys_command, &migrate_command, &status_command,  &run_command,
    &sync_command,         &refresh_command,     &resolve_command, &explain_command, &merge_command,
    &split_command,        &block_command,       &unpin_command};

void print_overview(std::ostream& out) {
  out << "personsync " PERSONSYNC_VERSION " — keeps one table of people from Whop and PostHog in PostgreSQL\n\n"
         "usage: personsync <command> [options]\n"
         "       personsync <command> --help\n\n"
         "commands:\n";
  for (const command* c : table) out << fmt::format("  {:<14} {}\n", c->name, c->summary);
  out << "\nexit codes: 0 ok, 1 failure, 64 usage, 69 database unavailable, 75 busy, 78 invalid config\n";
}

void print_command_help(const command& c, std::ostream& out) {
  out << fmt::format("usage: personsync {} {}\n\n{}\n\n{}\n\noptions:\n", c.name, c.usage, c.summary, c.description);
  for (const option_spec& o : c.options) {
    const std::string flag = o.value_name.empty() ? fmt::format("--{}", o.name)
                                                  : fmt::format("--{} {}", o.name, o.value_name);
    out << fmt::format("  {:<22} {}\n", flag, o.help);
  }
  out << fmt::format("  {:<22} {}\n", "--help", "show this help");
}

}  // namespace

std::span<const command* const> all_commands() { return table; }

int run_cli(std::span<const std::string> args, command_io io) {
  if (args.empty()) {
    print_overview(io.err);
    return exit_usage;
  }
  const std::string& name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    if (args.size() > 1) {
      for (const command* c : table) {
        if (c->name == args[1]) {
          print_command_help(*c, io.out);
          return exit_ok;
        }
      }
    }
    print_overview(io.out);
    return exit_ok;
  }
  if (name == "--version") {
    io.out << "personsync " PERSONSYNC_VERSION "\n";
    return exit_ok;
  }

  const command* chosen = nullptr;
  for (const command* c : table) {
    if (c->name == name) chosen = c;
  }
  if (!chosen) {
    io.err << fmt::format("personsync: unknown command '{}'\n\n", name);
    print_overview(io.err);
    return exit_usage;
  }

  const std::span<const std::string> rest = args.subspan(1);
  if (std::find(rest.begin(), rest.end(), "--help") != rest.end()) {
    print_command_help(*chosen, io.out);
    return exit_ok;
  }

  try {
    const arguments parsed(rest, chosen->options);
    if (!chosen->takes_arguments && !parsed.positionals().empty()) {
      throw usage_error(fmt::format("unexpected argument '{}'", parsed.positionals().front()));
    }
    return chosen->run(parsed, io);
  } catch (const usage_error& e) {
    io.err << fmt::format("personsync {}: {}\nsee: personsync {} --help\n", name, e.what(), name);
    return exit_usage;
  } catch (const sync::source_busy& e) {
    io.err << fmt::format("personsync {}: {}\n", name, e.what());
    return exit_busy;
  } catch (const store::database_unavailable& e) {
    io.err << fmt::format("personsync {}: {}\n", name, e.what());
    return exit_unavailable;
  } catch (const std::exception& e) {
    io.err << fmt::format("personsync {}: {}\n", name, e.what());
    return exit_failure;
  }
}

}  // namespace personsync::cli
