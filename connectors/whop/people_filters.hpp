#pragma once
// Which [[whop.filters]] each People API takes, read once here by the config
// check (an unknown operator or field is an error at file:line) and by the
// streams that send them.
//
// The cursor API (Whop's SDK, PersonListParams): `eq` on its query parameters.
// The seed's offset API: JSON filters {field, operator, value} on the item's
// fields; the seed names no operators, so these are read as the comparisons
// it takes: eq, neq, gt, gte, lt, lte on every field, contains on text ones.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/whop/whop_config.hpp"

namespace personsync::whop {

inline constexpr std::array<std::string_view, 10> cursor_filter_parameters{
    "email", "phone", "user_id", "has_purchased", "query", "country", "audience_id", "custom_event", "event_name",
    "source"};

[[nodiscard]] bool cursor_api_takes(const people_filter& f);
[[nodiscard]] bool offset_api_takes(const people_filter& f);

// Why `api` cannot send the filter (detect: neither API can); nullopt when it can.
[[nodiscard]] std::optional<std::string> filter_problem(const people_filter& f, people_api api);

}  // namespace personsync::whop
