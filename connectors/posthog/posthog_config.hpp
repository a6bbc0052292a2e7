#pragma once
// A [[posthog]] source block: one PostHog project's Persons API.

#include <cstdint>
#include <span>
#include <string>

#include "common/config/section.hpp"
#include "connectors/source_config.hpp"

namespace personsync::posthog {

struct posthog_source_config {
  connectors::source_config source;
  std::int64_t project_id = 0;

  static std::span<const config::key_spec> config_keys();
  static posthog_source_config from_config(const config::section& s);

  [[nodiscard]] std::string scope() const { return std::to_string(project_id); }
};

}  // namespace personsync::posthog
