#pragma once
// A [[posthog]] source block: one PostHog project's Persons API.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/config/section.hpp"
#include "connectors/source_config.hpp"

namespace personsync::posthog {

// Optional list filters, for partial syncs. A filtered sweep is never complete:
// it cannot tell a deleted person from one the filter left out.
struct persons_filter {
  std::optional<std::string> properties;  // the API's JSON `properties` list
  std::optional<std::string> search;
  std::optional<std::string> distinct_id;
  std::optional<std::string> email;

  [[nodiscard]] bool any() const { return properties || search || distinct_id || email; }
};

struct posthog_source_config {
  connectors::source_config source = provider_defaults();  // PostHog's US cloud and its persons limits
  std::int64_t project_id = 0;
  int page_size = 500;  // the API's `limit`
  persons_filter filter;
  std::chrono::milliseconds incremental_overlap{std::chrono::minutes(10)};

  static connectors::source_config provider_defaults();
  // This provider's own keys, bound to this struct; config_keys() adds the shared ones.
  static const config::key_table<posthog_source_config>& table();
  static std::span<const config::key_spec> config_keys();
  static posthog_source_config from_config(const config::section& s);

  [[nodiscard]] std::string scope() const { return std::to_string(project_id); }
  [[nodiscard]] std::string persons_url() const {
    return source.base_url + "/api/projects/" + std::to_string(project_id) + "/persons/";
  }
};

}  // namespace personsync::posthog
