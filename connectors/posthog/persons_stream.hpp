#pragma once
// The persons list, walked so that nothing is missed on the real server:
// `next` is followed until null, never stopping at a short page (rows can drop
// out when hydrated), and only to the configured origin; with concurrency, the
// pages are fetched side by side by offset, a few ahead, until one says no
// `next`. The announced total (include_total) only checks the sweep's
// completeness.
// Deduplication by uuid (offset drift) is the driver's.

#include <chrono>
#include <optional>
#include <string>

#include "connectors/paging/completeness.hpp"
#include "connectors/paging/offset_plan.hpp"
#include "connectors/paging/source_stream.hpp"
#include "connectors/posthog/posthog_config.hpp"

namespace personsync::posthog {

class persons_stream final : public paging::source_stream {
 public:
  // A full sweep, or an incremental one for persons updated after `updated_after`
  // (ISO 8601). Incremental runs miss distinct-id-only changes and deletes:
  // only full sweeps are the truth for those.
  persons_stream(const posthog_source_config& cfg, std::optional<std::string> updated_after = std::nullopt);

  std::vector<paging::page_request> first_requests() override;
  paging::page_result parse_page(const paging::page_request& request, const net::http_response& response) override;
  [[nodiscard]] std::string describe_error(const net::http_response& response) const override;
  void finish(paging::sweep_counts& counts) override;

  // Only an unfiltered full sweep may be used to find deletes, merges and splits.
  [[nodiscard]] bool complete_sweep() const noexcept { return !updated_after_ && !cfg_.filter.any(); }

 private:
  [[nodiscard]] paging::page_request request_at(std::int64_t offset, bool include_total) const;
  [[nodiscard]] paging::page_request follow(const std::string& next_url, std::int64_t fallback_position) const;

  const posthog_source_config& cfg_;
  std::optional<std::string> updated_after_;
  std::string origin_;                  // scheme://host:port of base_url: the only place `next` may lead
  paging::offset_plan plan_;            // with concurrency: the offsets fetched side by side
  bool total_read_ = false;
  paging::announced_total total_;       // by the first page (include_total), for the completeness check
};

// "The provider's error type and message" for PostHog's error bodies:
// {"type","code","detail","attr"}.
std::string describe_posthog_error(const net::http_response& response);

}  // namespace personsync::posthog
