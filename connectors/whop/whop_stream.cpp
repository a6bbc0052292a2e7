#include "connectors/whop/whop_stream.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "connectors/whop/people_request.hpp"

namespace personsync::whop {

people_stream::people_stream(const whop_source_config& cfg, whop_sweep sweep, std::chrono::system_clock::time_point now)
    : cfg_(cfg), api_(cfg.api), offset_(cfg, sweep), cursor_(cfg, sweep, now) {}

std::vector<paging::page_request> people_stream::first_requests() {
  switch (api_) {
    case people_api::offset: return offset_.first_requests();
    case people_api::cursor: return cursor_.first_requests();
    case people_api::detect: break;
  }
  probe_ = cursor_.filter_problem() ? people_api::offset : people_api::cursor;
  if (probe_ == people_api::offset) return offset_.first_requests();
  std::vector<paging::page_request> chains = cursor_.first_requests();
  chains.resize(1);  // the first range probes; the others start once the shape is known
  return chains;
}

paging::page_result people_stream::parse_page(const paging::page_request& request,
                                              const net::http_response& response) {
  switch (api_) {
    case people_api::offset: return offset_.parse_page(request, response);
    case people_api::cursor: return cursor_.parse_page(request, response);
    case people_api::detect: break;
  }
  return detect(request, response);
}

paging::page_result people_stream::detect(const paging::page_request& request, const net::http_response& response) {
  boost::json::monotonic_resource memory;
  boost::json::value holder;
  std::size_t replaced = 0;
  const boost::json::object& body = parse_people_body(response, memory, holder, replaced, people_api::detect);
  api_ = shown_api(body).value_or(people_api::offset);  // the seed's page may omit total_count
  spdlog::info("{}: the server speaks Whop's {} People API (detected from the first page)", cfg_.source.name,
               api_ == people_api::cursor ? "cursor-paginated (current)" : "offset-paginated (seed)");

  if (api_ == probe_) {
    paging::page_result result = parse_page(request, response);
    if (api_ == people_api::cursor) {
      std::vector<paging::page_request> chains = cursor_.first_requests();
      for (std::size_t i = 1; i < chains.size(); ++i) result.follow_ups.push_back(std::move(chains[i]));
    }
    return result;
  }
  // The probe spoke the other API: its page is set aside, and the sweep starts over in this one.
  paging::page_result restart;
  restart.follow_ups = api_ == people_api::cursor ? cursor_.first_requests() : offset_.first_requests();
  return restart;
}

std::string people_stream::describe_error(const net::http_response& response) const {
  return describe_whop_error(response);
}

void people_stream::finish(paging::sweep_counts& counts) {
  if (api_ == people_api::offset) offset_.finish(counts);
}

}  // namespace personsync::whop
