// personsync sync: run the configured sources once.

#include <array>
#include <ostream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "connectors/paging/sweep_anomalies.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_loading.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/identity_report.hpp"
#include "daemon/runtime/stop_signals.hpp"
#include "daemon/runtime/sync_cycle.hpp"
#include "daemon/sync/sync_runner.hpp"

namespace personsync::cli {
namespace {

constexpr std::array options{
    config_option,
    option_spec{.name = "source", .value_name = "NAME", .help = "only this source (repeatable)", .repeatable = true},
    option_spec{.name = "full", .help = "a full sweep, even where an incremental run would do"},
    option_spec{.name = "no-resolve", .help = "land only; leave identity resolution to a later `resolve` or sync"},
    option_spec{.name = "json", .help = "print one JSON object instead of text"},
};

boost::json::object to_json(const sync::source_summary& s) {
  boost::json::object o{{"source", s.name},
                        {"provider", s.provider},
                        {"scope", s.scope},
                        {"mode", s.mode ? name_of(*s.mode) : ""},
                        {"status", name_of(s.status)},
                        {"fetched", s.counts.fetched},
                        {"inserted", s.counts.inserted},
                        {"updated", s.counts.updated},
                        {"unchanged", s.counts.unchanged},
                        {"rejected", s.counts.rejected},
                        {"deleted", s.deleted},
                        {"requests", s.sweep.requests},
                        {"retries", s.sweep.retries},
                        {"throttled", s.sweep.throttled},
                        {"seconds", s.seconds}};
  o["run_id"] = s.run_id ? boost::json::value(*s.run_id) : boost::json::value(nullptr);
  o["error"] = s.error ? boost::json::value(*s.error) : boost::json::value(nullptr);
  o["marked_absent"] = s.marked_absent;
  if (s.deletes_withheld.doubt == paging::sweep_doubt::none) {
    o["deletes_withheld"] = nullptr;
  } else {
    o["deletes_withheld"] = {{"reason", paging::doubt_name(s.deletes_withheld.doubt)},
                             {"detail", s.deletes_withheld.detail}};
  }
  o["anomalies"] = paging::anomalies_json(s.sweep);
  o["provider_clock_skew_seconds"] = s.sweep.provider_clock_skew_seconds
                                         ? boost::json::value(*s.sweep.provider_clock_skew_seconds)
                                         : boost::json::value(nullptr);
  return o;
}

int run(const arguments& args, command_io io) {
  const auto cfg = load_config_for(args, io);
  if (!cfg) return exit_config;

  sync::sync_options opts;
  opts.force_full = args.flag("full");
  opts.only_sources = args.values("source");
  for (const std::string& name : opts.only_sources) {
    const bool known = std::any_of(cfg->whop_sources.begin(), cfg->whop_sources.end(), [&](const auto& s) { return s.source.name == name; }) ||
                       std::any_of(cfg->posthog_sources.begin(), cfg->posthog_sources.end(), [&](const auto& s) { return s.source.name == name; });
    if (!known) throw usage_error(fmt::format("no source named '{}' in {}", name, cfg->file.string()));
  }

  sync::sync_cancellation cancellation;
  opts.cancellation = &cancellation;
  const runtime::stop_signals signals([&] { cancellation.cancel(); });
  const runtime::cycle_result cycle = runtime::sync_and_resolve(*cfg, opts, !args.flag("no-resolve"));
  const std::vector<sync::source_summary>& summaries = cycle.sources;
  const std::optional<store::resolution_summary>& identity = cycle.identity;
  const std::optional<std::string>& identity_error = cycle.identity_error;

  if (args.flag("json")) {
    boost::json::array list;
    for (const auto& s : summaries) list.push_back(to_json(s));
    io.out << boost::json::serialize(boost::json::object{
                  {"sources", std::move(list)},
                  {"identity", identity ? boost::json::value(cli::to_json(*identity)) : boost::json::value(nullptr)},
                  {"identity_error", identity_error ? boost::json::value(*identity_error) : boost::json::value(nullptr)}})
           << '\n';
  } else {
    io.out << fmt::format("{:<20} {:<8} {:<12} {:<9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8}\n", "source", "provider",
                          "mode", "status", "fetched", "inserted", "updated", "unchanged", "rejected", "deleted", "time");
    for (const auto& s : summaries) {
      io.out << fmt::format("{:<20} {:<8} {:<12} {:<9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>7.1f}s\n", s.name,
                            s.provider, s.mode ? name_of(*s.mode) : "-", name_of(s.status), s.counts.fetched, s.counts.inserted,
                            s.counts.updated, s.counts.unchanged, s.counts.rejected, s.deleted, s.seconds);
      if (s.error) io.out << fmt::format("  {}: {}\n", s.name, *s.error);
    }
    if (identity) io.out << to_text(*identity) << '\n';
    if (identity_error) io.out << "identity: resolution failed: " << *identity_error << '\n';
  }
  const bool failed = std::any_of(summaries.begin(), summaries.end(), [](const auto& s) { return s.status == sync::source_result::failed; });
  const bool busy = std::any_of(summaries.begin(), summaries.end(), [](const auto& s) { return s.status == sync::source_result::busy; });
  if (signals.received() != 0) return 128 + signals.received();  // as a shell reports a command a signal ended
  return failed || identity_error ? exit_failure : busy ? exit_busy : exit_ok;
}

}  // namespace

const command sync_command{
    .name = "sync",
    .summary = "fetch every configured source once and land what changed",
    .usage = "[--config FILE] [--source NAME]... [--full] [--no-resolve] [--json]",
    .description = "Runs the sources concurrently, each within its limits and under a lock that keeps other "
                   "processes off it. Full sweeps where none has completed yet (or with --full), else incremental "
                   "runs. Records missing from a complete unfiltered full sweep are soft-deleted, PostHog's only "
                   "after a retrieve confirms it; a failed or partial sweep deletes nothing. Then identities are resolved "
                   "for what changed (see `resolve`).\n"
                   "Exit codes: 0 all succeeded, 1 a source failed, 64 usage, 69 database unavailable, 75 a source "
                   "is busy in another process, 78 invalid config.",
    .options = options,
    .run = run,
};

}  // namespace personsync::cli
