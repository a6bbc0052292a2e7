// personsync resolve: run identity resolution over what landed since the last one.

#include <array>
#include <ostream>

#include <boost/json.hpp>

#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_loading.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/identity_report.hpp"
#include "daemon/resolution/resolve_identities.hpp"
#include "daemon/store/database.hpp"

namespace personsync::cli {
namespace {

constexpr std::array options{
    config_option,
    option_spec{.name = "full", .help = "resolve every record again, not only the components that changed"},
    json_option,
};

int run(const arguments& args, command_io io) {
  const auto cfg = load_config_for(args, io);
  if (!cfg) return exit_config;
  const auto session = store::connect(cfg->database);
  const auto summary = resolution::resolve_identities(*session, cfg->identity, {.force_full = args.flag("full")});
  if (args.flag("json")) {
    io.out << boost::json::serialize(to_json(summary)) << '\n';
  } else {
    io.out << to_text(summary) << '\n';
  }
  return exit_ok;
}

}  // namespace

const command resolve_command{
    .name = "resolve",
    .summary = "resolve identities: publish persons from what landed since the last resolution",
    .usage = "[--config FILE] [--full] [--json]",
    .description = "Recomputes the components touched by changed records, identifiers or constraints (all of them "
                   "with --full, or when the [identity] settings changed) and publishes persons, redirects and "
                   "events. `sync` does this after landing; this command is for after a config change or by hand.\n"
                   "Exit codes: 0 done, 1 failure, 69 database unavailable, 78 invalid config.",
    .options = options,
    .run = run,
};

}  // namespace personsync::cli
