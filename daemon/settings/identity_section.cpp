#include "daemon/settings/identity_section.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "daemon/identity/normalize.hpp"
#include "daemon/identity/phone.hpp"
#include "daemon/identity/value_policy.hpp"

namespace personsync::settings {
namespace {

using config::value_kind;
using row = config::bound_key<identity::identity_config>;
using kind_row = config::bound_key<identity::kind_rule>;

constexpr std::array keys{
    row{{.name = "phone_default_region", .kind = value_kind::string,
         .help = "ISO 3166 region for phone numbers written without a country code: US, CA, GB, DE, FR, IN or BR."},
        &identity::identity_config::phone_default_region},
    row{{.name = "max_component_size", .kind = value_kind::integer, .min = 2,
         .max = 1'000'000, .help = "A component with more records is frozen and alerted, not published."},
        &identity::identity_config::max_component_size},
    row{{.name = "upstream_split_pins_cannot_link", .kind = value_kind::boolean,
         .help = "When PostHog splits a person, keep the parts apart here too."},
        &identity::identity_config::upstream_split_pins_cannot_link},
    row{{.name = "blocked_values", .kind = value_kind::string_list,
         .help = "Identifier values that never link, besides the built-in list."},
        &identity::identity_config::blocked_values},
    row{{.name = "blocked_patterns", .kind = value_kind::string_list,
         .help = "Regular expressions (RE2 syntax, matched against the whole value) for values that never link."},
        &identity::identity_config::blocked_patterns},
    row{{.name = "kinds", .kind = value_kind::table,
         .help = "Per identifier kind: [identity.kinds.<kind>] with the keys below."},
        std::monostate{}},
};

// Each kind's keys get their defaults from identity_config::defaults(), not from kind_rule's
// initializers.
constexpr std::array per_kind_keys{
    kind_row{{.name = "enabled", .kind = value_kind::boolean, .help = "Use this kind at all."},
        &identity::kind_rule::enabled},
    kind_row{{.name = "priority", .kind = value_kind::integer, .min = 0, .max = 1000,
         .help = "Lower links first when links compete."},
        &identity::kind_rule::priority},
    kind_row{{.name = "cross_source", .kind = value_kind::boolean,
         .help = "Links records of different providers."},
        &identity::kind_rule::cross_source},
    kind_row{{.name = "max_records", .kind = value_kind::integer, .min = 2, .max = 1'000'000,
         .help = "A value on more records than this is quarantined, never a link."},
        &identity::kind_rule::max_records},
};

}  // namespace

const config::key_table<identity::identity_config>& identity_keys() {
  static const config::key_table<identity::identity_config> table(keys);
  return table;
}

const config::key_table<identity::kind_rule>& identity_kind_keys() {
  static const config::key_table<identity::kind_rule> table(
      per_kind_keys, config::key_table<identity::kind_rule>::defaults::from_caller);
  return table;
}

std::vector<std::string> identity_section::keep_what_needs_restart(const identity::identity_config& running,
                                                                   identity::identity_config& next) {
  std::vector<std::string> kept;
  for (const std::string_view key : identity_keys().keep_what_needs_restart(running, next)) kept.emplace_back(key);
  for (const auto& [kind, rule] : running.kinds) {
    const auto it = next.kinds.find(kind);
    if (it == next.kinds.end()) continue;
    for (const std::string_view key : identity_kind_keys().keep_what_needs_restart(rule, it->second)) {
      kept.push_back("kinds." + std::string(identity::name_of(kind)) + "." + std::string(key));
    }
  }
  return kept;
}

std::string identity_canonical_text(const identity::identity_config& c) {
  std::string out = identity_keys().canonical_text(c);
  for (const auto& [kind, rule] : c.kinds) {
    out += fmt::format("[{}]\n{}", identity::name_of(kind), identity_kind_keys().canonical_text(rule));
  }
  return out;
}

identity::identity_config read_identity_config(const config::section& s) {
  identity::identity_config out = identity::identity_config::defaults();
  identity_keys().read(s, out);
  const auto regions = identity::phone_regions();
  if (std::find(regions.begin(), regions.end(), out.phone_default_region) == regions.end()) {
    s.error("phone_default_region",
            fmt::format("'{}' is not a region whose national phone numbers personsync reads; the regions are: {}",
                        out.phone_default_region, fmt::join(regions, ", ")));
  }
  for (const std::string& pattern : out.blocked_patterns) {
    if (const auto problem = identity::blocked_pattern_problem(pattern)) {
      s.error("blocked_patterns", fmt::format("'{}' is not a pattern personsync can match (RE2 syntax: no "
                                              "backreferences or lookaround): {}",
                                              pattern, *problem));
    }
  }

  const toml::table* kinds = s.table("kinds");
  if (!kinds) return out;
  for (auto&& [key, node] : *kinds) {
    const std::string_view name = key.str();  // clang 14 cannot capture a structured binding
    const std::optional<identity::identifier_kind> known = identity::kind_named(name);
    if (!known) {
      std::string names;
      for (const auto kind : identity::all_identifier_kinds()) {
        names += (names.empty() ? "" : ", ") + std::string(identity::name_of(kind));
      }
      s.context().diag->error({s.context().file, key.source().begin.line, key.source().begin.column},
                              s.path_of("kinds." + std::string(key.str())),
                              fmt::format("unknown identifier kind; the kinds are: {}", names));
      continue;
    }
    if (!node.is_table()) {
      s.context().diag->error(config::position_of(node, s.context()), s.path_of("kinds." + std::string(key.str())),
                              "expected a table");
      continue;
    }
    const config::section kind_section(node.as_table(), s.path_of("kinds." + std::string(key.str())),
                                       identity_kind_keys().specs(), s.context());
    identity_kind_keys().read(kind_section, out.kinds[*known]);
  }
  return out;
}

}  // namespace personsync::settings
