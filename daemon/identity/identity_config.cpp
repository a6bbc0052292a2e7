#include "daemon/identity/identity_config.hpp"

#include <array>

namespace personsync::identity {
namespace {

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

identity_config identity_config::defaults() {
  identity_config out;
  for (const kind_default& d : kind_defaults) out.kinds[d.kind] = d.rule;
  return out;
}

}  // namespace personsync::identity
