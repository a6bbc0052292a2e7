// personsync explain: why records are one person, or why they are not.

#include <array>
#include <ostream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_loading.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/identity_report.hpp"
#include "daemon/identity/explain.hpp"
#include "daemon/resolution/resolve_identities.hpp"
#include "daemon/store/database.hpp"

namespace personsync::cli {
namespace {

constexpr std::array options{config_option, json_option};

std::string via_text(const std::optional<identity::identifier_value>& via) {
  return via ? fmt::format("{} '{}'", identity::name_of(via->kind), via->value) : std::string("must_link (operator)");
}

boost::json::array steps_json(const std::vector<identity::link_step>& steps) {
  boost::json::array out;
  for (const auto& s : steps) {
    boost::json::object o{{"from", s.from}, {"to", s.to}};
    o["via_kind"] = s.via ? boost::json::value(identity::name_of(s.via->kind)) : boost::json::value("must_link");
    o["via_value"] = s.via ? boost::json::value(s.via->value) : boost::json::value(nullptr);
    out.push_back(std::move(o));
  }
  return out;
}

std::optional<std::size_t> index_of(const resolution::resolved_area& area, std::int64_t record_id) {
  const auto it = std::find(area.record_ids.begin(), area.record_ids.end(), record_id);
  if (it == area.record_ids.end()) return std::nullopt;
  return static_cast<std::size_t>(it - area.record_ids.begin());
}

int explain_person(const arguments& args, command_io io, soci::session& session, const settings::daemon_config& cfg,
                   const std::string& person_arg) {
  store::identity_store store(session);
  const std::string person = resolution::live_person(store, person_arg);
  const auto policy = resolution::current_policy(session, cfg.identity);
  const auto area = resolution::resolve_around(session, cfg.identity, policy, store.records_of_persons({person}));
  const auto e = identity::explain_person(area.input, area.result, person, cfg.identity, policy);
  if (args.flag("json")) {
    boost::json::array unused;
    for (const auto& u : e.unused) {
      unused.push_back(boost::json::object{{"record", u.record}, {"kind", identity::name_of(u.value.kind)},
                                           {"value", u.value.value}, {"why", u.why}});
    }
    io.out << boost::json::serialize(boost::json::object{
                  {"person", e.person}, {"redirected_from", person == person_arg ? boost::json::value(nullptr) : boost::json::value(person_arg)},
                  {"records", boost::json::array(e.records.begin(), e.records.end())},
                  {"links", steps_json(e.links)}, {"unused_values", std::move(unused)}, {"frozen", e.frozen}})
           << '\n';
    return exit_ok;
  }
  if (person != person_arg) io.out << fmt::format("{} was merged into {}\n", person_arg, person);
  io.out << fmt::format("person {}{}: {} record(s)\n", person, e.frozen ? " (in a frozen component)" : "", e.records.size());
  for (const auto& r : e.records) io.out << "  " << r << '\n';
  io.out << "linked by:\n";
  for (const auto& s : e.links) io.out << fmt::format("  {} — {} via {}\n", s.from, s.to, via_text(s.via));
  if (!e.unused.empty()) io.out << "values that link nothing:\n";
  for (const auto& u : e.unused) {
    io.out << fmt::format("  {} {} '{}': {}\n", u.record, identity::name_of(u.value.kind), u.value.value, u.why);
  }
  return exit_ok;
}

int explain_pair(const arguments& args, command_io io, soci::session& session, const settings::daemon_config& cfg,
                 const std::string& key_a, const std::string& key_b) {
  store::identity_store store(session);
  const auto id_a = store.ids_of_keys({key_a}), id_b = store.ids_of_keys({key_b});
  if (id_a.empty()) throw resolution::operator_error(fmt::format("no record {}", key_a));
  if (id_b.empty()) throw resolution::operator_error(fmt::format("no record {}", key_b));
  const auto policy = resolution::current_policy(session, cfg.identity);
  const auto area = resolution::resolve_around(session, cfg.identity, policy, {id_a.front(), id_b.front()});
  const auto a = index_of(area, id_a.front()), b = index_of(area, id_b.front());
  const auto e = identity::explain_pair(area.input, area.result, *a, *b, cfg.identity, policy);
  auto or_null = [](const std::optional<std::string>& s) { return s ? boost::json::value(*s) : boost::json::value(nullptr); };
  if (args.flag("json")) {
    io.out << boost::json::serialize(boost::json::object{
                  {"records", boost::json::array{boost::json::value(key_a), boost::json::value(key_b)}},
                  {"person_a", or_null(e.person_a)}, {"person_b", or_null(e.person_b)},
                  {"same_person", e.same_person}, {"path", steps_json(e.path)},
                  {"apart_because", boost::json::array(e.apart_because.begin(), e.apart_because.end())}})
           << '\n';
    return exit_ok;
  }
  if (e.same_person) {
    io.out << fmt::format("{} and {} are one person ({}), joined by:\n", key_a, key_b, e.person_a.value_or("-"));
    for (const auto& s : e.path) io.out << fmt::format("  {} — {} via {}\n", s.from, s.to, via_text(s.via));
  } else {
    io.out << fmt::format("{} ({}) and {} ({}) are not one person:\n", key_a, e.person_a.value_or("no person"), key_b,
                          e.person_b.value_or("no person"));
    for (const auto& why : e.apart_because) io.out << "  " << why << '\n';
  }
  return exit_ok;
}

int run(const arguments& args, command_io io) {
  const auto& pos = args.positionals();
  if (pos.empty() || pos.size() > 2) throw usage_error("explain takes a person id, or two record keys");
  const auto cfg = load_config_for(args, io);
  if (!cfg) return exit_config;
  const auto session = store::connect(cfg->database);
  if (pos.size() == 1) return explain_person(args, io, *session, *cfg, pos[0]);
  return explain_pair(args, io, *session, *cfg, pos[0], pos[1]);
}

}  // namespace

const command explain_command{
    .name = "explain",
    .summary = "show why records are one person, or why not",
    .usage = "PERSON | RECORD OTHER [--config FILE] [--json]",
    .description = "With a person id: its records, the links that join them and the values that link nothing "
                   "(blocked, quarantined). With two record keys (source/scope/source_key): the chain of links "
                   "that makes them one person, or what keeps them apart — a constraint, a blocked or quarantined "
                   "value, a kind that does not cross providers, or no evidence at all. Reads only.\n"
                   "Exit codes: 0 printed, 1 unknown person or record, 64 usage, 69 database unavailable, 78 invalid config.",
    .options = options,
    .run = run,
    .takes_arguments = true,
};

}  // namespace personsync::cli
