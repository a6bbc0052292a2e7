#pragma once
// The People API as the seed describes it: offset pages with total_count.
// Pages are planned a few ahead and read until one comes back short, whatever
// total_count says (it can be too small, negative or absurd); the total only
// checks the sweep's completeness. A full sweep reads by first_seen_at
// ascending: an update moves nobody, a newcomer lands at the end.

#include <cstdint>

#include "connectors/paging/completeness.hpp"
#include "connectors/paging/offset_plan.hpp"
#include "connectors/paging/source_stream.hpp"
#include "connectors/whop/whop_config.hpp"
#include "connectors/whop/whop_sweep.hpp"

namespace personsync::whop {

class offset_people_stream final : public paging::source_stream {
 public:
  offset_people_stream(const whop_source_config& cfg, whop_sweep sweep);

  std::vector<paging::page_request> first_requests() override;
  paging::page_result parse_page(const paging::page_request& request, const net::http_response& response) override;
  [[nodiscard]] std::string describe_error(const net::http_response& response) const override;
  void finish(paging::sweep_counts& counts) override;

  [[nodiscard]] paging::page_request request_at(std::int64_t offset) const;

 private:
  const whop_source_config& cfg_;
  whop_sweep sweep_;
  paging::offset_plan plan_;
  bool total_read_ = false;
  paging::announced_total total_;  // from the first page
};

}  // namespace personsync::whop
