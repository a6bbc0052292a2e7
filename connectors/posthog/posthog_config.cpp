#include "connectors/posthog/posthog_config.hpp"

#include <array>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace personsync::posthog {
namespace {

using config::key_spec;
using config::value_kind;

using row = config::bound_key<posthog_source_config>;

constexpr std::array own_rows{
    row{{.name = "base_url", .kind = value_kind::string,
         .help = "Base URL of the PostHog instance (EU cloud: https://eu.posthog.com)."},
        config::nested<&posthog_source_config::source, &connectors::source_config::base_url>()},
    row{{.name = "rate_limit", .kind = value_kind::string,
         .help = "Request budget of this key, shared by every source using it (PostHog's persons limits)."},
        connectors::rate_limit_member<&posthog_source_config::source>()},
    row{{.name = "project_id", .kind = value_kind::integer, .required = true, .min = 1,
         .help = "Project id, as in /api/projects/:project_id/."},
        &posthog_source_config::project_id},
    row{{.name = "page_size", .kind = value_kind::integer, .min = 1, .max = 10000,
         .help = "Persons per page (the API's `limit`); large pages matter under 1200 requests an hour."},
        &posthog_source_config::page_size},
    row{{.name = "incremental_overlap", .kind = value_kind::duration, .min = 0, .max = 7 * 86400.0,
         .help = "An incremental run asks for updated_after the last run's start minus this."},
        &posthog_source_config::incremental_overlap},
    row{{.name = "filter_properties", .kind = value_kind::string,
         .help = "Only persons matching this JSON `properties` filter (a partial sync)."},
        config::nested<&posthog_source_config::filter, &persons_filter::properties>()},
    row{{.name = "filter_search", .kind = value_kind::string,
         .help = "Only persons found by this `search` (email or distinct id)."},
        config::nested<&posthog_source_config::filter, &persons_filter::search>()},
    row{{.name = "filter_distinct_id", .kind = value_kind::string, .help = "Only the person with this distinct id."},
        config::nested<&posthog_source_config::filter, &persons_filter::distinct_id>()},
    row{{.name = "filter_email", .kind = value_kind::string, .help = "Only persons with exactly this email."},
        config::nested<&posthog_source_config::filter, &persons_filter::email>()},
};

}  // namespace

connectors::source_config posthog_source_config::provider_defaults() {
  connectors::source_config s;
  s.base_url = "https://us.posthog.com";
  // PostHog's persons limits (posthog/rate_limit.py): 180 a minute and 1200 an hour per key.
  s.rate_limit = {{180, std::chrono::minutes(1)}, {1200, std::chrono::hours(1)}};
  return s;
}

const config::key_table<posthog_source_config>& posthog_source_config::table() {
  static const config::key_table<posthog_source_config> table(own_rows);
  return table;
}

std::span<const config::key_spec> posthog_source_config::config_keys() {
  static const std::vector<config::key_spec> keys = connectors::source_keys(table().specs());
  return keys;
}

posthog_source_config posthog_source_config::from_config(const config::section& s) {
  posthog_source_config out;
  table().read(s, out);
  connectors::read_shared_source_keys(s, out.source);
  if (out.filter.properties) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(*out.filter.properties, ec);
    if (ec || !v.is_array()) s.error("filter_properties", "must be a JSON array of property filters");
  }
  return out;
}

}  // namespace personsync::posthog
