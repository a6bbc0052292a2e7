#include "connectors/whop/whop_config.hpp"

#include <array>

#include <fmt/format.h>

#include "common/ascii.hpp"
#include "connectors/whop/people_filters.hpp"

namespace personsync::whop {
namespace {

using config::key_spec;
using config::value_kind;

constexpr std::array<std::string_view, 2> directions{"asc", "desc"};
constexpr std::array<std::string_view, 3> apis{"auto", "offset", "cursor"};

constexpr std::array own_keys{
    key_spec{.name = "base_url", .kind = value_kind::string, .default_value = "https://api.whop.com/api/v1",
             .help = "Base URL of the Whop API."},
    key_spec{.name = "rate_limit", .kind = value_kind::string, .default_value = "300/min",
             .help = "Our own request budget for this key (Whop publishes none; 429s are honoured anyway)."},
    key_spec{.name = "account_id", .kind = value_kind::string,
             .help = "Account id (biz_...). Required when credential_spans_accounts is true."},
    key_spec{.name = "credential_spans_accounts", .kind = value_kind::boolean, .default_value = "false",
             .help = "The token reaches several accounts (an app key or OAuth token), so account_id is needed."},
    key_spec{.name = "api", .kind = value_kind::string, .default_value = "auto", .one_of = apis,
             .help = "People API shape: offset (total_count pages), cursor (page_info pages, Whop's current API), "
                     "or auto: decided from the first page, and logged."},
    key_spec{.name = "api_version_date", .kind = value_kind::string, .default_value = "2026-09-15",
             .help = "Sent as the Api-Version-Date header: the API version whose response shape personsync reads."},
    key_spec{.name = "page_size", .kind = value_kind::integer, .default_value = "100", .min = 1, .max = 101,
             .help = "People per page (the API's `first`)."},
    key_spec{.name = "sort", .kind = value_kind::string, .default_value = "last_seen_at",
             .help = "Column incremental offset runs sort by (full sweeps always read by first_seen_at, ascending)."},
    key_spec{.name = "direction", .kind = value_kind::string, .default_value = "desc", .one_of = directions,
             .help = "Sort direction of incremental offset runs: asc or desc."},
    key_spec{.name = "full_sweep_window", .kind = value_kind::duration, .default_value = "366d", .min = 1,
             .max = 3650 * 86400.0, .help = "How far back a full sweep reaches (the API's default range)."},
    key_spec{.name = "incremental_overlap", .kind = value_kind::duration, .default_value = "1h", .min = 0,
             .max = 7 * 86400.0, .help = "An incremental run starts this long before the last run's end."},
    key_spec{.name = "filters", .kind = value_kind::table_list,
             .help = "[[whop.filters]] blocks with field, operator and value, sent as the API's JSON filters."},
};

constexpr std::array per_filter_keys{
    key_spec{.name = "field", .kind = value_kind::string, .required = true, .help = "Field to filter on."},
    key_spec{.name = "operator", .kind = value_kind::string, .required = true, .help = "Comparison: eq in the cursor API; eq, neq, gt, gte, lt, lte (contains on text) in the offset one."},
    key_spec{.name = "value", .kind = value_kind::string, .required = true, .help = "Value to compare with."},
};

}  // namespace

std::span<const config::key_spec> whop_source_config::config_keys() {
  static const std::vector<config::key_spec> keys = connectors::source_keys(own_keys);
  return keys;
}

std::span<const config::key_spec> whop_source_config::filter_keys() { return per_filter_keys; }

whop_source_config whop_source_config::from_config(const config::section& s) {
  whop_source_config out;
  out.source = connectors::read_source_config(s);
  out.account_id = s.optional_string("account_id");
  out.page_size = static_cast<int>(s.integer("page_size"));
  const std::string api = s.string("api");
  out.api = api == "offset" ? people_api::offset : api == "cursor" ? people_api::cursor : people_api::detect;
  out.api_version_date = s.string("api_version_date");
  const std::string_view date = out.api_version_date;
  if (!(date.size() == 10 && date[4] == '-' && date[7] == '-' && all_ascii_digits(date.substr(0, 4)) &&
        all_ascii_digits(date.substr(5, 2)) && all_ascii_digits(date.substr(8, 2)))) {
    s.error("api_version_date", fmt::format("'{}' is not a date (YYYY-MM-DD)", out.api_version_date));
  }
  out.sort = s.string("sort");
  out.direction = s.string("direction");
  out.full_sweep_window = s.duration("full_sweep_window");
  out.incremental_overlap = s.duration("incremental_overlap");

  if (out.account_id && !(out.account_id->starts_with("biz_") && all_ascii_alnum(out.account_id->substr(4)))) {
    s.error("account_id", fmt::format("'{}' does not look like a Whop account id (biz_...)", *out.account_id));
  }
  if (s.boolean("credential_spans_accounts") && !out.account_id) {
    s.error("account_id", "is required when credential_spans_accounts = true");
  }

  const auto blocks = s.tables("filters");
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const config::section f(blocks[i], s.path_of(fmt::format("filters[{}]", i)), per_filter_keys, s.context());
    out.filters.push_back({f.string("field"), f.string("operator"), f.string("value")});
    if (auto problem = filter_problem(out.filters.back(), out.api)) f.error("operator", std::move(*problem));
  }
  return out;
}

}  // namespace personsync::whop
