// personsync refresh: fetch one PostHog person now and land it.

#include <algorithm>
#include <array>
#include <cctype>
#include <ostream>
#include <stdexcept>

#include <fmt/format.h>

#include "common/uuid.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_loading.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/sync/refresh.hpp"

namespace personsync::cli {
namespace {

constexpr std::array options{
    config_option,
    option_spec{.name = "source", .value_name = "NAME", .help = "the [[posthog]] source the person belongs to"},
};

// A uuid, or a positive integer.
bool is_person_id(const std::string& text) {
  try {
    parse_uuid(text);
    return true;
  } catch (const std::invalid_argument&) {
  }
  return !text.empty() && text.size() < 19 && text.front() != '0' &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

int run(const arguments& args, command_io io) {
  const auto cfg = load_config_for(args, io);
  if (!cfg) return exit_config;
  const auto source_name = args.value("source");
  if (!source_name) throw usage_error("--source is required");
  if (args.positionals().size() != 1) throw usage_error("give exactly one PostHog person id");
  // PostHog's retrieve takes its integer id or the uuid (the only id the persons list and our views show).
  const std::string& id = args.positionals().front();
  if (!is_person_id(id)) throw usage_error(fmt::format("'{}' is neither a PostHog person uuid nor its integer id", id));
  const auto source = std::find_if(cfg->posthog_sources.begin(), cfg->posthog_sources.end(),
                                   [&](const auto& s) { return s.source.name == *source_name; });
  if (source == cfg->posthog_sources.end()) {
    throw usage_error(fmt::format("no [[posthog]] source named '{}' in {}", *source_name, cfg->file.string()));
  }

  const sync::refresh_result result = sync::refresh_person(cfg->database, *source, id);
  if (!result.uuid) {
    io.out << fmt::format("{}: PostHog has no person {} (run {})\n", *source_name, id, result.run_id);
    return exit_failure;
  }
  const char* what = result.counts.inserted ? "inserted" : result.counts.updated ? "updated" : "unchanged";
  io.out << fmt::format("{}: person {} ({}) {} (run {})\n", *source_name, id, *result.uuid, what, result.run_id);
  return exit_ok;
}

}  // namespace

const command refresh_command{
    .name = "refresh",
    .summary = "fetch one PostHog person now and land it",
    .usage = "--source NAME [--config FILE] PERSON_ID_OR_UUID",
    .description = "Retrieves the person by PostHog's uuid (as person_sources.source_key shows it) or integer id and lands it like a sync would (written only if it "
                   "changed), recorded as a 'refresh' run. Nothing is deleted: a person PostHog does not have is "
                   "reported, and the next full sweep decides.\n"
                   "Exit codes: 0 landed, 1 not found or failed, 64 usage, 69 database unavailable, 75 the source "
                   "is busy in another process, 78 invalid config.",
    .options = options,
    .run = run,
    .takes_arguments = true,
};

}  // namespace personsync::cli
