// personsync status: schema version, configured sources and their last runs.

#include <array>
#include <map>
#include <ostream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_loading.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/identity_report.hpp"
#include "daemon/store/identity_store.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/sync_runs.hpp"
#include "daemon/store/source_lock.hpp"

namespace personsync::cli {
namespace {

constexpr std::array options{
    config_option,
    option_spec{.name = "json", .help = "print one JSON object instead of text"},
};

struct configured_source {
  std::string name;
  std::string provider;
  std::string scope;
};

std::vector<configured_source> sources_of(const settings::daemon_config& cfg) {
  std::vector<configured_source> out;
  for (const auto& s : cfg.whop_sources) out.push_back({s.source.name, "whop", s.scope()});
  for (const auto& s : cfg.posthog_sources) out.push_back({s.source.name, "posthog", s.scope()});
  return out;
}

// A run still going on after schedule.max_run_time: /readyz fails for it too.
bool overdue(const store::sync_run& r, std::chrono::milliseconds max_run_time) {
  return r.running_seconds && std::chrono::seconds(*r.running_seconds) > max_run_time;
}

boost::json::value run_to_json(const store::sync_run& r, std::chrono::milliseconds max_run_time) {
  boost::json::object o{
      {"run_id", r.run_id}, {"mode", r.mode}, {"status", r.status}, {"started_at", r.started_at},
      {"fetched", r.fetched}, {"inserted", r.inserted}, {"updated", r.updated}, {"unchanged", r.unchanged},
      {"rejected", r.rejected}, {"deleted", r.deleted}};
  o["finished_at"] = r.finished_at ? boost::json::value(*r.finished_at) : boost::json::value(nullptr);
  o["error"] = r.error ? boost::json::value(*r.error) : boost::json::value(nullptr);
  o["running_seconds"] = r.running_seconds ? boost::json::value(*r.running_seconds) : boost::json::value(nullptr);
  o["overdue"] = overdue(r, max_run_time);
  return o;
}

boost::json::object identity_to_json(const store::identity_overview& o) {
  boost::json::array quarantined, frozen;
  for (const auto& q : o.quarantined_values) {
    quarantined.push_back(boost::json::object{{"kind", q.kind}, {"value", q.value}, {"records", q.records}});
  }
  for (const auto& f : o.frozen_components) {
    frozen.push_back(boost::json::object{{"first_record", f.first_record}, {"records", f.records}});
  }
  boost::json::object out{{"active_persons", o.active_persons},
                          {"merged_persons", o.merged_persons},
                          {"deleted_persons", o.deleted_persons},
                          {"queued_records", o.queued_records},
                          {"constraints", boost::json::object{{"must_link", o.must_links},
                                                              {"cannot_link", o.cannot_links},
                                                              {"block_value", o.blocked_values}}},
                          {"quarantined_values_total", o.quarantined_total},
                          {"quarantined_values", std::move(quarantined)},
                          {"frozen_components", std::move(frozen)}};
  if (o.last_resolution) {
    boost::json::object last = to_json(*o.last_resolution);
    last["finished_at"] = o.last_resolution_at.value_or("");
    out["last_resolution"] = std::move(last);
  } else {
    out["last_resolution"] = nullptr;
  }
  return out;
}

void print_identity(const store::identity_overview& o, std::ostream& out) {
  out << fmt::format("identity: {} persons ({} merged and {} deleted ids kept as history), {} records queued\n",
                     o.active_persons, o.merged_persons, o.deleted_persons, o.queued_records);
  if (o.last_resolution) out << "  last " << describe(*o.last_resolution) << ", at " << *o.last_resolution_at << '\n';
  out << fmt::format("  constraints: {} must_link, {} cannot_link, {} blocked values\n", o.must_links, o.cannot_links,
                     o.blocked_values);
  if (o.quarantined_total > 0) {
    out << fmt::format("  quarantined values (on too many records; never a link): {}\n", o.quarantined_total);
    for (const auto& q : o.quarantined_values) out << fmt::format("    {} '{}': {} records\n", q.kind, q.value, q.records);
  }
  if (!o.frozen_components.empty()) {
    out << fmt::format("  FROZEN components (above identity.max_component_size; not published): {}\n",
                       o.frozen_components.size());
    for (const auto& f : o.frozen_components) {
      out << fmt::format("    {} records, from {} (see `personsync explain`)\n", f.records, f.first_record);
    }
  }
}

std::string run_to_text(const store::sync_run& r, std::chrono::milliseconds max_run_time) {
  std::string text = fmt::format("run {} {} {} started {}", r.run_id, r.mode, r.status, r.started_at);
  if (r.running_seconds) text += fmt::format(", running for {} s", *r.running_seconds);
  if (overdue(r, max_run_time)) text += " (longer than schedule.max_run_time)";
  if (r.finished_at) text += fmt::format(", finished {}", *r.finished_at);
  text += fmt::format("; fetched {}, inserted {}, updated {}, unchanged {}, rejected {}, deleted {}", r.fetched,
                      r.inserted, r.updated, r.unchanged, r.rejected, r.deleted);
  if (r.error) text += fmt::format("; error: {}", *r.error);
  return text;
}

int run(const arguments& args, command_io io) {
  const auto cfg = load_config_for(args, io);
  if (!cfg) return exit_config;

  const auto session = store::connect(cfg->database);
  const store::schema_state schema = store::inspect_schema(*session, cfg->database.schema);
  std::map<std::string, store::sync_run> last_run;
  std::optional<store::identity_overview> identity;
  if (schema.current_version > 0) {
    for (store::sync_run& r : store::latest_runs(*session)) last_run.emplace(r.source_name, std::move(r));
  }
  if (schema.current_version >= 4) identity = store::identity_store(*session).overview();
  const std::vector<configured_source> sources = sources_of(*cfg);
  std::vector<std::string> names;
  for (const configured_source& s : sources) names.push_back(s.name);
  // Which `personsync run` replica schedules each source (none running: no holder).
  const std::map<std::string, std::string> holders = store::lease_holders(*session, cfg->database.schema, names);
  const auto holder_of = [&](const std::string& name) -> std::optional<std::string> {
    const auto it = holders.find(name);
    return it == holders.end() ? std::nullopt : std::optional(it->second);
  };

  if (args.flag("json")) {
    boost::json::array pending(schema.pending.begin(), schema.pending.end());
    boost::json::array source_list;
    for (const configured_source& s : sources) {
      const auto it = last_run.find(s.name);
      const auto holder = holder_of(s.name);
      source_list.push_back(boost::json::object{
          {"name", s.name}, {"provider", s.provider}, {"scope", s.scope},
          {"scheduled_by", holder ? boost::json::value(*holder) : boost::json::value(nullptr)},
          {"last_run", it == last_run.end() ? boost::json::value(nullptr) : run_to_json(it->second, cfg->schedule.max_run_time)}});
    }
    const boost::json::object status{
        {"schema", boost::json::object{{"name", cfg->database.schema},
                                       {"version", schema.current_version},
                                       {"latest", schema.latest_version},
                                       {"pending", std::move(pending)}}},
        {"sources", std::move(source_list)},
        {"identity", identity ? boost::json::value(identity_to_json(*identity)) : boost::json::value(nullptr)}};
    io.out << boost::json::serialize(status) << '\n';
    return exit_ok;
  }

  if (schema.current_version == 0) {
    io.out << fmt::format("schema {}: not migrated (run `personsync migrate`)\n", cfg->database.schema);
  } else if (schema.pending.empty()) {
    io.out << fmt::format("schema {}: version {} (up to date)\n", cfg->database.schema, schema.current_version);
  } else {
    io.out << fmt::format("schema {}: version {}, {} pending (latest {}; run `personsync migrate`)\n",
                          cfg->database.schema, schema.current_version, schema.pending.size(), schema.latest_version);
  }
  io.out << fmt::format("sources: {}\n", sources.size());
  for (const configured_source& s : sources) {
    const auto it = last_run.find(s.name);
    const auto holder = holder_of(s.name);
    io.out << fmt::format("  {:<8} {:<20} scope {:<24} {}\n", s.provider, s.name, s.scope,
                          it == last_run.end() ? std::string("never run") : run_to_text(it->second, cfg->schedule.max_run_time));
    io.out << fmt::format("           scheduled by {}\n",
                          holder ? "replica " + *holder : std::string("no running replica"));
  }
  if (identity) print_identity(*identity, io.out);
  return exit_ok;
}

}  // namespace

const command status_command{
    .name = "status",
    .summary = "show schema version, sources and their last runs, and identity resolution",
    .usage = "[--config FILE] [--json]",
    .description = "Reads the database: the schema version against this binary's migrations, and for each "
                   "configured source its most recent run and the `personsync run` replica scheduling it; persons, queued records, constraints, quarantined values and "
                   "frozen components.\n"
                   "Exit codes: 0 printed, 1 failure, 69 database unavailable, 78 invalid config.",
    .options = options,
    .run = run,
};

}  // namespace personsync::cli
