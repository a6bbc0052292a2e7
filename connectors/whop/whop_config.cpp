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

using row = config::bound_key<whop_source_config>;

constexpr std::array own_rows{
    row{{.name = "base_url", .kind = value_kind::string, .help = "Base URL of the Whop API."},
        config::nested<&whop_source_config::source, &connectors::source_config::base_url>()},
    row{{.name = "rate_limit", .kind = value_kind::string,
         .help = "Our own request budget for this key (Whop publishes none; 429s are honoured anyway)."},
        connectors::rate_limit_member<&whop_source_config::source>()},
    row{{.name = "account_id", .kind = value_kind::string,
         .help = "Account id (biz_...). Required when credential_spans_accounts is true."},
        &whop_source_config::account_id},
    row{{.name = "credential_spans_accounts", .kind = value_kind::boolean,
         .help = "The token reaches several accounts (an app key or OAuth token), so account_id is needed."},
        &whop_source_config::credential_spans_accounts},
    row{{.name = "api", .kind = value_kind::string, .one_of = apis,
         .help = "People API shape: offset (total_count pages), cursor (page_info pages, Whop's current API), "
                 "or auto: decided from the first page, and logged."},
        config::choice<&whop_source_config::api>()},
    row{{.name = "api_version_date", .kind = value_kind::string,
         .help = "Sent as the Api-Version-Date header: the API version whose response shape personsync reads."},
        &whop_source_config::api_version_date},
    row{{.name = "page_size", .kind = value_kind::integer, .min = 1, .max = 101,
         .help = "People per page (the API's `first`)."},
        &whop_source_config::page_size},
    row{{.name = "sort", .kind = value_kind::string,
         .help = "Column incremental offset runs sort by (full sweeps always read by first_seen_at, ascending)."},
        &whop_source_config::sort},
    row{{.name = "direction", .kind = value_kind::string, .one_of = directions,
         .help = "Sort direction of incremental offset runs: asc or desc."},
        &whop_source_config::direction},
    row{{.name = "full_sweep_window", .kind = value_kind::duration, .min = 1, .max = 3650 * 86400.0,
         .help = "How far back a full sweep reaches (the API's default range)."},
        &whop_source_config::full_sweep_window},
    row{{.name = "incremental_overlap", .kind = value_kind::duration, .min = 0, .max = 7 * 86400.0,
         .help = "An incremental run starts this long before the last run's end."},
        &whop_source_config::incremental_overlap},
    row{{.name = "filters", .kind = value_kind::table_list,
         .help = "[[whop.filters]] blocks with field, operator and value, sent as the API's JSON filters."},
        {}},
};

constexpr std::array per_filter_keys{
    key_spec{.name = "field", .kind = value_kind::string, .required = true, .help = "Field to filter on."},
    key_spec{.name = "operator", .kind = value_kind::string, .required = true, .help = "Comparison: eq in the cursor API; eq, neq, gt, gte, lt, lte (contains on text) in the offset one."},
    key_spec{.name = "value", .kind = value_kind::string, .required = true, .help = "Value to compare with."},
};

}  // namespace

connectors::source_config whop_source_config::provider_defaults() {
  connectors::source_config s;
  s.base_url = "https://api.whop.com/api/v1";
  s.rate_limit = {{300, std::chrono::minutes(1)}};  // Whop publishes none: our own budget
  return s;
}

const config::key_table<whop_source_config>& whop_source_config::table() {
  static const config::key_table<whop_source_config> table(own_rows);
  return table;
}

std::span<const config::key_spec> whop_source_config::config_keys() {
  static const std::vector<config::key_spec> keys = connectors::source_keys(table().specs());
  return keys;
}

std::span<const config::key_spec> whop_source_config::filter_keys() { return per_filter_keys; }

whop_source_config whop_source_config::from_config(const config::section& s) {
  whop_source_config out;
  table().read(s, out);
  connectors::read_shared_source_keys(s, out.source);
  const std::string_view date = out.api_version_date;
  if (!(date.size() == 10 && date[4] == '-' && date[7] == '-' && all_ascii_digits(date.substr(0, 4)) &&
        all_ascii_digits(date.substr(5, 2)) && all_ascii_digits(date.substr(8, 2)))) {
    s.error("api_version_date", fmt::format("'{}' is not a date (YYYY-MM-DD)", out.api_version_date));
  }

  if (out.account_id && !(out.account_id->starts_with("biz_") && all_ascii_alnum(out.account_id->substr(4)))) {
    s.error("account_id", fmt::format("'{}' does not look like a Whop account id (biz_...)", *out.account_id));
  }
  if (out.credential_spans_accounts && !out.account_id) {
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
