// personsync merge | split | block | unpin: operators' persistent changes to
// identity, each applied at once and kept with actor, reason and time.

#include <array>
#include <functional>
#include <ostream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_loading.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/identity_report.hpp"
#include "daemon/store/database.hpp"

namespace personsync::cli {
namespace {

using change_fn = std::function<resolution::operator_result(soci::session&, const settings::daemon_config&,
                                                            const resolution::operator_context&)>;

int apply(const arguments& args, command_io io, std::string_view verb, const change_fn& change) {
  const auto cfg = load_config_for(args, io);
  if (!cfg) return exit_config;
  const resolution::operator_context ctx = operator_context_of(args);
  if (ctx.reason.empty()) throw usage_error("--reason is required: it is kept with the change");
  const auto session = store::connect(cfg->database);
  const resolution::operator_result result = change(*session, *cfg, ctx);
  if (args.flag("json")) {
    boost::json::object o{{"constraints", boost::json::array(result.constraints.begin(), result.constraints.end())},
                          {"persons", boost::json::array(result.persons_after.begin(), result.persons_after.end())},
                          {"resolution", to_json(result.resolution)}};
    io.out << boost::json::serialize(o) << '\n';
    return exit_ok;
  }
  io.out << fmt::format("{}: constraint(s) {}\n", verb, fmt::join(result.constraints, ", "));
  if (!result.persons_after.empty()) io.out << fmt::format("persons now: {}\n", fmt::join(result.persons_after, ", "));
  io.out << to_text(result.resolution) << '\n';
  return exit_ok;
}

const std::string& positional(const arguments& args, std::size_t i, std::string_view what) {
  if (args.positionals().size() <= i) throw usage_error(fmt::format("missing {}", what));
  return args.positionals()[i];
}

constexpr std::array merge_options{config_option, reason_option, actor_option, json_option};

int run_merge(const arguments& args, command_io io) {
  if (args.positionals().size() > 2) throw usage_error("merge takes two person ids");
  const std::string a = positional(args, 0, "the first person id"), b = positional(args, 1, "the second person id");
  return apply(args, io, "merged", [&](soci::session& s, const settings::daemon_config& cfg, const auto& ctx) {
    return resolution::merge_persons(s, cfg.identity, a, b, ctx);
  });
}

constexpr std::array split_options{
    config_option,
    option_spec{.name = "records", .value_name = "KEY",
                .help = "a record (source/scope/source_key) to split off, repeatable; none: every record apart",
                .repeatable = true},
    reason_option, actor_option, json_option};

int run_split(const arguments& args, command_io io) {
  if (args.positionals().size() > 1) throw usage_error("split takes one person id");
  const std::string person = positional(args, 0, "the person id");
  const std::vector<std::string> records = args.values("records");
  return apply(args, io, "split", [&](soci::session& s, const settings::daemon_config& cfg, const auto& ctx) {
    return resolution::split_person(s, cfg.identity, person, records, ctx);
  });
}

constexpr std::array block_options{
    config_option,
    option_spec{.name = "kind", .value_name = "KIND", .help = "only for this identifier kind (the value is normalized as one)"},
    reason_option, actor_option, json_option};

int run_block(const arguments& args, command_io io) {
  if (args.positionals().size() > 1) throw usage_error("block takes one value");
  const std::string value = positional(args, 0, "the value to block");
  const auto kind = args.value("kind");
  return apply(args, io, "blocked", [&](soci::session& s, const settings::daemon_config& cfg, const auto& ctx) {
    return resolution::block_value(s, cfg.identity, value, kind, ctx);
  });
}

constexpr std::array unpin_options{config_option, reason_option, actor_option, json_option};

int run_unpin(const arguments& args, command_io io) {
  std::vector<std::int64_t> ids;
  for (const std::string& p : args.positionals()) {
    try {
      std::size_t used = 0;
      ids.push_back(std::stoll(p, &used));
      if (used != p.size()) throw std::invalid_argument(p);
    } catch (const std::exception&) {
      throw usage_error(fmt::format("'{}' is not a constraint id (a number; see `personsync explain`)", p));
    }
  }
  if (ids.empty()) throw usage_error("missing the constraint id(s) to remove");
  return apply(args, io, "removed", [&](soci::session& s, const settings::daemon_config& cfg, const auto& ctx) {
    return resolution::unpin(s, cfg.identity, ids, ctx);
  });
}

// A literal, so that each description below is one string literal too.
#define PERSONSYNC_OPERATOR_EXIT_CODES \
  "Exit codes: 0 done, 1 refused or failed (the message says why), 64 usage, 69 database unavailable, 78 invalid config."

}  // namespace

const command merge_command{
    .name = "merge",
    .summary = "merge two persons, and keep them merged",
    .usage = "PERSON PERSON --reason TEXT [--config FILE] [--actor NAME] [--json]",
    .description = "Pins a must_link between the two persons' records and resolves at once; the person "
                               "with the larger share keeps its id, the other redirects to it. Refused when a "
                               "cannot_link keeps them apart.\n" PERSONSYNC_OPERATOR_EXIT_CODES,
    .options = merge_options,
    .run = run_merge,
    .takes_arguments = true,
};

const command split_command{
    .name = "split",
    .summary = "split a person, and keep it split",
    .usage = "PERSON [--records KEY]... --reason TEXT [--config FILE] [--actor NAME] [--json]",
    .description = "Pins cannot_link between the records named and the rest of the person (or between "
                               "all its records) and resolves at once: no later sync undoes it.\n" PERSONSYNC_OPERATOR_EXIT_CODES,
    .options = split_options,
    .run = run_split,
    .takes_arguments = true,
};

const command block_command{
    .name = "block",
    .summary = "stop a value from linking records",
    .usage = "VALUE [--kind KIND] --reason TEXT [--config FILE] [--actor NAME] [--json]",
    .description = "Records holding the value are resolved again without it as a link. The value stays "
                               "stored and `explain` shows it blocked.\n" PERSONSYNC_OPERATOR_EXIT_CODES,
    .options = block_options,
    .run = run_block,
    .takes_arguments = true,
};

const command unpin_command{
    .name = "unpin",
    .summary = "remove constraints (merges, splits, blocks, upstream-split pins)",
    .usage = "ID... --reason TEXT [--config FILE] [--actor NAME] [--json]",
    .description = "Marks the constraints removed (kept for the record) and resolves their records "
                               "again.\n" PERSONSYNC_OPERATOR_EXIT_CODES,
    .options = unpin_options,
    .run = run_unpin,
    .takes_arguments = true,
};

}  // namespace personsync::cli
