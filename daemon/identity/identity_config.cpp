#include "daemon/identity/identity_config.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "daemon/identity/phone.hpp"
#include "daemon/identity/value_policy.hpp"

namespace personsync::identity {
namespace {

using config::key_spec;
using config::value_kind;

constexpr std::array keys{
    key_spec{.name = "phone_default_region", .kind = value_kind::string, .default_value = "US",
             .help = "ISO 3166 region for phone numbers written without a country code: US, CA, GB, DE, FR, IN or BR."},
    key_spec{.name = "max_component_size", .kind = value_kind::integer, .default_value = "1000", .min = 2,
             .max = 1'000'000, .help = "A component with more records is frozen and alerted, not published."},
    key_spec{.name = "upstream_split_pins_cannot_link", .kind = value_kind::boolean, .default_value = "true",
             .help = "When PostHog splits a person, keep the parts apart here too."},
    key_spec{.name = "blocked_values", .kind = value_kind::string_list,
             .help = "Identifier values that never link, besides the built-in list."},
    key_spec{.name = "blocked_patterns", .kind = value_kind::string_list,
             .help = "Regular expressions (RE2 syntax, matched against the whole value) for values that never link."},
    key_spec{.name = "kinds", .kind = value_kind::table,
             .help = "Per identifier kind: [identity.kinds.<kind>] with the keys below."},
};

// Each kind's key gets its default from the table of kind defaults below, so
// these entries document the keys and bounds only.
constexpr std::array per_kind_keys{
    key_spec{.name = "enabled", .kind = value_kind::boolean, .help = "Use this kind at all."},
    key_spec{.name = "priority", .kind = value_kind::integer, .min = 0, .max = 1000,
             .help = "Lower links first when links compete."},
    key_spec{.name = "cross_source", .kind = value_kind::boolean,
             .help = "Links records of different providers."},
    key_spec{.name = "max_records", .kind = value_kind::integer, .min = 2, .max = 1'000'000,
             .help = "A value on more records than this is quarantined, never a link."},
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

std::span<const config::key_spec> identity_config::config_keys() { return keys; }
std::span<const config::key_spec> identity_config::kind_keys() { return per_kind_keys; }

identity_config identity_config::defaults() {
  identity_config out;
  for (const kind_default& d : kind_defaults) out.kinds[d.kind] = d.rule;
  return out;
}

identity_config identity_config::from_config(const config::section& s) {
  identity_config out = defaults();
  out.phone_default_region = s.string("phone_default_region");
  out.max_component_size = static_cast<int>(s.integer("max_component_size"));
  out.upstream_split_pins_cannot_link = s.boolean("upstream_split_pins_cannot_link");
  out.blocked_values = s.strings("blocked_values");
  out.blocked_patterns = s.strings("blocked_patterns");

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
    const config::section kind_section(node.as_table(), s.path_of("kinds." + std::string(key.str())), per_kind_keys,
                                       s.context());
    kind_rule& rule = out.kinds[known->kind];
    if (kind_section.has("enabled")) rule.enabled = kind_section.boolean("enabled");
    if (kind_section.has("priority")) rule.priority = static_cast<int>(kind_section.integer("priority"));
    if (kind_section.has("cross_source")) rule.cross_source = kind_section.boolean("cross_source");
    if (kind_section.has("max_records")) rule.max_records = static_cast<int>(kind_section.integer("max_records"));
  }
  return out;
}

}  // namespace personsync::identity
