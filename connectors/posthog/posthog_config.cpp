#include "connectors/posthog/posthog_config.hpp"

#include <array>

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
  return out;
}

}  // namespace personsync::posthog
