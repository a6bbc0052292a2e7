#pragma once
// From what a provider sent to what links: each raw identifier of a landed
// record becomes zero or more normalized ones (an email also gives its loose
// form when `email_loose` is enabled; a phone that is no number gives none).
// Blocking is not decided here (see value_policy): blocked values are kept so
// that `explain` can show them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/identity/identity_config.hpp"

namespace personsync::identity {

struct identifier_value {
  identifier_kind kind;
  std::string value;
  friend auto operator<=>(const identifier_value&, const identifier_value&) = default;
};

std::optional<identifier_kind> kind_named(std::string_view name);

// `raw_kind` is a connector's kind name ("email", "whop_user_id", …); unknown kinds give nothing.
void normalize_identifier(std::string_view raw_kind, std::string_view raw_value, const identity_config& config,
                          std::vector<identifier_value>& out);

// Values of these kinds are compared with each other: the app identifies a
// signed-in user to PostHog by their Whop user id.
bool same_space(identifier_kind a, identifier_kind b);
// A number naming the space a kind's values are compared in.
int link_space(identifier_kind kind);

}  // namespace personsync::identity
