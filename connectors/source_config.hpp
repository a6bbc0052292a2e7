#pragma once
// The keys every provider source block ([[whop]], [[posthog]]) has, read once
// here so that each provider only declares what is its own.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/config/key_spec.hpp"
#include "common/config/key_table.hpp"
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

// The keys every provider block shares, bound to source_config. `base_url` and `rate_limit`
// are shared too, but their defaults are each provider's: its own table binds them to its
// `source` member (base_url_row, rate_limit_row), with its struct's initializer as default.
const config::key_table<source_config>& shared_source_keys();

// The shared keys followed by a provider's own, as one table for a section.
std::vector<config::key_spec> source_keys(std::span<const config::key_spec> provider_keys);

// Reads the shared keys into `out` and checks what spans them (the name's form; base_url,
// which the provider's table has read, against allow_insecure_http).
void read_shared_source_keys(const config::section& s, source_config& out);

// A rate limit as parse_rate_limit reads it back: "none", or "180/min, 1200/hour".
std::string rate_limit_text(const std::vector<paging::rate_window>& windows);
void read_rate_limit(const config::section& s, std::string_view key, std::vector<paging::rate_window>& out);

template <auto source_member>
constexpr config::custom_member<typename config::member_traits<decltype(source_member)>::config> rate_limit_member() {
  using provider_config = typename config::member_traits<decltype(source_member)>::config;
  return {[](const config::section& s, std::string_view key, provider_config& c) {
            read_rate_limit(s, key, (c.*source_member).rate_limit);
          },
          [](const provider_config& c) { return rate_limit_text((c.*source_member).rate_limit); },
          [](const provider_config& from, provider_config& to) {
            (to.*source_member).rate_limit = (from.*source_member).rate_limit;
          }};
}

}  // namespace personsync::connectors
