#pragma once
// The People API walked with offset pagination (the seed's contract): the
// first page's total_count plans every other page, which the driver then
// fetches concurrently. Whop's SDKs show a cursor variant (`after`,
// page_info.end_cursor); it would be a sibling stream over the same request
// parameters and item mapping, leaving this one as it is.

#include <chrono>
#include <cstdint>

#include "connectors/paging/source_stream.hpp"
#include "connectors/whop/whop_config.hpp"

namespace personsync::whop {

// The `from`/`to` range, in unix seconds.
struct time_window {
  std::int64_t from = 0;
  std::int64_t to = 0;
};

// A full sweep's window ends now and reaches back full_sweep_window; an
// incremental one starts at the last successful run's `to` minus the overlap.
time_window full_sweep_window(const whop_source_config& cfg, std::chrono::system_clock::time_point now);
time_window incremental_window(const whop_source_config& cfg, std::int64_t last_to,
                               std::chrono::system_clock::time_point now);

class whop_offset_stream final : public paging::source_stream {
 public:
  whop_offset_stream(const whop_source_config& cfg, time_window window);

  std::vector<paging::page_request> first_requests() override;
  paging::page_result parse_page(const paging::page_request& request, const net::http_response& response) override;
  [[nodiscard]] std::string describe_error(const net::http_response& response) const override;
  void finish(paging::sweep_counts& counts) override;

  [[nodiscard]] paging::page_request request_at(std::int64_t offset) const;
  [[nodiscard]] const time_window& window() const noexcept { return window_; }

 private:
  const whop_source_config& cfg_;
  time_window window_;
  std::int64_t total_count_ = -1;  // from the first page
};

}  // namespace personsync::whop
