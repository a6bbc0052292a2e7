#include "daemon/identity/identity_config.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "daemon/identity/phone.hpp"
#include "daemon/identity/value_policy.hpp"

namespace personsync::identity {
namespace {

using config::value_kind;
using row = config::bound_key<identity_config>;
using kind_row = config::bound_key<kind_rule>;

constexpr std::array keys{
    row{{.name = "phone_default_region", .kind = value_kind::string,
         .help = "ISO 3166 region for phone numbers written without a country code: US, CA, GB, DE, FR, IN or BR."},
        &identity_config::phone_default_region},
    row{{.name = "max_component_size", .kind = value_kind::integer, .min = 2,
         .max = 1'000'000, .help = "A component with more records is frozen and alerted, not published."},
        &identity_config::max_component_size},
    row{{.name = "upstream_split_pins_cannot_link", .kind = value_kind::boolean,
         .help = "When PostHog splits a person, keep the parts apart here too."},
        &identity_config::upstream_split_pins_cannot_link},
    row{{.name = "blocked_values", .kind = value_kind::string_list,
         .help = "Identifier values that never link, besides the built-in list."},
        &identity_config::blocked_values},
    row{{.name = "blocked_patterns", .kind = value_kind::string_list,
         .help = "Regular expressions (RE2 syntax, matched against the whole value) for values that never link."},
        &identity_config::blocked_patterns},
    row{{.name = "kinds", .kind = value_kind::table,
         .help = "Per identifier kind: [identity.kinds.<kind>] with the keys below."},
        std::monostate{}},
};

// Each kind's key gets its default from the table of kind defaults below, not from
// kind_rule's initializers.
constexpr std::array per_kind_keys{
    kind_row{{.name = "enabled", .kind = value_kind::boolean, .help = "Use this kind at all."},
        &kind_rule::enabled},
    kind_row{{.name = "priority", .kind = value_kind::integer, .min = 0, .max = 1000,
         .help = "Lower links first when links compete."},
        &kind_rule::priority},
    kind_row{{.name = "cross_source", .kind = value_kind::boolean,
         .help = "Links records of different providers."},
        &kind_rule::cross_source},
    kind_row{{.name = "max_records", .kind = value_kind::integer, .min = 2, .max = 1'000'000,
         .help = "A value on more records than this is quarantined, never a link."},
        &kind_rule::max_records},
};

struct kind_default {
  identifier_kind kind;
  std::string_view name;
  kind_rule rule;
};

constexpr std::array kind_defaults{
    kind_default{identifier_kind::whop_person_id, "whop_person_id", {true, 10, false, 50}},
    kind_default{identifier_kind::whop_user_id, "whop_user_id", {true, 20, true, 50}},
    kind_default{identifier_kind::posthog_distinct_id, "posthog_distinct_id", {true, 30, true, 50}},
    kind_default{identifier_kind::email, "email", {true, 40, true, 20}},
    kind_default{identifier_kind::phone, "phone", {true, 50, true, 20}},
    kind_default{identifier_kind::email_loose, "email_loose", {false, 60, true, 20}},
};

constexpr std::array<identifier_kind, kind_defaults.size()> kinds_in_order = [] {
  std::array<identifier_kind, kind_defaults.size()> out{};
  for (std::size_t i = 0; i < kind_defaults.size(); ++i) out[i] = kind_defaults[i].kind;
  return out;
}();

}  // namespace

std::span<const identifier_kind> all_identifier_kinds() { return kinds_in_order; }

std::string_view name_of(identifier_kind kind) {
  for (const kind_default& d : kind_defaults) {
    if (d.kind == kind) return d.name;
  }
  return "unknown";
}

const config::key_table<identity_config>& identity_config::table() {
  static const config::key_table<identity_config> table(keys);
  return table;
}

const config::key_table<kind_rule>& identity_config::kind_table() {
  static const config::key_table<kind_rule> table(per_kind_keys, config::key_table<kind_rule>::defaults::from_caller);
  return table;
}

std::string identity_config::canonical_text() const {
  std::string out = table().canonical_text(*this);
  for (const auto& [kind, rule] : kinds) out += fmt::format("[{}]\n{}", name_of(kind), kind_table().canonical_text(rule));
  return out;
}

identity_config identity_config::defaults() {
  identity_config out;
  for (const kind_default& d : kind_defaults) out.kinds[d.kind] = d.rule;
  return out;
}

identity_config identity_config::from_config(const config::section& s) {
  identity_config out = defaults();
  table().read(s, out);
  const auto regions = phone_regions();
  if (std::find(regions.begin(), regions.end(), out.phone_default_region) == regions.end()) {
    s.error("phone_default_region",
            fmt::format("'{}' is not a region whose national phone numbers personsync reads; the regions are: {}",
                        out.phone_default_region, fmt::join(regions, ", ")));
  }
  for (const std::string& pattern : out.blocked_patterns) {
    if (const auto problem = blocked_pattern_problem(pattern)) {
      s.error("blocked_patterns", fmt::format("'{}' is not a pattern personsync can match (RE2 syntax: no "
                                              "backreferences or lookaround): {}",
                                              pattern, *problem));
    }
  }

  const toml::table* kinds = s.table("kinds");
  if (!kinds) return out;
  for (auto&& [key, node] : *kinds) {
    const std::string_view name = key.str();  // clang 14 cannot capture a structured binding
    const auto known = std::find_if(kind_defaults.begin(), kind_defaults.end(),
                                    [&](const kind_default& d) { return d.name == name; });
    if (known == kind_defaults.end()) {
      std::string names;
      for (const kind_default& d : kind_defaults) names += (names.empty() ? "" : ", ") + std::string(d.name);
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
                                       kind_table().specs(), s.context());
    kind_table().read(kind_section, out.kinds[known->kind]);
  }
  return out;
}

}  // namespace personsync::identity
