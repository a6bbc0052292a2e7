// personsync refresh: fetch one PostHog person now and land it.

#include <array>
#include <charconv>
#include <ostream>

#include <fmt/format.h>

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

int run(const arguments& args, command_io io) {
  const auto cfg = load_config_for(args, io);
  if (!cfg) return exit_config;
  const auto source_name = args.value("source");
  if (!source_name) throw usage_error("--source is required");
  if (args.positionals().size() != 1) throw usage_error("give exactly one PostHog person id");
  const std::string& text = args.positionals().front();
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) {
    throw usage_error(fmt::format("'{}' is not a PostHog person id (a positive integer)", text));
  }
  const auto source = std::find_if(cfg->posthog_sources.begin(), cfg->posthog_sources.end(),
                                   [&](const auto& s) { return s.source.name == *source_name; });
  if (source == cfg->posthog_sources.end()) {
    throw usage_error(fmt::format("no [[posthog]] source named '{}' in {}", *source_name, cfg->file.string()));
  }

  const sync::refresh_result result = sync::refresh_person(*cfg, *source, id);
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
    .usage = "--source NAME [--config FILE] PERSON_ID",
    .description = "Retrieves the person by PostHog's integer id and lands it like a sync would (written only if it "
                   "changed), recorded as a 'refresh' run. Nothing is deleted: a person PostHog does not have is "
                   "reported, and the next full sweep decides.\n"
                   "Exit codes: 0 landed, 1 not found or failed, 64 usage, 69 database unavailable, 75 the source "
                   "is busy in another process, 78 invalid config.",
    .options = options,
    .run = run,
    .takes_arguments = true,
};

}  // namespace personsync::cli
