#pragma once
// A [[whop]] source block: one Whop account's People API.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/config/section.hpp"
#include "connectors/source_config.hpp"

namespace personsync::whop {

struct people_filter {
  std::string field;
  std::string op;  // the API's `operator`
  std::string value;
};

// Which People API the server speaks: the seed's offset pages with total_count,
// or Whop's current cursor pages; `detect` decides from the first page's shape.
enum class people_api { detect, offset, cursor };

struct whop_source_config {
  connectors::source_config source = provider_defaults();  // Whop's base_url and our rate_limit
  // Required when the credential can reach several accounts; an account API key
  // implies its account.
  std::optional<std::string> account_id;
  bool credential_spans_accounts = false;  // an app key or OAuth token: account_id is needed
  people_api api = people_api::detect;
  std::string api_version_date = "2026-09-15";  // the Api-Version-Date header: the response shape we were written for
  int page_size = 100;  // the API's `first`: 1 to 101 for offset pages, capped at 100 for cursor pages
  // The order of incremental offset runs. Full sweeps always read by first_seen_at
  // ascending, which updates do not move (docs/design.md, "Provider facts": a last_seen_at order skips people).
  std::string sort = "last_seen_at";
  std::string direction = "desc";
  std::vector<people_filter> filters;
  std::chrono::milliseconds full_sweep_window{std::chrono::hours(24 * 366)};
  std::chrono::milliseconds incremental_overlap{std::chrono::hours(1)};

  static connectors::source_config provider_defaults();
  // This provider's own keys, bound to this struct; config_keys() adds the shared ones.
  static const config::key_table<whop_source_config>& table();
  static std::span<const config::key_spec> config_keys();
  static std::span<const config::key_spec> filter_keys();
  static whop_source_config from_config(const config::section& s);

  // The scope its records land under: the account id, or the source name when
  // the account is implied by the key.
  [[nodiscard]] std::string scope() const { return account_id.value_or(source.name); }
};

}  // namespace personsync::whop
