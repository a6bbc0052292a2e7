// personsync check-config: validate the config file and say what it configures.

#include <array>
#include <ostream>

#include <fmt/format.h>

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
  const auto line = [&](std::string_view provider, const auto& s) {
    io.out << fmt::format("  {:<8} {:<20} scope {:<24} {}\n", provider, s.source.name, s.scope(), s.source.base_url);
  };
  for (const auto& s : cfg->whop_sources) line("whop", s);
  for (const auto& s : cfg->posthog_sources) line("posthog", s);
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
