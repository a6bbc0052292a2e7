#pragma once
// The People API in whichever shape the server speaks: the seed's offset pages
// or Whop's current cursor pages (whop_source_config::api). With `detect`, the
// first request is the cursor API's (or the offset API's when the configured
// filters have only the seed's form) and the first page's shape decides; a page
// of the other shape is set aside and its sweep started in the right one.

#include <chrono>
#include <optional>

#include "connectors/paging/source_stream.hpp"
#include "connectors/whop/cursor_people_stream.hpp"
#include "connectors/whop/offset_people_stream.hpp"
#include "connectors/whop/whop_config.hpp"
#include "connectors/whop/whop_sweep.hpp"

namespace personsync::whop {

class people_stream final : public paging::source_stream {
 public:
  people_stream(const whop_source_config& cfg, whop_sweep sweep, std::chrono::system_clock::time_point now);

  std::vector<paging::page_request> first_requests() override;
  paging::page_result parse_page(const paging::page_request& request, const net::http_response& response) override;
  [[nodiscard]] std::string describe_error(const net::http_response& response) const override;
  void finish(paging::sweep_counts& counts) override;

  // The API the server speaks: as configured, or detected once the first page is read.
  [[nodiscard]] people_api api() const noexcept { return api_; }

 private:
  paging::page_result detect(const paging::page_request& request, const net::http_response& response);

  const whop_source_config& cfg_;
  people_api api_;
  people_api probe_ = people_api::detect;  // which API's request the detecting probe was
  offset_people_stream offset_;
  cursor_people_stream cursor_;
};

}  // namespace personsync::whop
