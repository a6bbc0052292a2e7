// personsync check-config: validate the config file and say what it configures.

#include <array>
#include <ostream>

#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_loading.hpp"
#include "daemon/cli/exit_codes.hpp"

namespace personsync::cli {
namespace {

constexpr std::array options{config_option};

int run(const arguments& args, command_io io) {
  const auto cfg = load_config_for(args, io);
  if (!cfg) return exit_config;

  io.out << cfg->file.string() << ": OK, " << cfg->source_count()
         << (cfg->source_count() == 1 ? " source" : " sources") << '\n';
  for (const auto& s : cfg->whop_sources) {
    io.out << "  whop    " << s.source.name << "  scope " << s.scope() << "  " << s.source.base_url << '\n';
  }
  for (const auto& s : cfg->posthog_sources) {
    io.out << "  posthog " << s.source.name << "  scope " << s.scope() << "  " << s.source.base_url << '\n';
  }
  return exit_ok;
}

}  // namespace

const command check_config_command{
    .name = "check-config",
    .summary = "validate the config file",
    .usage = "[--config FILE]",
    .description = "Reads the config file and reports every error at once, each with file:line:column and "
                   "the key path; reads every credential file and variable it names (never printing them).\n"
                   "Exit codes: 0 valid, 78 invalid.",
    .options = options,
    .run = run,
};

}  // namespace personsync::cli
