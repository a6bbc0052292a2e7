#pragma once
// Whop's current People API: cursor pages ({"data", "page_info":{"end_cursor",
// "has_next_page"}}), the next one by `after`. A full sweep reads by
// first_seen_at ascending (a keyset that neither updates nor deletes shift),
// split into `concurrency` first_seen ranges walked side by side, since one
// cursor chain is strictly sequential. An incremental run reads people seen
// since the window's start (last_seen_after), by last_seen_at ascending: an
// update during the run moves a person behind the cursor, where it is read.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "connectors/paging/source_stream.hpp"
#include "connectors/whop/people_request.hpp"
#include "connectors/whop/whop_config.hpp"
#include "connectors/whop/whop_sweep.hpp"

namespace personsync::whop {

// The cursor API's largest page.
inline constexpr int cursor_page_limit = 100;

class cursor_people_stream final : public paging::source_stream {
 public:
  cursor_people_stream(const whop_source_config& cfg, whop_sweep sweep, std::chrono::system_clock::time_point now);

  // Throws paging::source_failed when a configured filter has no cursor-API form.
  std::vector<paging::page_request> first_requests() override;
  paging::page_result parse_page(const paging::page_request& request, const net::http_response& response) override;
  [[nodiscard]] std::string describe_error(const net::http_response& response) const override;

  // Why the configured filters cannot be sent to this API, if they cannot.
  [[nodiscard]] const std::optional<std::string>& filter_problem() const noexcept { return filter_problem_; }

 private:
  // One chain of pages: a first_seen range (full sweeps) or everything selected (incremental).
  struct chain {
    query_params params;
  };
  [[nodiscard]] paging::page_request request_for(std::size_t chain_index, std::int64_t page,
                                                 const std::string& after) const;

  const whop_source_config& cfg_;
  std::vector<chain> chains_;
  std::optional<std::string> filter_problem_;
};

// Position of a cursor page: its chain in the high bits, its number in the low ones (logs only).
inline std::int64_t cursor_position(std::size_t chain, std::int64_t page) {
  return static_cast<std::int64_t>(chain) << 32 | page;
}

}  // namespace personsync::whop
