#include "connectors/whop/people_filters.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace personsync::whop {
namespace {

constexpr std::array<std::string_view, 5> offset_text_fields{"id", "person_id", "name", "email", "phone"};
constexpr std::array<std::string_view, 5> offset_number_fields{"first_seen_at", "last_seen_at", "purchase_count",
                                                               "ltv", "aov"};
constexpr std::array<std::string_view, 6> comparisons{"eq", "neq", "gt", "gte", "lt", "lte"};

template <std::size_t n>
bool among(const std::array<std::string_view, n>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string cursor_problem(const people_filter& f) {
  return fmt::format("the filter {} {} '{}' has no form in Whop's cursor People API (it takes `eq` on {}); "
                     "use api = \"offset\" for the seed's JSON filters",
                     f.field, f.op, f.value, fmt::join(cursor_filter_parameters, ", "));
}

std::string offset_problem(const people_filter& f) {
  return fmt::format("the filter {} {} '{}' has no form in the offset People API's JSON filters (fields {}, {}; "
                     "operators {}, and contains on text fields)",
                     f.field, f.op, f.value, fmt::join(offset_text_fields, ", "), fmt::join(offset_number_fields, ", "),
                     fmt::join(comparisons, ", "));
}

}  // namespace

bool cursor_api_takes(const people_filter& f) { return f.op == "eq" && among(cursor_filter_parameters, f.field); }

bool offset_api_takes(const people_filter& f) {
  if (among(offset_number_fields, f.field)) return among(comparisons, f.op);
  return among(offset_text_fields, f.field) && (among(comparisons, f.op) || f.op == "contains");
}

std::optional<std::string> filter_problem(const people_filter& f, people_api api) {
  switch (api) {
    case people_api::cursor: return cursor_api_takes(f) ? std::nullopt : std::optional(cursor_problem(f));
    case people_api::offset: return offset_api_takes(f) ? std::nullopt : std::optional(offset_problem(f));
    case people_api::detect:
      if (cursor_api_takes(f) || offset_api_takes(f)) return std::nullopt;
      return fmt::format("{}; nor in the cursor API (`eq` on {})", offset_problem(f),
                         fmt::join(cursor_filter_parameters, ", "));
  }
  return std::nullopt;
}

}  // namespace personsync::whop
