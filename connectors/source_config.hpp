#pragma once
// The keys every provider source block ([[whop]], [[posthog]]) has, read once
// here so that each provider only declares what is its own.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/config/key_spec.hpp"
#include "common/config/section.hpp"
#include "common/secret.hpp"

namespace personsync::connectors {

struct source_config {
  std::string name;      // unique across all sources; names the source in logs, metrics and sync_runs
  std::string base_url;  // scheme://host[:port][/path], no trailing slash
  std::optional<secret> token;
  bool allow_insecure_http = false;
};

// The shared keys followed by a provider's own, as one table for a section.
std::vector<config::key_spec> source_keys(std::span<const config::key_spec> provider_keys);

// Reads and checks the shared keys; `base_url` must be declared by the provider
// table (its default differs per provider).
source_config read_source_config(const config::section& s);

}  // namespace personsync::connectors
