#pragma once
// The keys every provider source block ([[whop]], [[posthog]]) has, read once
// here so that each provider only declares what is its own.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/config/key_spec.hpp"
#include "common/config/section.hpp"
#include "common/secret.hpp"
#include "connectors/http/http_types.hpp"
#include "connectors/paging/backoff.hpp"
#include "connectors/paging/driver_options.hpp"
#include "connectors/paging/rate_limiter.hpp"

namespace personsync::connectors {

struct source_config {
  std::string name;      // unique across all sources; names the source in logs, metrics and sync_runs
  std::string base_url;  // scheme://host[:port][/path], no trailing slash
  std::optional<secret> token;
  net::client_options http;
  std::size_t concurrency = 4;
  unsigned max_retries = 8;
  paging::backoff_policy backoff;
  std::vector<paging::rate_window> rate_limit;  // empty: no limit of our own
  double drift_tolerance = 0.01;     // collected vs announced, beyond which a sweep deletes nothing
  double max_rejected_share = 0.01;  // rejected items beyond which a run fails
  // `personsync run`'s schedule for this source; unset: [schedule]'s.
  std::optional<std::chrono::milliseconds> interval;
  std::optional<std::chrono::milliseconds> full_interval;

  // Names the credential without being it, for sharing one rate limit per key.
  [[nodiscard]] std::string credential_id() const;
  [[nodiscard]] paging::driver_options driver_options() const {
    return {name, concurrency, max_retries, backoff};
  }
};

// The shared keys followed by a provider's own, as one table for a section.
// The provider table declares `base_url` and `rate_limit`: their defaults differ.
std::vector<config::key_spec> source_keys(std::span<const config::key_spec> provider_keys);

source_config read_source_config(const config::section& s);

}  // namespace personsync::connectors
