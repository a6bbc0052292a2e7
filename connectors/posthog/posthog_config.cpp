#include "connectors/posthog/posthog_config.hpp"

#include <array>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace personsync::posthog {
namespace {

using config::key_spec;
using config::value_kind;

constexpr std::array own_keys{
    key_spec{.name = "base_url", .kind = value_kind::string, .default_value = "https://us.posthog.com",
             .help = "Base URL of the PostHog instance (EU cloud: https://eu.posthog.com)."},
    key_spec{.name = "rate_limit", .kind = value_kind::string, .default_value = "180/min, 1200/hour",
             .help = "Request budget of this key, shared by every source using it (PostHog's persons limits)."},
    key_spec{.name = "project_id", .kind = value_kind::integer, .required = true, .min = 1,
             .help = "Project id, as in /api/projects/:project_id/."},
    key_spec{.name = "page_size", .kind = value_kind::integer, .default_value = "500", .min = 1, .max = 10000,
             .help = "Persons per page (the API's `limit`); large pages matter under 1200 requests an hour."},
    key_spec{.name = "incremental_overlap", .kind = value_kind::duration, .default_value = "10m", .min = 0,
             .max = 7 * 86400.0, .help = "An incremental run asks for updated_after the last run's start minus this."},
    key_spec{.name = "filter_properties", .kind = value_kind::string,
             .help = "Only persons matching this JSON `properties` filter (a partial sync)."},
    key_spec{.name = "filter_search", .kind = value_kind::string,
             .help = "Only persons found by this `search` (email or distinct id)."},
    key_spec{.name = "filter_distinct_id", .kind = value_kind::string, .help = "Only the person with this distinct id."},
    key_spec{.name = "filter_email", .kind = value_kind::string, .help = "Only persons with exactly this email."},
};

}  // namespace

std::span<const config::key_spec> posthog_source_config::config_keys() {
  static const std::vector<config::key_spec> keys = connectors::source_keys(own_keys);
  return keys;
}

posthog_source_config posthog_source_config::from_config(const config::section& s) {
  posthog_source_config out;
  out.source = connectors::read_source_config(s);
  out.project_id = s.integer("project_id");
  out.page_size = static_cast<int>(s.integer("page_size"));
  out.incremental_overlap = s.duration("incremental_overlap");
  out.filter.properties = s.optional_string("filter_properties");
  out.filter.search = s.optional_string("filter_search");
  out.filter.distinct_id = s.optional_string("filter_distinct_id");
  out.filter.email = s.optional_string("filter_email");
  if (out.filter.properties) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(*out.filter.properties, ec);
    if (ec || !v.is_array()) s.error("filter_properties", "must be a JSON array of property filters");
  }
  return out;
}

}  // namespace personsync::posthog
